-- +goose Up
-- Reports at scale (issue 7). A busy company's quarter is a million messages:
-- no index scan over them fits a page load, so message sums come from a
-- rollup by hour and by day that triggers keep in the same transaction as
-- every write (any writer, today's and tomorrow's); conversations get their
-- report values as generated columns; expired windows come from a flag on
-- inbound messages.
-- The PostgreSQL file has the same objects; keep them in step.

-- What each message adds to a report: one row per message, measures as 0/1
-- or money. It is the one definition of them: the rollup is a sum of this
-- view, and filters the rollup can't answer (agent, group, campaign) sum the
-- view directly (store/reports_messages.go).
CREATE VIEW report_message_facts AS SELECT id, company_id, conversation_id, author_id, template_name, created_at,
    CASE WHEN direction = 'in' THEN 1 ELSE 0 END AS n_in,
    CASE WHEN direction = 'out' THEN 1 ELSE 0 END AS n_out,
    CASE WHEN direction = 'out' AND status IN ('delivered', 'read') THEN 1 ELSE 0 END AS n_delivered,
    CASE WHEN direction = 'out' AND status = 'read' THEN 1 ELSE 0 END AS n_read,
    CASE WHEN direction = 'out' AND status = 'failed' THEN 1 ELSE 0 END AS n_failed,
    CASE WHEN direction = 'out' AND status <> 'failed' THEN expected_cost ELSE 0 END AS cost_expected,
    CASE WHEN direction = 'out' AND status <> 'failed' AND billable THEN expected_cost ELSE 0 END AS cost_billable,
    CASE WHEN direction = 'out' AND status <> 'failed' AND billable IS NULL THEN expected_cost ELSE 0 END AS cost_unconfirmed,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'marketing' THEN 1 ELSE 0 END AS marketing_sent,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'marketing' AND status <> 'failed'
        THEN expected_cost ELSE 0 END AS marketing_expected,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'marketing' AND status <> 'failed' AND billable
        THEN expected_cost ELSE 0 END AS marketing_billable,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'utility' THEN 1 ELSE 0 END AS utility_sent,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'utility' AND status <> 'failed'
        THEN expected_cost ELSE 0 END AS utility_expected,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'utility' AND status <> 'failed' AND billable
        THEN expected_cost ELSE 0 END AS utility_billable,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'authentication' THEN 1 ELSE 0 END AS authentication_sent,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'authentication' AND status <> 'failed'
        THEN expected_cost ELSE 0 END AS authentication_expected,
    CASE WHEN direction = 'out' AND type = 'template' AND category = 'authentication' AND status <> 'failed' AND billable
        THEN expected_cost ELSE 0 END AS authentication_billable
    FROM messages;

-- The facts summed per UTC hour and per UTC day (width 3600 or 86400
-- seconds; bucket = Unix time / width) and the dimensions reports filter or
-- split by: the conversation's channel (conversations never change
-- channel), the author (0 = none) and the template ('' = none). A period
-- reads its whole days, then whole hours, then the view for the rest (the
-- day edges of a zone whose offset isn't whole hours).
CREATE TABLE report_message_rollup (
    company_id              INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    width                   INTEGER NOT NULL,
    bucket                  INTEGER NOT NULL,
    channel_id              INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    author_id               INTEGER NOT NULL,
    template                TEXT NOT NULL,
    n_in                    INTEGER NOT NULL,
    n_out                   INTEGER NOT NULL,
    n_delivered             INTEGER NOT NULL,
    n_read                  INTEGER NOT NULL,
    n_failed                INTEGER NOT NULL,
    cost_expected           INTEGER NOT NULL,
    cost_billable           INTEGER NOT NULL,
    cost_unconfirmed        INTEGER NOT NULL,
    marketing_sent          INTEGER NOT NULL,
    marketing_expected      INTEGER NOT NULL,
    marketing_billable      INTEGER NOT NULL,
    utility_sent            INTEGER NOT NULL,
    utility_expected        INTEGER NOT NULL,
    utility_billable        INTEGER NOT NULL,
    authentication_sent     INTEGER NOT NULL,
    authentication_expected INTEGER NOT NULL,
    authentication_billable INTEGER NOT NULL,
    PRIMARY KEY (company_id, width, bucket, channel_id, author_id, template)
) WITHOUT ROWID;

INSERT INTO report_message_rollup SELECT f.company_id, w.width, unixepoch(f.created_at) / w.width, c.channel_id,
    COALESCE(f.author_id, 0), COALESCE(f.template_name, ''), SUM(n_in), SUM(n_out), SUM(n_delivered), SUM(n_read),
    SUM(n_failed), SUM(cost_expected), SUM(cost_billable), SUM(cost_unconfirmed), SUM(marketing_sent),
    SUM(marketing_expected), SUM(marketing_billable), SUM(utility_sent), SUM(utility_expected), SUM(utility_billable),
    SUM(authentication_sent), SUM(authentication_expected), SUM(authentication_billable)
    FROM report_message_facts f JOIN conversations c ON c.id = f.conversation_id
    CROSS JOIN (SELECT 3600 AS width UNION ALL SELECT 86400) w GROUP BY 1, 2, 3, 4, 5, 6;

-- SQLite has no procedures: inserting (message, weight) into this empty
-- view adds weight × the message's facts to its hour's and day's rollup
-- rows, so the upsert is written once for every trigger below.
CREATE VIEW report_message_changes (message_id, weight) AS SELECT NULL, NULL WHERE 0;

-- +goose StatementBegin
CREATE TRIGGER report_message_apply INSTEAD OF INSERT ON report_message_changes BEGIN
    INSERT INTO report_message_rollup SELECT f.company_id, w.width, unixepoch(f.created_at) / w.width, c.channel_id,
        COALESCE(f.author_id, 0), COALESCE(f.template_name, ''), NEW.weight * n_in, NEW.weight * n_out,
        NEW.weight * n_delivered, NEW.weight * n_read, NEW.weight * n_failed, NEW.weight * cost_expected,
        NEW.weight * cost_billable, NEW.weight * cost_unconfirmed, NEW.weight * marketing_sent,
        NEW.weight * marketing_expected, NEW.weight * marketing_billable, NEW.weight * utility_sent,
        NEW.weight * utility_expected, NEW.weight * utility_billable, NEW.weight * authentication_sent,
        NEW.weight * authentication_expected, NEW.weight * authentication_billable
        FROM report_message_facts f JOIN conversations c ON c.id = f.conversation_id
        CROSS JOIN (SELECT 3600 AS width UNION ALL SELECT 86400) w WHERE f.id = NEW.message_id
    ON CONFLICT DO UPDATE SET n_in = n_in + excluded.n_in, n_out = n_out + excluded.n_out,
        n_delivered = n_delivered + excluded.n_delivered, n_read = n_read + excluded.n_read,
        n_failed = n_failed + excluded.n_failed, cost_expected = cost_expected + excluded.cost_expected,
        cost_billable = cost_billable + excluded.cost_billable,
        cost_unconfirmed = cost_unconfirmed + excluded.cost_unconfirmed,
        marketing_sent = marketing_sent + excluded.marketing_sent,
        marketing_expected = marketing_expected + excluded.marketing_expected,
        marketing_billable = marketing_billable + excluded.marketing_billable,
        utility_sent = utility_sent + excluded.utility_sent, utility_expected = utility_expected + excluded.utility_expected,
        utility_billable = utility_billable + excluded.utility_billable,
        authentication_sent = authentication_sent + excluded.authentication_sent,
        authentication_expected = authentication_expected + excluded.authentication_expected,
        authentication_billable = authentication_billable + excluded.authentication_billable;
END;
-- +goose StatementEnd

-- A change takes the row's old facts out before it and puts the new ones in
-- after, so status webhooks that arrive twice or out of order (the row
-- doesn't change) and pricing news all keep the sums right. The column list
-- is everything the facts and the rollup key read.
-- +goose StatementBegin
CREATE TRIGGER messages_report_insert AFTER INSERT ON messages BEGIN
    INSERT INTO report_message_changes VALUES (NEW.id, 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_report_update_old BEFORE UPDATE OF company_id, conversation_id, direction, type, payload, status,
    author_id, category, expected_cost, billable, created_at ON messages
    WHEN (OLD.company_id, OLD.conversation_id, OLD.direction, OLD.type, OLD.payload, OLD.status, OLD.author_id, OLD.category,
        OLD.expected_cost, OLD.billable, OLD.created_at) IS NOT (NEW.company_id, NEW.conversation_id, NEW.direction, NEW.type,
        NEW.payload, NEW.status, NEW.author_id, NEW.category, NEW.expected_cost, NEW.billable, NEW.created_at) BEGIN
    INSERT INTO report_message_changes VALUES (OLD.id, -1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_report_update_new AFTER UPDATE OF company_id, conversation_id, direction, type, payload, status,
    author_id, category, expected_cost, billable, created_at ON messages
    WHEN (OLD.company_id, OLD.conversation_id, OLD.direction, OLD.type, OLD.payload, OLD.status, OLD.author_id, OLD.category,
        OLD.expected_cost, OLD.billable, OLD.created_at) IS NOT (NEW.company_id, NEW.conversation_id, NEW.direction, NEW.type,
        NEW.payload, NEW.status, NEW.author_id, NEW.category, NEW.expected_cost, NEW.billable, NEW.created_at) BEGIN
    INSERT INTO report_message_changes VALUES (NEW.id, 1);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_report_delete BEFORE DELETE ON messages BEGIN
    INSERT INTO report_message_changes VALUES (OLD.id, -1);
END;
-- +goose StatementEnd
-- A cascade deletes messages after their conversation, when the rollup rows
-- (keyed by the conversation's channel) can no longer be found; deleting
-- them first keeps it exact.
-- +goose StatementBegin
CREATE TRIGGER conversations_delete_messages BEFORE DELETE ON conversations BEGIN
    DELETE FROM messages WHERE company_id = OLD.company_id AND conversation_id = OLD.id;
END;
-- +goose StatementEnd

-- followed: an inbound message that something came after in its thread
-- within 24 hours (our reply, or the customer writing again, which renews the
-- window). An inbound message that is not followed and is over 24 hours old
-- is a window that expired unanswered; only those are in the partial index,
-- so the report reads a few rows instead of testing every inbound message.
ALTER TABLE messages ADD COLUMN followed BOOLEAN NOT NULL DEFAULT 0;
UPDATE messages SET followed = 1 WHERE direction = 'in' AND EXISTS (SELECT 1 FROM messages n
    WHERE n.company_id = messages.company_id AND n.conversation_id = messages.conversation_id
    AND n.created_at >= messages.created_at AND n.created_at <= strftime('%Y-%m-%d %H:%M:%f', messages.created_at, '+1 day')
    AND n.id <> messages.id AND (n.created_at > messages.created_at OR n.id > messages.id));
CREATE INDEX messages_unfollowed ON messages (company_id, created_at, conversation_id) WHERE direction = 'in' AND NOT followed;

-- Inserting (company, conversation, time) here recomputes followed for the
-- thread's inbound messages whose 24 hours contain that time: the ones a
-- message written, deleted or moved there can follow. Only rows whose flag
-- changes are written.
CREATE VIEW message_window_refreshes (company_id, conversation_id, at) AS SELECT NULL, NULL, NULL WHERE 0;

-- +goose StatementBegin
CREATE TRIGGER message_window_refresh INSTEAD OF INSERT ON message_window_refreshes BEGIN
    UPDATE messages SET followed = NOT followed
    WHERE company_id = NEW.company_id AND conversation_id = NEW.conversation_id AND direction = 'in'
        AND created_at <= NEW.at AND created_at >= strftime('%Y-%m-%d %H:%M:%f', NEW.at, '-1 day')
        AND followed IS NOT EXISTS (SELECT 1 FROM messages n
            WHERE n.company_id = messages.company_id AND n.conversation_id = messages.conversation_id
            AND n.created_at >= messages.created_at
            AND n.created_at <= strftime('%Y-%m-%d %H:%M:%f', messages.created_at, '+1 day')
            AND n.id <> messages.id AND (n.created_at > messages.created_at OR n.id > messages.id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_window_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_window_refreshes VALUES (NEW.company_id, NEW.conversation_id, NEW.created_at);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_window_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_window_refreshes VALUES (OLD.company_id, OLD.conversation_id, OLD.created_at);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER messages_window_move AFTER UPDATE OF company_id, conversation_id, direction, created_at ON messages
    WHEN (OLD.company_id, OLD.conversation_id, OLD.direction, OLD.created_at) IS NOT
        (NEW.company_id, NEW.conversation_id, NEW.direction, NEW.created_at) BEGIN
    INSERT INTO message_window_refreshes VALUES (OLD.company_id, OLD.conversation_id, OLD.created_at);
    INSERT INTO message_window_refreshes VALUES (NEW.company_id, NEW.conversation_id, NEW.created_at);
END;
-- +goose StatementEnd

-- Conversation report values as columns, so reports read them from the
-- indexes below instead of parsing two times per row: the 15-minute UTC
-- slot (store/dialect.go bucket) of opening and resolution, and the
-- durations in milliseconds (NULL when there is none).
ALTER TABLE conversations ADD COLUMN opened_slot INTEGER GENERATED ALWAYS AS (unixepoch(created_at) / 900) VIRTUAL;
ALTER TABLE conversations ADD COLUMN resolved_slot INTEGER GENERATED ALWAYS AS (unixepoch(resolved_at) / 900) VIRTUAL;
ALTER TABLE conversations ADD COLUMN first_response_ms INTEGER
    GENERATED ALWAYS AS (CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER)) VIRTUAL;
ALTER TABLE conversations ADD COLUMN resolution_ms INTEGER
    GENERATED ALWAYS AS (CAST(round((julianday(resolved_at) - julianday(created_at)) * 86400000) AS INTEGER)) VIRTUAL;

-- Slot first: a period is a slot range, and per-slot counts come out in
-- index order without a sort.
DROP INDEX conversations_opened;
DROP INDEX conversations_resolved;
CREATE INDEX conversations_opened ON conversations (company_id, opened_slot, created_at, origin, first_response_ms,
    assignee_id, channel_id, group_id);
CREATE INDEX conversations_resolved ON conversations (company_id, resolved_slot, resolved_at, resolution_ms, assignee_id,
    channel_id, group_id) WHERE resolved_slot IS NOT NULL;

-- The view's sums over a period (filters the rollup can't answer, day
-- edges) read this covering index in one range, both directions at once.
DROP INDEX messages_report;
CREATE INDEX messages_period ON messages (company_id, created_at, direction, type, status, category, expected_cost, billable,
    conversation_id);

-- +goose Down
DROP INDEX messages_period;
CREATE INDEX messages_report ON messages (company_id, direction, created_at, type, status, category, expected_cost, billable,
    conversation_id);
DROP INDEX conversations_resolved;
DROP INDEX conversations_opened;
CREATE INDEX conversations_opened ON conversations (company_id, created_at, origin, first_response_at, assignee_id,
    channel_id, group_id);
CREATE INDEX conversations_resolved ON conversations (company_id, resolved_at, created_at, assignee_id, channel_id, group_id)
    WHERE resolved_at IS NOT NULL;
ALTER TABLE conversations DROP COLUMN resolution_ms;
ALTER TABLE conversations DROP COLUMN first_response_ms;
ALTER TABLE conversations DROP COLUMN resolved_slot;
ALTER TABLE conversations DROP COLUMN opened_slot;
DROP TRIGGER messages_window_move;
DROP TRIGGER messages_window_delete;
DROP TRIGGER messages_window_insert;
DROP TRIGGER message_window_refresh;
DROP VIEW message_window_refreshes;
DROP INDEX messages_unfollowed;
ALTER TABLE messages DROP COLUMN followed;
DROP TRIGGER conversations_delete_messages;
DROP TRIGGER messages_report_delete;
DROP TRIGGER messages_report_update_new;
DROP TRIGGER messages_report_update_old;
DROP TRIGGER messages_report_insert;
DROP TRIGGER report_message_apply;
DROP VIEW report_message_changes;
DROP TABLE report_message_rollup;
DROP VIEW report_message_facts;
