-- +goose Up
-- Message templates per channel, kept in sync with Meta (sync job and the
-- message_template_status_update webhook). components holds Meta's own
-- component JSON so templates round-trip to the Graph API. status_at and
-- category_at are when Meta's state was observed: older webhooks never
-- overwrite newer state. Deleted templates keep their row (status DELETED)
-- so sent messages and spend reports keep their template.
CREATE TABLE templates (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id       BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id       BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    meta_id          TEXT NOT NULL DEFAULT '',
    name             TEXT NOT NULL,
    language         TEXT NOT NULL,
    category         TEXT NOT NULL,
    status           TEXT NOT NULL,
    rejected_reason  TEXT NOT NULL DEFAULT '',
    status_info      TEXT NOT NULL DEFAULT '',
    quality          TEXT NOT NULL DEFAULT '',
    parameter_format TEXT NOT NULL DEFAULT 'POSITIONAL',
    components       TEXT NOT NULL DEFAULT '[]',
    status_at        TIMESTAMPTZ NOT NULL,
    category_at      TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (channel_id, name, language)
);
CREATE INDEX templates_company ON templates (company_id, channel_id, status);

-- Per-company editable price table: one row per region (ISO code, or '*'
-- for every other country), rates in micro-units of currency.
CREATE TABLE price_rates (
    company_id     BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    region         TEXT NOT NULL,
    currency       TEXT NOT NULL,
    marketing      BIGINT NOT NULL CHECK (marketing >= 0),
    utility        BIGINT NOT NULL CHECK (utility >= 0),
    authentication BIGINT NOT NULL CHECK (authentication >= 0),
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (company_id, region)
);

-- +goose Down
DROP TABLE price_rates;
DROP TABLE templates;
