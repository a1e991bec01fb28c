-- The value that counts per lane, model and benchmark, as a timeline derived from the
-- observations (see scoring/values.py), so a publication reads one row per pair.

CREATE TABLE chosen_values (
    lane TEXT NOT NULL,
    model_id TEXT NOT NULL,
    benchmark_id TEXT NOT NULL,
    observation_id TEXT NOT NULL,
    value DOUBLE NOT NULL,
    age_date DATE NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ
);
