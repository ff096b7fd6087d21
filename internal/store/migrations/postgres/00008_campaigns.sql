-- +goose Up
-- Campaigns (issue 7): contact lists imported from CSV, campaigns that send
-- one approved template to every member, and one row per recipient that
-- links to the outbound message (status webhooks update the message; the
-- recipient's delivery state is read through it).

CREATE TABLE contact_lists (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    columns    TEXT NOT NULL DEFAULT '[]', -- variable column names, JSON
    members    INTEGER NOT NULL DEFAULT 0,
    rejected   TEXT NOT NULL DEFAULT '[]', -- the import's rejected rows, JSON
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contact_lists_company ON contact_lists (company_id, id);

-- wa_key is conversa.CanonicalWAID: both forms of a Brazilian mobile are one
-- member, so a list never holds the same person twice.
CREATE TABLE contact_list_members (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    list_id    BIGINT NOT NULL REFERENCES contact_lists (id) ON DELETE CASCADE,
    wa_key     TEXT NOT NULL,
    phone      TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    variables  TEXT NOT NULL DEFAULT '{}',
    tags       TEXT NOT NULL DEFAULT '',
    UNIQUE (list_id, wa_key)
);

-- lease_owner/lease_until: the engine node sending the campaign; another
-- node takes over only after the lease expired.
CREATE TABLE campaigns (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id        BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id        BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    list_id           BIGINT NOT NULL REFERENCES contact_lists (id) ON DELETE RESTRICT,
    name              TEXT NOT NULL,
    template_name     TEXT NOT NULL,
    template_language TEXT NOT NULL,
    category          TEXT NOT NULL DEFAULT '',
    variable_map      TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL,
    pause_reason      TEXT NOT NULL DEFAULT '',
    pause_reason_pt   TEXT NOT NULL DEFAULT '',
    scheduled_at      TIMESTAMPTZ,
    hours_start       INTEGER NOT NULL DEFAULT 0, -- minutes after midnight in time_zone
    hours_end         INTEGER NOT NULL DEFAULT 0, -- 0 = no sending hours
    time_zone         TEXT NOT NULL DEFAULT '',
    expected_cost     BIGINT NOT NULL DEFAULT 0,
    lease_owner       TEXT NOT NULL DEFAULT '',
    lease_until       TIMESTAMPTZ,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX campaigns_company ON campaigns (company_id, id);
CREATE INDEX campaigns_status ON campaigns (status, channel_id);

-- status: pending → sending (attempt recorded, committed before calling
-- Meta) → accepted | failed; excluded never leaves (opted out at send time,
-- over the tier). After accepted, delivered/read come from the message.
CREATE TABLE campaign_recipients (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id      BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    channel_id      BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    wa_key          TEXT NOT NULL,
    wa_id           TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    params          TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL,
    not_before      TIMESTAMPTZ,
    message_id      BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    conversation_id BIGINT REFERENCES conversations (id) ON DELETE SET NULL,
    error_code      INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    attempted_at    TIMESTAMPTZ,
    UNIQUE (campaign_id, wa_key)
);
CREATE INDEX campaign_recipients_claim ON campaign_recipients (campaign_id, status, id);
CREATE INDEX campaign_recipients_tier ON campaign_recipients (channel_id, attempted_at);
CREATE INDEX campaign_recipients_message ON campaign_recipients (message_id);

-- +goose Down
DROP TABLE campaign_recipients;
DROP TABLE campaigns;
DROP TABLE contact_list_members;
DROP TABLE contact_lists;
