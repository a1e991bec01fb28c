-- Weekly digest: subscribers with their consent state, the outbox of messages (one per
-- subscriber and ISO week), and per-run counts that outlive an erased subscriber.

-- Only a derived region is kept: no country, IP address or location.
CREATE TABLE subscribers (
    subscriber_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL,            -- eu_eea, uk, us, other
    category_ids TEXT[] NOT NULL,    -- empty means every category
    event_types TEXT[] NOT NULL,     -- empty means every event type
    status TEXT NOT NULL,            -- pending, confirmed, unsubscribed
    created_at TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ,
    unsubscribed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

-- The outbox. A row is written once per subscriber and week, with the exact bytes to
-- send; it turns `sent` only after the SMTP server accepted them.
CREATE TABLE digest_deliveries (
    delivery_key TEXT PRIMARY KEY,   -- sha256 of week and subscriber; in Message-ID
    subscriber_id TEXT NOT NULL,
    week TEXT NOT NULL,              -- ISO week, 2026-W49
    message BLOB NOT NULL,           -- RFC 5322 bytes with CRLF line ends
    status TEXT NOT NULL,            -- pending, sent, failed, cancelled
    attempt_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    error TEXT,                      -- the last SMTP reply or error class, no address
    UNIQUE (subscriber_id, week)
);

CREATE TABLE digest_runs (
    digest_run_id TEXT PRIMARY KEY,
    week TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    event_count INTEGER NOT NULL,
    sent_count INTEGER NOT NULL,
    skipped_consent_count INTEGER NOT NULL,
    skipped_empty_count INTEGER NOT NULL,
    already_sent_count INTEGER NOT NULL,
    failed_count INTEGER NOT NULL
);
