-- +goose Up
-- Every stored delivery paid for this index on the intake's hot path, yet
-- nothing in the product reads webhooks by company: processing reads by id,
-- the sweep by the unprocessed index. The support listing
-- (store.WebhookEvents) stays correct, walking the table by id.
DROP INDEX webhook_events_company;

-- +goose Down
CREATE INDEX webhook_events_company ON webhook_events (company_id, id);
