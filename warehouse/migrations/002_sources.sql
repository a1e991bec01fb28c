-- Fetch attempts, model facts as history, and the source run key of observations.

CREATE TABLE fetches (
    fetch_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    file_name TEXT,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    outcome TEXT NOT NULL,           -- ok, not_modified, failed, skipped
    status INTEGER,
    byte_count BIGINT,
    snapshot_sha256 TEXT,
    etag TEXT,
    last_modified TEXT,
    attempt_count INTEGER NOT NULL,
    error_class TEXT,
    error_message TEXT,
    is_retryable BOOLEAN
);

-- One row per source load, whether it parsed or not: what the run did with a source.
CREATE TABLE source_loads (
    source_id TEXT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    outcome TEXT NOT NULL,           -- loaded, unchanged, fetch_failed, parse_failed, skipped
    snapshot_sha256 TEXT,
    observation_count INTEGER,
    price_count INTEGER,
    unresolved_model_count INTEGER,
    parse_s DOUBLE,
    message TEXT,
    PRIMARY KEY (source_id, loaded_at)
);

CREATE TABLE model_facts (
    model_fact_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL,
    raw_model_name TEXT NOT NULL,
    provider TEXT,
    model_id TEXT,
    context_window_tokens BIGINT,
    max_output_tokens BIGINT,
    is_reasoning BOOLEAN,
    is_open_weights BOOLEAN,
    release_date DATE,
    deprecation_date DATE,
    retrieved_at TIMESTAMPTZ NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ
);

-- An operator's decision on a queued name: map it to a model, or ignore it.
CREATE TABLE name_decisions (
    name_kind TEXT NOT NULL,
    raw_name TEXT NOT NULL,
    decision TEXT NOT NULL,          -- map or ignore
    target_id TEXT,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (name_kind, raw_name)
);

ALTER TABLE observations ADD COLUMN raw_run_id TEXT;
-- A price's own effective period, when the source gives one (price histories).
ALTER TABLE prices ADD COLUMN effective_from_date DATE;
ALTER TABLE prices ADD COLUMN effective_to_date DATE;
ALTER TABLE unresolved_names ADD COLUMN is_ignored BOOLEAN DEFAULT false;
