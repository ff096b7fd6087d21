-- +goose Up
-- Contacts, conversations and messages (issue 5). Everything carries
-- company_id and every query filters by it. Times are UTC (store/dialect.go).

-- A contact is a customer as one channel sees them, keyed by the canonical
-- WhatsApp id (conversa.CanonicalWAID) so both forms of a Brazilian mobile
-- are one person; wa_id is the form Meta last used, which we send to.
CREATE TABLE contacts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id   BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id   BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    wa_key       TEXT NOT NULL,
    wa_id        TEXT NOT NULL,
    phone        TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    opted_out_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (channel_id, wa_key)
);
CREATE INDEX contacts_company ON contacts (company_id, id);

-- window_expires_at is a stored copy of last_inbound_at + 24 h, only for
-- filtering and sorting; the rule itself is computed from last_inbound_at.
CREATE TABLE conversations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id        BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id        BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    contact_id        BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('open', 'pending', 'resolved')),
    origin            TEXT NOT NULL,
    assignee_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    last_inbound_at   TIMESTAMPTZ,
    window_expires_at TIMESTAMPTZ,
    last_message_at   TIMESTAMPTZ NOT NULL,
    first_response_at TIMESTAMPTZ,
    resolved_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
-- One unresolved conversation per contact: concurrent inbound messages of a
-- new customer can't open two threads.
CREATE UNIQUE INDEX conversations_active ON conversations (contact_id) WHERE status <> 'resolved';
CREATE INDEX conversations_list ON conversations (company_id, status, last_message_at, id);
CREATE INDEX conversations_assignee ON conversations (company_id, assignee_id, last_message_at, id);
CREATE INDEX conversations_contact ON conversations (company_id, contact_id, id);

-- Messages in both directions. payload is Meta's JSON: the inbound message
-- as received, or the outbound request without the recipient. send_state
-- tracks a send between "attempt recorded" and "outcome known":
-- '' (none), 'attempting' (calling Meta), 'reconciling' (outcome unknown:
-- waiting for a status webhook before anything is sent again).
CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id      BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    type            TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL,
    wamid           TEXT,
    author_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    error_code      INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    error_pt        TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL DEFAULT '',
    expected_cost   BIGINT NOT NULL DEFAULT 0,
    billable        BOOLEAN,
    pricing_type    TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    reply_to        TEXT NOT NULL DEFAULT '',
    media_id        TEXT NOT NULL DEFAULT '',
    media_mime      TEXT NOT NULL DEFAULT '',
    media_path      TEXT NOT NULL DEFAULT '',
    send_state      TEXT NOT NULL DEFAULT '',
    send_attempts   INTEGER NOT NULL DEFAULT 0,
    attempted_at    TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    read_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- NULLs are distinct in unique indexes on both databases, so unsent
-- messages and keyless sends don't collide.
CREATE UNIQUE INDEX messages_wamid ON messages (company_id, wamid);
CREATE UNIQUE INDEX messages_idempotency ON messages (company_id, idempotency_key);
CREATE INDEX messages_conversation ON messages (company_id, conversation_id, id);
CREATE INDEX messages_send_state ON messages (send_state, attempted_at) WHERE send_state <> '';

-- Statuses that arrived before we knew their message (no callback data and
-- a wamid not recorded yet); applied when the wamid is recorded.
CREATE TABLE parked_statuses (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id  BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel_id  BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    wamid       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX parked_statuses_wamid ON parked_statuses (company_id, wamid);
CREATE INDEX parked_statuses_received ON parked_statuses (received_at);

-- +goose Down
DROP TABLE parked_statuses;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contacts;
