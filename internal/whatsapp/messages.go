package whatsapp

import (
	"context"
	"errors"
	"net/http"
)

// Message is the body of POST /{phone-number-id}/messages. Set To and exactly
// one content field; Type is filled in from it when empty. The JSON tags
// follow Meta's field names, so the request is exactly the documented one.
type Message struct {
	MessagingProduct string        `json:"messaging_product"` // always "whatsapp"; set by Send
	RecipientType    string        `json:"recipient_type,omitempty"`
	To               string        `json:"to"`
	Context          *ReplyContext `json:"context,omitempty"`
	Type             string        `json:"type"`

	Text        *Text        `json:"text,omitempty"`
	Template    *Template    `json:"template,omitempty"`
	Image       *Media       `json:"image,omitempty"`
	Document    *Media       `json:"document,omitempty"`
	Audio       *Media       `json:"audio,omitempty"`
	Video       *Media       `json:"video,omitempty"`
	Sticker     *Media       `json:"sticker,omitempty"`
	Interactive *Interactive `json:"interactive,omitempty"`
	Reaction    *Reaction    `json:"reaction,omitempty"`
	Location    *Location    `json:"location,omitempty"`
	Contacts    []Contact    `json:"contacts,omitempty"`

	// BizOpaqueCallbackData comes back in every status webhook of this
	// message: put Conversa's own message id here to reconcile sends.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

// ReplyContext quotes an earlier message.
type ReplyContext struct {
	MessageID string `json:"message_id"`
}

// Text is a text message body.
type Text struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

// Media is an image, document, audio, video or sticker: by uploaded ID or
// by public Link. Caption fits image/video/document; Filename documents.
type Media struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// Reaction reacts to a message (send), or reports a customer's reaction
// (webhook). An empty Emoji removes the reaction.
type Reaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// Contact is a contact card, sent or received.
type Contact struct {
	Name      ContactName      `json:"name"`
	Phones    []ContactPhone   `json:"phones,omitempty"`
	Emails    []ContactEmail   `json:"emails,omitempty"`
	URLs      []ContactURL     `json:"urls,omitempty"`
	Addresses []ContactAddress `json:"addresses,omitempty"`
	Org       *ContactOrg      `json:"org,omitempty"`
	Birthday  string           `json:"birthday,omitempty"` // YYYY-MM-DD
}

type ContactName struct {
	FormattedName string `json:"formatted_name"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	MiddleName    string `json:"middle_name,omitempty"`
	Suffix        string `json:"suffix,omitempty"`
	Prefix        string `json:"prefix,omitempty"`
}

type ContactPhone struct {
	Phone string `json:"phone,omitempty"`
	Type  string `json:"type,omitempty"`
	WaID  string `json:"wa_id,omitempty"`
}

type ContactEmail struct {
	Email string `json:"email,omitempty"`
	Type  string `json:"type,omitempty"`
}

type ContactURL struct {
	URL  string `json:"url,omitempty"`
	Type string `json:"type,omitempty"`
}

type ContactAddress struct {
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
	Type        string `json:"type,omitempty"`
}

type ContactOrg struct {
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
}

// SendResult is Meta's answer to a send.
type SendResult struct {
	MessagingProduct string `json:"messaging_product"`
	Contacts         []struct {
		Input string `json:"input"`
		WaID  string `json:"wa_id"`
	} `json:"contacts"`
	Messages []struct {
		ID            string `json:"id"`
		MessageStatus string `json:"message_status,omitempty"` // accepted, held_for_quality_assessment, paused
	} `json:"messages"`
}

// MessageID is the wamid of the sent message ("" if Meta gave none).
func (r *SendResult) MessageID() string {
	if r == nil || len(r.Messages) == 0 {
		return ""
	}
	return r.Messages[0].ID
}

// WaID is the recipient's WhatsApp id as Meta resolved it (Brazilian
// numbers may lose or gain the mobile 9th digit here).
func (r *SendResult) WaID() string {
	if r == nil || len(r.Contacts) == 0 {
		return ""
	}
	return r.Contacts[0].WaID
}

// ErrNoContent is returned by Send when a Message has no content field.
var ErrNoContent = errors.New("whatsapp: message has no content")

// Send posts m from the number phoneNumberID. It is never retried by the
// client: on failure check IsAmbiguous before sending again.
func (c *Client) Send(ctx context.Context, token, phoneNumberID string, m Message) (*SendResult, error) {
	m.MessagingProduct = "whatsapp"
	if m.RecipientType == "" {
		m.RecipientType = "individual"
	}
	if m.Type == "" {
		m.Type = m.contentType()
	}
	if m.Type == "" {
		return nil, ErrNoContent
	}
	var out SendResult
	err := c.call(ctx, request{method: http.MethodPost, path: []string{phoneNumberID, "messages"}, token: token, body: m}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// contentType names the content field that is set.
func (m *Message) contentType() string {
	switch {
	case m.Text != nil:
		return "text"
	case m.Template != nil:
		return "template"
	case m.Image != nil:
		return "image"
	case m.Document != nil:
		return "document"
	case m.Audio != nil:
		return "audio"
	case m.Video != nil:
		return "video"
	case m.Sticker != nil:
		return "sticker"
	case m.Interactive != nil:
		return "interactive"
	case m.Reaction != nil:
		return "reaction"
	case m.Location != nil:
		return "location"
	case len(m.Contacts) > 0:
		return "contacts"
	}
	return ""
}

// readReceipt is the mark-as-read body.
type readReceipt struct {
	MessagingProduct string           `json:"messaging_product"`
	Status           string           `json:"status"`
	MessageID        string           `json:"message_id"`
	TypingIndicator  *typingIndicator `json:"typing_indicator,omitempty"`
}

type typingIndicator struct {
	Type string `json:"type"`
}

// MarkRead marks an inbound message (and the ones before it) as read, which
// shows the customer blue ticks. With typing set it also shows "typing…"
// until the next reply or 25 seconds.
func (c *Client) MarkRead(ctx context.Context, token, phoneNumberID, messageID string, typing bool) error {
	body := readReceipt{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		body.TypingIndicator = &typingIndicator{Type: "text"}
	}
	return c.expectSuccess(ctx, postJSON(token, body, phoneNumberID, "messages"))
}
