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
    valid_to TIMESTAMPTZ,
    -- Compact grouping keys: publications group millions of these rows, and integers
    -- group several times faster than strings (benchmarks/publication_bench.py).
    is_verified BOOLEAN NOT NULL,
    model_key UBIGINT NOT NULL        -- hash(model_id)
);
