-- +goose Up
-- Reports at scale (issue 7). A busy company's quarter is a million messages:
-- no index scan over them fits a page load, so message sums come from a
-- rollup by hour and by day that triggers keep in the same transaction as
-- every write (any writer, today's and tomorrow's); conversations get their
-- report values as generated columns; expired windows come from a flag on
-- inbound messages.
-- The SQLite file has the same objects; keep them in step.

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
    company_id              BIGINT NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    width                   BIGINT NOT NULL,
    bucket                  BIGINT NOT NULL,
    channel_id              BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    author_id               BIGINT NOT NULL,
    template                TEXT NOT NULL,
    n_in                    BIGINT NOT NULL,
    n_out                   BIGINT NOT NULL,
    n_delivered             BIGINT NOT NULL,
    n_read                  BIGINT NOT NULL,
    n_failed                BIGINT NOT NULL,
    cost_expected           BIGINT NOT NULL,
    cost_billable           BIGINT NOT NULL,
    cost_unconfirmed        BIGINT NOT NULL,
    marketing_sent          BIGINT NOT NULL,
    marketing_expected      BIGINT NOT NULL,
    marketing_billable      BIGINT NOT NULL,
    utility_sent            BIGINT NOT NULL,
    utility_expected        BIGINT NOT NULL,
    utility_billable        BIGINT NOT NULL,
    authentication_sent     BIGINT NOT NULL,
    authentication_expected BIGINT NOT NULL,
    authentication_billable BIGINT NOT NULL,
    PRIMARY KEY (company_id, width, bucket, channel_id, author_id, template)
);

INSERT INTO report_message_rollup SELECT f.company_id, w.width,
    CAST(floor(extract(epoch FROM f.created_at) / w.width) AS BIGINT), c.channel_id, COALESCE(f.author_id, 0),
    COALESCE(f.template_name, ''), SUM(n_in), SUM(n_out), SUM(n_delivered), SUM(n_read), SUM(n_failed),
    SUM(cost_expected), SUM(cost_billable), SUM(cost_unconfirmed), SUM(marketing_sent), SUM(marketing_expected),
    SUM(marketing_billable), SUM(utility_sent), SUM(utility_expected), SUM(utility_billable), SUM(authentication_sent),
    SUM(authentication_expected), SUM(authentication_billable)
    FROM report_message_facts f JOIN conversations c ON c.id = f.conversation_id
    CROSS JOIN (VALUES (3600), (86400)) AS w (width) GROUP BY 1, 2, 3, 4, 5, 6;

-- Adds weight × the message's facts to its hour's and day's rollup rows: the
-- one upsert every trigger below uses. PL/pgSQL, not SQL: it keeps the
-- statement's plan for the session, where an SQL function plans it again on
-- every call.
-- +goose StatementBegin
CREATE FUNCTION report_message_apply(message BIGINT, weight BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_message_rollup AS r SELECT f.company_id, w.width,
        CAST(floor(extract(epoch FROM f.created_at) / w.width) AS BIGINT), c.channel_id, COALESCE(f.author_id, 0),
        COALESCE(f.template_name, ''), weight * n_in, weight * n_out, weight * n_delivered, weight * n_read,
        weight * n_failed, weight * cost_expected, weight * cost_billable, weight * cost_unconfirmed,
        weight * marketing_sent, weight * marketing_expected, weight * marketing_billable, weight * utility_sent,
        weight * utility_expected, weight * utility_billable, weight * authentication_sent,
        weight * authentication_expected, weight * authentication_billable
        FROM report_message_facts f JOIN conversations c ON c.id = f.conversation_id
        CROSS JOIN (VALUES (3600), (86400)) AS w (width) WHERE f.id = message
    ON CONFLICT (company_id, width, bucket, channel_id, author_id, template) DO UPDATE SET
        n_in = r.n_in + EXCLUDED.n_in, n_out = r.n_out + EXCLUDED.n_out, n_delivered = r.n_delivered + EXCLUDED.n_delivered,
        n_read = r.n_read + EXCLUDED.n_read, n_failed = r.n_failed + EXCLUDED.n_failed,
        cost_expected = r.cost_expected + EXCLUDED.cost_expected, cost_billable = r.cost_billable + EXCLUDED.cost_billable,
        cost_unconfirmed = r.cost_unconfirmed + EXCLUDED.cost_unconfirmed,
        marketing_sent = r.marketing_sent + EXCLUDED.marketing_sent,
        marketing_expected = r.marketing_expected + EXCLUDED.marketing_expected,
        marketing_billable = r.marketing_billable + EXCLUDED.marketing_billable,
        utility_sent = r.utility_sent + EXCLUDED.utility_sent, utility_expected = r.utility_expected + EXCLUDED.utility_expected,
        utility_billable = r.utility_billable + EXCLUDED.utility_billable,
        authentication_sent = r.authentication_sent + EXCLUDED.authentication_sent,
        authentication_expected = r.authentication_expected + EXCLUDED.authentication_expected,
        authentication_billable = r.authentication_billable + EXCLUDED.authentication_billable;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION messages_report_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_message_apply(NEW.id, 1);
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION messages_report_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM report_message_apply(OLD.id, -1);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd

-- A change takes the row's old facts out before it and puts the new ones in
-- after, so status webhooks that arrive twice or out of order (the row
-- doesn't change) and pricing news all keep the sums right. The column list
-- is everything the facts and the rollup key read.
CREATE TRIGGER messages_report_insert AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION messages_report_add();
CREATE TRIGGER messages_report_update_old BEFORE UPDATE OF company_id, conversation_id, direction, type, payload, status,
    author_id, category, expected_cost, billable, created_at ON messages FOR EACH ROW
    WHEN (ROW(OLD.company_id, OLD.conversation_id, OLD.direction, OLD.type, OLD.payload, OLD.status, OLD.author_id, OLD.category,
        OLD.expected_cost, OLD.billable, OLD.created_at) IS DISTINCT FROM ROW(NEW.company_id, NEW.conversation_id, NEW.direction,
        NEW.type, NEW.payload, NEW.status, NEW.author_id, NEW.category, NEW.expected_cost, NEW.billable, NEW.created_at))
    EXECUTE FUNCTION messages_report_remove();
CREATE TRIGGER messages_report_update_new AFTER UPDATE OF company_id, conversation_id, direction, type, payload, status,
    author_id, category, expected_cost, billable, created_at ON messages FOR EACH ROW
    WHEN (ROW(OLD.company_id, OLD.conversation_id, OLD.direction, OLD.type, OLD.payload, OLD.status, OLD.author_id, OLD.category,
        OLD.expected_cost, OLD.billable, OLD.created_at) IS DISTINCT FROM ROW(NEW.company_id, NEW.conversation_id, NEW.direction,
        NEW.type, NEW.payload, NEW.status, NEW.author_id, NEW.category, NEW.expected_cost, NEW.billable, NEW.created_at))
    EXECUTE FUNCTION messages_report_add();
CREATE TRIGGER messages_report_delete BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION messages_report_remove();

-- A cascade deletes messages after their conversation, when the rollup rows
-- (keyed by the conversation's channel) can no longer be found; deleting
-- them first keeps it exact.
-- +goose StatementBegin
CREATE FUNCTION conversations_delete_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM messages WHERE company_id = OLD.company_id AND conversation_id = OLD.id;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER conversations_delete_messages BEFORE DELETE ON conversations FOR EACH ROW
    EXECUTE FUNCTION conversations_delete_messages();

-- followed: an inbound message that something came after in its thread
-- within 24 hours (our reply, or the customer writing again, which renews the
-- window). An inbound message that is not followed and is over 24 hours old
-- is a window that expired unanswered; only those are in the partial index,
-- so the report reads a few rows instead of testing every inbound message.
ALTER TABLE messages ADD COLUMN followed BOOLEAN NOT NULL DEFAULT false;
UPDATE messages SET followed = true WHERE direction = 'in' AND EXISTS (SELECT 1 FROM messages n
    WHERE n.company_id = messages.company_id AND n.conversation_id = messages.conversation_id
    AND n.created_at >= messages.created_at AND n.created_at <= messages.created_at + interval '24 hours'
    AND n.id <> messages.id AND (n.created_at > messages.created_at OR n.id > messages.id));
CREATE INDEX messages_unfollowed ON messages (company_id, created_at) INCLUDE (conversation_id)
    WHERE direction = 'in' AND NOT followed;

-- Recomputes followed for the thread's inbound messages whose 24 hours
-- contain around: the ones a message written, deleted or moved there can
-- follow. Only rows whose flag changes are written.
-- +goose StatementBegin
CREATE FUNCTION message_window_refresh(company BIGINT, conversation BIGINT, around TIMESTAMPTZ) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages m SET followed = NOT m.followed
    WHERE m.company_id = company AND m.conversation_id = conversation AND m.direction = 'in'
        AND m.created_at <= around AND m.created_at >= around - interval '24 hours'
        AND m.followed IS DISTINCT FROM EXISTS (SELECT 1 FROM messages n
            WHERE n.company_id = m.company_id AND n.conversation_id = m.conversation_id
            AND n.created_at >= m.created_at AND n.created_at <= m.created_at + interval '24 hours'
            AND n.id <> m.id AND (n.created_at > m.created_at OR n.id > m.id));
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION messages_window() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM message_window_refresh(OLD.company_id, OLD.conversation_id, OLD.created_at);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM message_window_refresh(NEW.company_id, NEW.conversation_id, NEW.created_at);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER messages_window_insert AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION messages_window();
CREATE TRIGGER messages_window_delete AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION messages_window();
CREATE TRIGGER messages_window_move AFTER UPDATE OF company_id, conversation_id, direction, created_at ON messages FOR EACH ROW
    WHEN (ROW(OLD.company_id, OLD.conversation_id, OLD.direction, OLD.created_at) IS DISTINCT FROM
        ROW(NEW.company_id, NEW.conversation_id, NEW.direction, NEW.created_at))
    EXECUTE FUNCTION messages_window();

-- Conversation report values as columns, read from the indexes below: the
-- 15-minute UTC slot (store/dialect.go bucket) of opening and resolution,
-- and the durations in milliseconds (NULL when there is none). Generated
-- columns need immutable expressions, and extract() of a timestamptz is
-- only stable, so the slots measure the interval since the epoch.
ALTER TABLE conversations
    ADD COLUMN opened_slot BIGINT GENERATED ALWAYS AS
        (CAST(floor(extract(epoch FROM (created_at - TIMESTAMPTZ '1970-01-01 00:00:00+00')) / 900) AS BIGINT)) STORED,
    ADD COLUMN resolved_slot BIGINT GENERATED ALWAYS AS
        (CAST(floor(extract(epoch FROM (resolved_at - TIMESTAMPTZ '1970-01-01 00:00:00+00')) / 900) AS BIGINT)) STORED,
    ADD COLUMN first_response_ms BIGINT GENERATED ALWAYS AS
        (CAST(round(extract(epoch FROM (first_response_at - created_at)) * 1000) AS BIGINT)) STORED,
    ADD COLUMN resolution_ms BIGINT GENERATED ALWAYS AS
        (CAST(round(extract(epoch FROM (resolved_at - created_at)) * 1000) AS BIGINT)) STORED;

-- Slot first: a period is a slot range, and per-slot counts come out in
-- index order.
DROP INDEX conversations_opened;
DROP INDEX conversations_resolved;
CREATE INDEX conversations_opened ON conversations (company_id, opened_slot)
    INCLUDE (created_at, origin, first_response_ms, assignee_id, channel_id, group_id);
CREATE INDEX conversations_resolved ON conversations (company_id, resolved_slot)
    INCLUDE (resolved_at, resolution_ms, assignee_id, channel_id, group_id) WHERE resolved_slot IS NOT NULL;

-- The view's sums over a period (filters the rollup can't answer, day
-- edges) read this covering index in one range, both directions at once.
DROP INDEX messages_report;
CREATE INDEX messages_period ON messages (company_id, created_at)
    INCLUDE (direction, type, status, category, expected_cost, billable, conversation_id);

-- +goose Down
DROP INDEX messages_period;
CREATE INDEX messages_report ON messages (company_id, direction, created_at)
    INCLUDE (type, status, category, expected_cost, billable, conversation_id);
DROP INDEX conversations_resolved;
DROP INDEX conversations_opened;
CREATE INDEX conversations_opened ON conversations (company_id, created_at)
    INCLUDE (origin, first_response_at, assignee_id, channel_id, group_id);
CREATE INDEX conversations_resolved ON conversations (company_id, resolved_at)
    INCLUDE (created_at, assignee_id, channel_id, group_id) WHERE resolved_at IS NOT NULL;
ALTER TABLE conversations DROP COLUMN resolution_ms, DROP COLUMN first_response_ms, DROP COLUMN resolved_slot,
    DROP COLUMN opened_slot;
DROP TRIGGER messages_window_move ON messages;
DROP TRIGGER messages_window_delete ON messages;
DROP TRIGGER messages_window_insert ON messages;
DROP FUNCTION messages_window();
DROP FUNCTION message_window_refresh(BIGINT, BIGINT, TIMESTAMPTZ);
DROP INDEX messages_unfollowed;
ALTER TABLE messages DROP COLUMN followed;
DROP TRIGGER conversations_delete_messages ON conversations;
DROP FUNCTION conversations_delete_messages();
DROP TRIGGER messages_report_delete ON messages;
DROP TRIGGER messages_report_update_new ON messages;
DROP TRIGGER messages_report_update_old ON messages;
DROP TRIGGER messages_report_insert ON messages;
DROP FUNCTION messages_report_remove();
DROP FUNCTION messages_report_add();
DROP FUNCTION report_message_apply(BIGINT, BIGINT);
DROP TABLE report_message_rollup;
DROP VIEW report_message_facts;
