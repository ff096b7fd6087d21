package inbox

import (
	"context"
	"encoding/json"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/realtime"
)

// Live event types. Payloads are small (ids and changed fields) so they fit
// PostgreSQL's NOTIFY; clients fetch the rest through the API.
const (
	EventMessageCreated      = "message.created"
	EventMessageStatus       = "message.status"
	EventConversationUpdated = "conversation.updated"
)

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, realtime.Event) error { return nil }

type messageEvent struct {
	ID             int64                  `json:"id"`
	ConversationID int64                  `json:"conversation_id"`
	Direction      conversa.Direction     `json:"direction"`
	Type           string                 `json:"type"`
	Status         conversa.MessageStatus `json:"status"`
	Error          string                 `json:"error,omitempty"`
}

type conversationEvent struct {
	ID              int64                       `json:"id"`
	Status          conversa.ConversationStatus `json:"status"`
	AssigneeID      *int64                      `json:"assignee_id"`
	WindowExpiresAt *time.Time                  `json:"window_expires_at"`
	LastMessageAt   time.Time                   `json:"last_message_at"`
}

func (s *Service) publishMessage(ctx context.Context, typ string, m conversa.Message) {
	s.publish(ctx, m.CompanyID, typ, messageEvent{ID: m.ID, ConversationID: m.ConversationID, Direction: m.Direction,
		Type: m.Type, Status: m.Status, Error: m.Error})
}

func (s *Service) publishConversation(ctx context.Context, c conversa.Conversation) {
	s.publish(ctx, c.CompanyID, EventConversationUpdated, conversationEvent{ID: c.ID, Status: c.Status,
		AssigneeID: c.AssigneeID, WindowExpiresAt: c.WindowExpiresAt(), LastMessageAt: c.LastMessageAt})
}

// publish runs after the change committed; a lost live event only delays a
// browser until it reloads, so failures are logged, never returned.
func (s *Service) publish(ctx context.Context, companyID int64, typ string, data any) {
	raw, err := json.Marshal(data)
	if err == nil {
		err = s.pub.Publish(context.WithoutCancel(ctx), realtime.Event{CompanyID: companyID, Type: typ, Data: raw})
	}
	if err != nil {
		s.log.Warn("inbox: publish failed", "type", typ, "company_id", companyID, "err", err)
	}
}
