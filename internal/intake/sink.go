package intake

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/whatsapp"
)

// Route says which channel (and so which company) an event belongs to.
type Route struct {
	CompanyID, ChannelID int64
	ReceivedAt           time.Time // when our server durably stored the webhook
	WebhookID            int64     // the stored raw webhook row
}

// Sink handles events of one kind. Meta redelivers and reorders, so sinks are idempotent and
// order-independent; a returned error makes the processing job retry later.
type Sink interface {
	HandleEvent(ctx context.Context, r Route, ev whatsapp.Event) error
}

// Sinks are where processed events go; a nil sink ignores its events.
type Sinks struct {
	Messages  Sink // ev.Message != nil (inbound customer message) or ev.Status != nil (outbound status)
	Templates Sink // ev.Field: message_template_status_update, template_category_update
	Account   Sink // phone_number_quality_update, phone_number_name_update, account_update,
	// account_review_update, and ev.Error (errors about the number itself)
}
