package httpapi

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
)

// Starting conversations and message details:
//
//	POST /api/v1/messages           {"channel_id","to","type":"template","template":{"name","language","parameters",
//	     "header"?:{"text"}|{"image"|"video"|"document":{"link"|"id","filename"?}}|{"location"},
//	     "buttons"?:[{"index","text"}|{"index","coupon_code"}]}} (+ Idempotency-Key) → 201
//	     {"conversation_id","message_id"}; 422 template_not_approved, template_params, opted_out,
//	     window_closed (free-form to someone who never wrote), channel_unavailable
//	POST /api/v1/messages/preview   same body → {"text","category","expected_cost","currency","window_open","window_expires_at"}
//	GET  /api/v1/messages/{id}/media → the stored attachment of an inbound message
//	POST /api/v1/messages/{id}/retry → 201 a new queued message sending a failed one again
//	     (Idempotency-Key honoured); 422 invalid when it did not fail, or as a first send
func (s *Server) routesMessages(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("POST /api/v1/messages", conversa.RoleAgent, s.startConversation)
	m.authed("POST /api/v1/messages/preview", conversa.RoleAgent, s.previewStart)
	m.authed("GET /api/v1/messages/{id}/media", conversa.RoleAgent, s.messageMedia)
	m.authed("POST /api/v1/messages/{id}/retry", conversa.RoleAgent, s.retryMessage)
}

// retryMessage sends a failed message of a conversation the caller may act
// on again (inbox.Retry).
func (s *Server) retryMessage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.store.Message(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), old.ConversationID); err != nil {
		return err
	}
	m, err := s.inbox.Retry(r.Context(), sender(r, p), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewMessage(m, r.Header.Get("Accept-Language")))
	return nil
}

type messageView struct {
	ID             int64      `json:"id"`
	ConversationID int64      `json:"conversation_id"`
	Direction      string     `json:"direction"`
	Type           string     `json:"type"`
	Text           string     `json:"text"`
	Status         string     `json:"status"`
	WAMID          *string    `json:"wamid"`
	CreatedAt      time.Time  `json:"created_at"`
	Error          *string    `json:"error"`
	ErrorCode      int        `json:"error_code,omitempty"`
	AuthorID       *int64     `json:"author_id"`
	Category       string     `json:"category,omitempty"`
	ExpectedCost   int64      `json:"expected_cost"` // micro-USD
	Billable       *bool      `json:"billable"`
	PricingType    string     `json:"pricing_type,omitempty"`
	ReplyTo        string     `json:"reply_to,omitempty"`
	HasMedia       bool       `json:"has_media"`
	MediaStored    bool       `json:"media_stored"`
	SentAt         *time.Time `json:"sent_at"`
	DeliveredAt    *time.Time `json:"delivered_at"`
	ReadAt         *time.Time `json:"read_at"`
	RetriedBy      *int64     `json:"retried_by,omitempty"` // the resend of this failed message
	// Content is what the message holds besides its text (views.go).
	Content *messageContentView `json:"content,omitempty"`
}

// viewMessage shows m; the failure sentence follows Accept-Language.
func viewMessage(m conversa.Message, lang string) messageView {
	v := messageView{ID: m.ID, ConversationID: m.ConversationID, Direction: string(m.Direction), Type: m.Type, Text: m.Text,
		Status: string(m.Status), CreatedAt: m.CreatedAt, ErrorCode: m.ErrorCode, AuthorID: m.AuthorID,
		Category: string(m.Category), ExpectedCost: int64(m.ExpectedCost), Billable: m.Billable, PricingType: m.PricingType,
		ReplyTo: m.ReplyTo, HasMedia: m.MediaID != "", MediaStored: m.MediaPath != "", SentAt: m.SentAt,
		DeliveredAt: m.DeliveredAt, ReadAt: m.ReadAt, RetriedBy: m.RetriedBy, Content: viewMessageContent(m)}
	if m.WAMID != "" {
		v.WAMID = &m.WAMID
	}
	if m.Error != "" {
		msg := (&conversa.Error{Message: m.Error, PT: m.ErrorPT}).Localize(lang)
		v.Error = &msg
	}
	return v
}

// startRequest is the body of POST /api/v1/messages.
type startRequest struct {
	ChannelID int64  `json:"channel_id"`
	To        string `json:"to"`
	inbox.Outgoing
}

func decodeStart(w http.ResponseWriter, r *http.Request) (inbox.Start, error) {
	var in startRequest
	if err := decode(w, r, &in); err != nil {
		return inbox.Start{}, err
	}
	if err := required("to", in.To, "type", in.Type); err != nil {
		return inbox.Start{}, err
	}
	return inbox.Start{ChannelID: in.ChannelID, To: in.To, Message: in.Outgoing}, nil
}

func (s *Server) startConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := decodeStart(w, r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanUseChannel(r.Context(), actor(p), in.ChannelID); err != nil {
		return err
	}
	m, err := s.inbox.StartConversation(r.Context(), sender(r, p), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"conversation_id": m.ConversationID, "message_id": m.ID, "status": m.Status})
	return nil
}

func (s *Server) previewStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := decodeStart(w, r)
	if err != nil {
		return err
	}
	pv, err := s.inbox.PreviewStart(r.Context(), p.Company.ID, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"text": pv.Text, "category": pv.Category, "expected_cost": int64(pv.ExpectedCost),
		"expected_cost_display": pv.ExpectedCost.String(), "currency": pv.Currency, "window_open": pv.WindowOpen,
		"window_expires_at": pv.WindowExpiresAt, "conversation_id": pv.ConversationID})
	return nil
}

func (s *Server) messageMedia(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	path, mimeType, err := s.inbox.MediaFile(r.Context(), actor(p), id)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) { // removed by an operator or a retention clean-up
		return conversa.Errorf(conversa.ENOTFOUND, "The file of this attachment is no longer stored.").
			Pt("O arquivo deste anexo não está mais armazenado.")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if mimeType != "" {
		w.Header().Set("Content-Type", mimeType)
	}
	// Customers' files are never rendered inline as our own pages.
	w.Header().Set("Content-Disposition", "attachment")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}
