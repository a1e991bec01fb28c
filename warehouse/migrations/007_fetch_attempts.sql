-- Every HTTP attempt of a fetch, retries included, beside the fetch it belongs to.

CREATE TABLE fetch_attempts (
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    fetch_started_at TIMESTAMPTZ NOT NULL,  -- the fetch's started_at (the run instant)
    attempt_number INTEGER NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    status INTEGER,
    byte_count BIGINT,
    error_class TEXT,
    error_message TEXT,
    PRIMARY KEY (source_id, url, fetch_started_at, attempt_number)
);
