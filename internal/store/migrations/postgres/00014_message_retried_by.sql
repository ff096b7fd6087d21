-- +goose Up
-- A failed message sent again (inbox.Retry) points at its resend, so it is
-- sent again at most once and the thread shows where the resend is.
ALTER TABLE messages ADD COLUMN retried_by BIGINT;

-- +goose Down
ALTER TABLE messages DROP COLUMN retried_by;
