package conversa

import (
	"encoding/json"
	"time"
)

// Direction of a message.
type Direction string

const (
	Inbound  Direction = "in"
	Outbound Direction = "out"
)

// MessageStatus is the delivery state of an outbound message (inbound ones
// are "received").
type MessageStatus string

const (
	StatusQueued    MessageStatus = "queued"    // stored; a job will send it
	StatusAccepted  MessageStatus = "accepted"  // Meta answered with a wamid
	StatusSent      MessageStatus = "sent"      // webhook: left Meta
	StatusDelivered MessageStatus = "delivered" // webhook: on the phone
	StatusRead      MessageStatus = "read"      // webhook: seen
	StatusFailed    MessageStatus = "failed"    // refused or undeliverable
	StatusReceived  MessageStatus = "received"  // inbound
)

// statusRank orders states so late or repeated webhooks never move a message
// backwards: read after delivered stays read, a delayed "sent" after "read"
// is ignored. Failed outranks sent (Meta may fail a sent message) but not
// delivered or read, which prove it arrived.
var statusRank = map[MessageStatus]int{
	StatusQueued: 1, StatusAccepted: 2, StatusSent: 3, StatusFailed: 4, StatusDelivered: 5, StatusRead: 6,
}

// NextStatus returns the status a message should have after an update
// arrives, whatever order Meta's webhooks come in.
func NextStatus(current, incoming MessageStatus) MessageStatus {
	if statusRank[incoming] > statusRank[current] {
		return incoming
	}
	return current
}

// Message is one message in a conversation.
type Message struct {
	ID             int64         `json:"id"`
	CompanyID      int64         `json:"-"`
	ConversationID int64         `json:"conversation_id"`
	Direction      Direction     `json:"direction"`
	Type           string        `json:"type"` // Meta's type: text, image, template, interactive, ...
	Text           string        `json:"text"` // body, caption or rendered template
	Status         MessageStatus `json:"status"`
	WAMID          string        `json:"wamid,omitempty"`
	AuthorID       *int64        `json:"author_id,omitempty"` // agent who sent it
	Error          string        `json:"error,omitempty"`     // plain sentence when failed
	ErrorCode      int           `json:"error_code,omitempty"`
	Category       Category      `json:"category,omitempty"`
	ExpectedCost   Money         `json:"expected_cost,omitempty"`
	Billable       *bool         `json:"billable,omitempty"` // from Meta's pricing webhook
	CreatedAt      time.Time     `json:"created_at"`

	// Stored details the API shows selectively (see httpapi views).
	ErrorPT        string          `json:"-"` // the failure sentence in pt-BR
	Payload        json.RawMessage `json:"-"` // inbound: Meta's message; outbound: the send request without "to"
	PricingType    string          `json:"-"` // regular, free_customer_service, free_entry_point
	IdempotencyKey string          `json:"-"`
	ReplyTo        string          `json:"-"` // wamid quoted by a reply
	MediaID        string          `json:"-"` // Meta's media id (inbound)
	MediaMime      string          `json:"-"`
	MediaPath      string          `json:"-"` // stored file, relative to the data dir
	SendState      SendState       `json:"-"`
	SendAttempts   int             `json:"-"` // calls made to Meta
	AttemptedAt    *time.Time      `json:"-"`
	SentAt         *time.Time      `json:"-"`
	DeliveredAt    *time.Time      `json:"-"`
	ReadAt         *time.Time      `json:"-"`
	RetriedBy      *int64          `json:"-"` // the message that sent this failed one again
}

// SendState follows an outbound message between "we are calling Meta" and
// "we know what Meta did". A send whose outcome is unknown is never repeated
// blindly: it waits for a status webhook (biz_opaque_callback_data names
// it) or, failing that, is marked failed for a person to check.
type SendState string

const (
	SendIdle        SendState = ""            // not being sent, or outcome known
	SendAttempting  SendState = "attempting"  // attempt recorded, call in flight
	SendReconciling SendState = "reconciling" // outcome unknown; waiting for a status webhook
)
