package conversa

import "time"

// Contact is a customer as seen by one channel: keyed by the canonical
// WhatsApp id (see CanonicalWAID) so both Brazilian number forms are one
// person.
type Contact struct {
	ID        int64      `json:"id"`
	CompanyID int64      `json:"-"`
	ChannelID int64      `json:"channel_id"`
	WAID      string     `json:"wa_id"`           // what Meta last used; we send to it
	Phone     string     `json:"phone,omitempty"` // E.164
	Name      string     `json:"name"`
	OptedOut  *time.Time `json:"opted_out_at,omitempty"` // marketing opt-out
	CreatedAt time.Time  `json:"created_at"`
}

// ConversationStatus: open (being handled), pending (waiting for the
// customer), resolved.
type ConversationStatus string

const (
	ConversationOpen     ConversationStatus = "open"
	ConversationPending  ConversationStatus = "pending"
	ConversationResolved ConversationStatus = "resolved"
)

// Origin is who started a conversation and, for the business, with what.
type Origin string

const (
	OriginService        Origin = "service" // customer-initiated
	OriginMarketing      Origin = "marketing"
	OriginUtility        Origin = "utility"
	OriginAuthentication Origin = "authentication"
)

// Conversation is the thread between a channel and a contact.
type Conversation struct {
	ID            int64              `json:"id"`
	CompanyID     int64              `json:"-"`
	ChannelID     int64              `json:"channel_id"`
	ContactID     int64              `json:"contact_id"`
	Status        ConversationStatus `json:"status"`
	Origin        Origin             `json:"origin"`
	AssigneeID    *int64             `json:"assignee_id"`
	LastInboundAt time.Time          `json:"-"` // drives the 24-hour window
	LastMessageAt time.Time          `json:"last_message_at"`
	CreatedAt     time.Time          `json:"created_at"`

	FirstResponseAt *time.Time `json:"first_response_at,omitempty"` // first agent message
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Unread          int        `json:"unread"` // customer messages no agent has read yet
}

// WindowExpiresAt is when the conversation's service window closes (nil when
// the customer never wrote).
func (c *Conversation) WindowExpiresAt() *time.Time {
	if t, ok := WindowExpiresAt(c.LastInboundAt); ok {
		return &t
	}
	return nil
}
