-- Change events: detected by diffing two instants, each event stored once.

CREATE TABLE change_events (
    event_id TEXT PRIMARY KEY,       -- deterministic: detecting twice stores once
    event_type TEXT NOT NULL,        -- see scoring/events.py for the list
    model_id TEXT,
    other_model_id TEXT,             -- the model displaced (new leader, winner flip)
    benchmark_id TEXT,
    category_id TEXT,                -- NULL means overall where that matters
    source_id TEXT,
    raw_name TEXT,                   -- the source's own name, for unresolved entries
    provider TEXT,
    lane TEXT,
    before_value DOUBLE,
    after_value DOUBLE,
    before_text TEXT,
    after_text TEXT,
    cause_kind TEXT NOT NULL,        -- observation, price, model_fact, methodology,
                                     -- freshness, fetch, scores
    cause_id TEXT,                   -- observation_id, price_id, methodology_id, ...
    cause_snapshot_sha256 TEXT,
    materiality TEXT NOT NULL,       -- routine, notable, major
    summary TEXT NOT NULL,           -- one line for people: what, by how much, why
    effective_at TIMESTAMPTZ NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    publication_id TEXT,
    previous_publication_id TEXT,
    is_backfill BOOLEAN NOT NULL DEFAULT false,
    digested_at TIMESTAMPTZ
);

-- How far event detection has got: the next run detects from here on.
CREATE TABLE event_runs (
    until_at TIMESTAMPTZ PRIMARY KEY,
    detected_at TIMESTAMPTZ NOT NULL,
    event_count INTEGER NOT NULL,
    is_backfill BOOLEAN NOT NULL
);
