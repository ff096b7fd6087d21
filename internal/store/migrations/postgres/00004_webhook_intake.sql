-- +goose Up
-- Every signature-verified Meta webhook, stored raw before we answer 200, so
-- a crash between the answer and the processing loses nothing. One row per
-- delivery and company (a delivery naming numbers of two companies that share
-- one Meta app is stored once for each); processing re-reads the body from
-- here. The body is BYTEA: it is kept byte for byte as Meta signed it.
CREATE TABLE webhook_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id   BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id   BIGINT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    body         BYTEA NOT NULL,
    processed_at TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_events_company ON webhook_events (company_id, id);
-- The rows still to process (small: rows leave it once processed), read
-- at start-up to re-enqueue work whose job died with a killed process.
CREATE INDEX webhook_events_unprocessed ON webhook_events (id) WHERE processed_at IS NULL;

-- +goose Down
DROP TABLE webhook_events;
