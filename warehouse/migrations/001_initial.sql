-- Initial schema: reference data, sources and snapshots, observations and prices as
-- history, methodology versions, publications and their scores.

CREATE TABLE models (
    model_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation TEXT,
    is_reasoning BOOLEAN,
    is_open_weights BOOLEAN,
    context_window_tokens BIGINT,
    release_date DATE,
    citation_url TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE model_aliases (
    alias_key TEXT PRIMARY KEY,      -- normalised form used for matching
    alias TEXT NOT NULL,             -- as written
    model_id TEXT NOT NULL,
    alias_kind TEXT NOT NULL,        -- exact, normalised, manual
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE benchmarks (
    benchmark_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,         -- higher or lower
    scale_min DOUBLE NOT NULL,
    scale_max DOUBLE NOT NULL
);

CREATE TABLE benchmark_aliases (
    alias_key TEXT PRIMARY KEY,
    alias TEXT NOT NULL,
    benchmark_id TEXT NOT NULL
);

CREATE TABLE methodologies (
    methodology_id TEXT PRIMARY KEY,
    effective_from TIMESTAMPTZ NOT NULL,
    description TEXT,
    category_min_coverage_fraction DOUBLE NOT NULL,
    overall_min_benchmark_count INTEGER NOT NULL,
    overall_min_category_count INTEGER NOT NULL,
    definition_sha256 TEXT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE methodology_categories (
    methodology_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    name TEXT NOT NULL,
    weight_pct DOUBLE NOT NULL,
    PRIMARY KEY (methodology_id, category_id)
);

CREATE TABLE methodology_benchmarks (
    methodology_id TEXT NOT NULL,
    benchmark_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    weight_pct DOUBLE NOT NULL,      -- inside its category; 0 when display-only
    is_weighted BOOLEAN NOT NULL,
    staleness TEXT NOT NULL,         -- current or stale
    cadence_days INTEGER NOT NULL,
    max_age_days INTEGER NOT NULL,
    version TEXT,
    normalise_low DOUBLE NOT NULL,
    normalise_high DOUBLE NOT NULL,
    note TEXT,
    PRIMARY KEY (methodology_id, benchmark_id)
);

CREATE TABLE confidence_tiers (
    methodology_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    min_category_count INTEGER NOT NULL,
    min_benchmark_count INTEGER NOT NULL,
    PRIMARY KEY (methodology_id, tier)
);

CREATE TABLE sources (
    source_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT,
    format TEXT NOT NULL,
    kind TEXT NOT NULL,              -- scores, prices, runtime, model_facts
    trust TEXT NOT NULL,             -- official, third_party, curated
    cadence_days INTEGER NOT NULL,
    max_age_days INTEGER NOT NULL
);

CREATE TABLE snapshots (
    sha256 TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    byte_count BIGINT NOT NULL,
    retrieved_at TIMESTAMPTZ NOT NULL,
    path TEXT
);

-- Observations are history: a row is valid from `valid_from` until `valid_to` (NULL
-- while current). A new row appears only when a value appears, changes or goes.
CREATE TABLE observations (
    observation_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL,
    raw_model_name TEXT NOT NULL,
    raw_benchmark_name TEXT NOT NULL,
    model_id TEXT,
    benchmark_id TEXT,
    value DOUBLE NOT NULL,
    value_text TEXT NOT NULL,
    unit TEXT NOT NULL,
    reported_date DATE,
    retrieved_at TIMESTAMPTZ NOT NULL,
    citation_url TEXT,
    lane TEXT NOT NULL,              -- verified or provisional
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ
);

CREATE TABLE prices (
    price_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL,
    raw_model_name TEXT NOT NULL,
    model_id TEXT,
    provider TEXT,
    state TEXT NOT NULL,             -- priced, free, unknown, deprecated
    input_usd_per_mtok DOUBLE,
    output_usd_per_mtok DOUBLE,
    citation_url TEXT,
    retrieved_at TIMESTAMPTZ NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ
);

CREATE TABLE unresolved_names (
    source_id TEXT NOT NULL,
    name_kind TEXT NOT NULL,         -- model or benchmark
    raw_name TEXT NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    seen_count BIGINT NOT NULL,
    PRIMARY KEY (source_id, name_kind, raw_name)
);

CREATE TABLE publications (
    publication_id TEXT PRIMARY KEY,
    as_of TIMESTAMPTZ NOT NULL,
    methodology_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,      -- order-free hash of the score rows
    model_count INTEGER NOT NULL,
    ranked_count INTEGER NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE category_scores (
    publication_id TEXT NOT NULL,
    lane TEXT NOT NULL,
    model_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    score DOUBLE,                            -- NULL when no weighted value counted
    value_count INTEGER NOT NULL,            -- values that counted, weighted or not
    weighted_value_count INTEGER NOT NULL,   -- weighted values that counted
    weighted_benchmark_count INTEGER NOT NULL,
    is_eligible BOOLEAN NOT NULL,
    rank INTEGER,
    PRIMARY KEY (publication_id, lane, model_id, category_id)
);

CREATE TABLE overall_scores (
    publication_id TEXT NOT NULL,
    lane TEXT NOT NULL,
    model_id TEXT NOT NULL,
    score DOUBLE,
    rank INTEGER,
    is_ranked BOOLEAN NOT NULL,
    value_count INTEGER NOT NULL,
    category_count INTEGER NOT NULL,
    eligible_category_count INTEGER NOT NULL,
    confidence TEXT NOT NULL,
    PRIMARY KEY (publication_id, lane, model_id)
);

CREATE TABLE runtime_samples (
    runtime_sample_id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL,
    raw_model_name TEXT NOT NULL,
    model_id TEXT,
    metric TEXT NOT NULL,            -- output_tokens_per_s, ttft_s
    value DOUBLE NOT NULL,
    measured_date DATE,
    retrieved_at TIMESTAMPTZ NOT NULL,
    citation_url TEXT
);
