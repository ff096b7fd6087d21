-- +goose Up
-- Reports (issue 7): aggregate queries scan one company's rows in a time
-- range, so each table they read gets a (company_id, <time>) index.

-- The company's zone decides where report days start and end. Brazilian
-- customers are the default; there is no editor yet (API/SQL only).
ALTER TABLE companies ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Sao_Paulo';

-- The template a message sent, derived from its stored Graph API request so
-- no writer has to remember to fill it; per-template reports group and
-- filter on it. VIRTUAL: computed on read, indexable, no table rewrite.
ALTER TABLE messages ADD COLUMN template_name TEXT
    GENERATED ALWAYS AS (CASE WHEN type = 'template' THEN json_extract(payload, '$.template.name') END) VIRTUAL;

-- The message sums (store/reports.go) read only these covering indexes,
-- never the wide rows (payload, text): per period, per author, per
-- template. They are what keeps a busy company's month fast.
CREATE INDEX messages_report ON messages (company_id, direction, created_at, type, status, category, expected_cost, billable,
    conversation_id);
CREATE INDEX messages_author ON messages (company_id, author_id, created_at, direction, type, status, category, expected_cost, billable, conversation_id);
CREATE INDEX messages_template ON messages (company_id, template_name, created_at, direction, type, status, category, expected_cost, billable, conversation_id)
    WHERE template_name IS NOT NULL;
-- "Did anything follow this message within 24 hours?" is one seek here.
CREATE INDEX messages_window ON messages (company_id, conversation_id, created_at);
-- Conversations opened / resolved in a period, with what reports read.
CREATE INDEX conversations_opened ON conversations (company_id, created_at, origin, first_response_at, assignee_id,
    channel_id, group_id);
CREATE INDEX conversations_resolved ON conversations (company_id, resolved_at, created_at, assignee_id, channel_id, group_id)
    WHERE resolved_at IS NOT NULL;
CREATE INDEX contacts_opted_out ON contacts (company_id, opted_out_at) WHERE opted_out_at IS NOT NULL;

-- +goose Down
DROP INDEX contacts_opted_out;
DROP INDEX conversations_resolved;
DROP INDEX conversations_opened;
DROP INDEX messages_template;
DROP INDEX messages_author;
DROP INDEX messages_window;
DROP INDEX messages_report;
ALTER TABLE messages DROP COLUMN template_name;
ALTER TABLE companies DROP COLUMN time_zone;
