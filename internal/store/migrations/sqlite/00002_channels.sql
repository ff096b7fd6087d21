-- +goose Up
-- Channel groups (teams/queues), their agents, and channels. Type-specific
-- settings live in config (JSON) so a new channel type needs no new columns;
-- credentials live sealed (AES-GCM) in secrets. phone_number_id and waba_id
-- are copied out of config for webhook routing.
CREATE TABLE channel_groups (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE group_members (
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES channel_groups (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (company_id, user_id);

CREATE TABLE channels (
    id                INTEGER PRIMARY KEY,
    company_id        INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    group_id          INTEGER NOT NULL REFERENCES channel_groups (id),
    type              TEXT NOT NULL,
    name              TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'connected', 'error', 'disconnected')),
    config            TEXT NOT NULL DEFAULT '{}',
    secrets           TEXT NOT NULL DEFAULT '',
    phone_number_id   TEXT,
    waba_id           TEXT,
    verify_token_hash TEXT,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX channels_company ON channels (company_id, id);
-- A number is live in one channel at a time; disconnected ones keep history.
CREATE UNIQUE INDEX channels_phone_number ON channels (phone_number_id) WHERE status <> 'disconnected';
CREATE INDEX channels_waba ON channels (waba_id);
CREATE INDEX channels_verify_token ON channels (verify_token_hash);

-- +goose Down
DROP TABLE channels;
DROP TABLE group_members;
DROP TABLE channel_groups;
