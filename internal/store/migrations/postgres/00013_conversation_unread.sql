-- +goose Up
-- Customer messages no agent has read yet (the inbox list's badge). Kept on
-- the row, counted up by each inbound message and zeroed when an agent
-- opens or answers the conversation, so listing never counts messages.
ALTER TABLE conversations ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE conversations DROP COLUMN unread;
