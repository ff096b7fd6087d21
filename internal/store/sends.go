package store

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// QueuedSends lists, across companies (start-up maintenance), outbound
// messages still queued with no attempt in progress, created before
// `before`, after id afterID, oldest first.
func (s *Store) QueuedSends(ctx context.Context, before time.Time, afterID int64, limit int) ([]conversa.Message, error) {
	return s.queryMessages(ctx, "SELECT "+messageColumns+` FROM messages WHERE status = ? AND send_state = ? AND direction = ?
		AND created_at < ? AND id > ? ORDER BY id LIMIT ?`, string(conversa.StatusQueued), string(conversa.SendIdle),
		string(conversa.Outbound), before, afterID, limit)
}
