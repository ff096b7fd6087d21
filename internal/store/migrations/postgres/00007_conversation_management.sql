-- +goose Up
-- Conversation management (issue 5): agent availability and round-robin
-- assignment, transfer between groups, internal notes, labels and canned
-- responses. Everything carries company_id and every query filters by it.

-- available: the agent is at their desk and takes new conversations by
-- round-robin. Off by default, so nobody is handed work before saying so.
ALTER TABLE users ADD COLUMN available BOOLEAN NOT NULL DEFAULT FALSE;

-- group_id: the group a conversation was transferred to; NULL means its
-- channel's group. It decides who may act on the conversation and whose
-- agents the round-robin picks from.
ALTER TABLE conversations ADD COLUMN group_id BIGINT REFERENCES channel_groups (id) ON DELETE SET NULL;

-- The round-robin pointer of a group: the agent who got the last
-- conversation. Pickers lock this row, so concurrent arrivals (on any node)
-- take turns instead of picking the same agent.
CREATE TABLE assignment_cursors (
    group_id     BIGINT PRIMARY KEY REFERENCES channel_groups (id) ON DELETE CASCADE,
    company_id   BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    last_user_id BIGINT NOT NULL DEFAULT 0
);

-- Internal notes: seen by the company's users in the thread, never sent.
CREATE TABLE conversation_notes (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id      BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversation_notes_conversation ON conversation_notes (company_id, conversation_id, id);

CREATE TABLE labels (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    color      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE conversation_labels (
    company_id      BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label_id        BIGINT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, label_id)
);
CREATE INDEX conversation_labels_label ON conversation_labels (company_id, label_id, conversation_id);

-- Canned responses ("respostas rápidas"): an agent types /shortcut in the
-- composer and gets the text.
CREATE TABLE canned_responses (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    shortcut   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (company_id, shortcut)
);

-- Sends still queued, found at start-up to re-enqueue those whose job died
-- with a killed process (inbox.Service.Requeue).
CREATE INDEX messages_queued ON messages (id) WHERE status = 'queued';

-- +goose Down
DROP INDEX messages_queued;
DROP TABLE canned_responses;
DROP TABLE conversation_labels;
DROP TABLE labels;
DROP TABLE conversation_notes;
DROP TABLE assignment_cursors;
ALTER TABLE conversations DROP COLUMN group_id;
ALTER TABLE users DROP COLUMN available;
