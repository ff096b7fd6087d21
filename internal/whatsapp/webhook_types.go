package whatsapp

import (
	"encoding/json"
	"errors"
)

// MessagesValue is the value of a "messages" change: inbound messages,
// statuses of outbound ones, and errors about the number.
type MessagesValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         Metadata         `json:"metadata"`
	Contacts         []WebhookContact `json:"contacts,omitempty"`
	Messages         []InboundMessage `json:"messages,omitempty"`
	Statuses         []Status         `json:"statuses,omitempty"`
	Errors           []WebhookError   `json:"errors,omitempty"`
}

// Metadata names the business number the change is about.
type Metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

// WebhookContact is the customer's profile as WhatsApp shows it.
type WebhookContact struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID            string `json:"wa_id"`
	UserID          string `json:"user_id,omitempty"` // business-scoped user id, when present
	IdentityKeyHash string `json:"identity_key_hash,omitempty"`
}

// Contact returns the profile for a WhatsApp id, or nil.
func (v *MessagesValue) Contact(waID string) *WebhookContact {
	for i := range v.Contacts {
		if v.Contacts[i].WaID == waID {
			return &v.Contacts[i]
		}
	}
	return nil
}

// InboundMessage is a message from a customer. Type says which content
// field is set; types Conversa does not know keep their content in Raw.
type InboundMessage struct {
	From      string          `json:"from"`
	ID        string          `json:"id"`
	Timestamp Timestamp       `json:"timestamp"`
	Type      string          `json:"type"`
	Context   *InboundContext `json:"context,omitempty"`
	Referral  *Referral       `json:"referral,omitempty"`
	Errors    []WebhookError  `json:"errors,omitempty"` // unsupported/unknown types

	Text        *TextBody           `json:"text,omitempty"`
	Image       *InboundMedia       `json:"image,omitempty"`
	Audio       *InboundMedia       `json:"audio,omitempty"`
	Video       *InboundMedia       `json:"video,omitempty"`
	Document    *InboundMedia       `json:"document,omitempty"`
	Sticker     *InboundMedia       `json:"sticker,omitempty"`
	Location    *Location           `json:"location,omitempty"`
	Contacts    []Contact           `json:"contacts,omitempty"`
	Button      *ButtonReply        `json:"button,omitempty"`
	Interactive *InteractiveReply   `json:"interactive,omitempty"`
	Reaction    *Reaction           `json:"reaction,omitempty"`
	Order       *Order              `json:"order,omitempty"`
	System      *SystemMessage      `json:"system,omitempty"`
	Unsupported *UnsupportedMessage `json:"unsupported,omitempty"`

	Raw json.RawMessage `json:"-"` // the message exactly as received
}

func (m *InboundMessage) UnmarshalJSON(b []byte) error {
	type plain InboundMessage
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	m.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Media returns the attachment of a media message (image, audio, video,
// document, sticker), or nil.
func (m *InboundMessage) Media() *InboundMedia {
	for _, p := range []*InboundMedia{m.Image, m.Audio, m.Video, m.Document, m.Sticker} {
		if p != nil {
			return p
		}
	}
	return nil
}

// Summary is a one-line text for previews and search: the body, caption,
// chosen button or reaction; "" for content without text.
func (m *InboundMessage) Summary() string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Media() != nil:
		return m.Media().Caption
	case m.Button != nil:
		return m.Button.Text
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		return m.Interactive.ButtonReply.Title
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		return m.Interactive.ListReply.Title
	case m.Reaction != nil:
		return m.Reaction.Emoji
	case m.Location != nil:
		return m.Location.Name
	case m.Order != nil:
		return m.Order.Text
	case m.System != nil:
		return m.System.Body
	}
	return ""
}

type TextBody struct {
	Body string `json:"body"`
}

// InboundMedia identifies an attachment; fetch it with GetMedia(ID) then
// DownloadMedia(URL).
type InboundMedia struct {
	ID       string `json:"id"`
	MimeType string `json:"mime_type,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	Voice    bool   `json:"voice,omitempty"`    // audio recorded in the app
	Animated bool   `json:"animated,omitempty"` // sticker
}

// InboundContext: a reply quotes From/ID; a forward sets the flags.
type InboundContext struct {
	From                string `json:"from,omitempty"`
	ID                  string `json:"id,omitempty"`
	Forwarded           bool   `json:"forwarded,omitempty"`
	FrequentlyForwarded bool   `json:"frequently_forwarded,omitempty"`
	ReferredProduct     *struct {
		CatalogID         string `json:"catalog_id"`
		ProductRetailerID string `json:"product_retailer_id"`
	} `json:"referred_product,omitempty"`
}

// Referral is set when the customer came from a click-to-WhatsApp ad or
// post; such conversations open a free entry-point window.
type Referral struct {
	SourceURL      string `json:"source_url,omitempty"`
	SourceID       string `json:"source_id,omitempty"`
	SourceType     string `json:"source_type,omitempty"` // ad, post
	Body           string `json:"body,omitempty"`
	Headline       string `json:"headline,omitempty"`
	MediaType      string `json:"media_type,omitempty"`
	ImageURL       string `json:"image_url,omitempty"`
	VideoURL       string `json:"video_url,omitempty"`
	ThumbnailURL   string `json:"thumbnail_url,omitempty"`
	CTWAClid       string `json:"ctwa_clid,omitempty"`
	WelcomeMessage *struct {
		Text string `json:"text"`
	} `json:"welcome_message,omitempty"`
}

// ButtonReply is a tap on a template's quick-reply button.
type ButtonReply struct {
	Payload string `json:"payload"`
	Text    string `json:"text"`
}

// InteractiveReply is a tap on a reply button ("button_reply") or a list
// row ("list_reply") of an interactive message.
type InteractiveReply struct {
	Type        string          `json:"type"`
	ButtonReply *Choice         `json:"button_reply,omitempty"`
	ListReply   *Choice         `json:"list_reply,omitempty"`
	NFMReply    json.RawMessage `json:"nfm_reply,omitempty"` // WhatsApp Flows
}

// Order is a cart sent from a catalog.
type Order struct {
	CatalogID    string `json:"catalog_id"`
	Text         string `json:"text,omitempty"`
	ProductItems []struct {
		ProductRetailerID string  `json:"product_retailer_id"`
		Quantity          float64 `json:"quantity"`
		ItemPrice         float64 `json:"item_price"`
		Currency          string  `json:"currency"`
	} `json:"product_items"`
}

// SystemMessage reports e.g. a customer changing number (type
// "user_changed_number", new id in WaID).
type SystemMessage struct {
	Body     string `json:"body,omitempty"`
	Type     string `json:"type,omitempty"`
	WaID     string `json:"wa_id,omitempty"`
	NewWaID  string `json:"new_wa_id,omitempty"`
	Identity string `json:"identity,omitempty"`
	Customer string `json:"customer,omitempty"`
}

type UnsupportedMessage struct {
	Type string `json:"type"`
}

// Status reports an outbound message's progress: sent, delivered, read,
// failed (with Errors). Deliveries repeat and arrive out of order.
type Status struct {
	ID                    string         `json:"id"` // the wamid Send returned
	Status                string         `json:"status"`
	Timestamp             Timestamp      `json:"timestamp"`
	RecipientID           string         `json:"recipient_id"`
	RecipientType         string         `json:"recipient_type,omitempty"`
	BizOpaqueCallbackData string         `json:"biz_opaque_callback_data,omitempty"`
	Conversation          *Conversation  `json:"conversation,omitempty"` // absent under per-message pricing (v24+)
	Pricing               *Pricing       `json:"pricing,omitempty"`
	Errors                []WebhookError `json:"errors,omitempty"`
}

type Conversation struct {
	ID                  string    `json:"id"`
	ExpirationTimestamp Timestamp `json:"expiration_timestamp,omitempty"`
	Origin              struct {
		Type string `json:"type"` // marketing, utility, authentication, service, referral_conversion
	} `json:"origin"`
}

// Pricing says whether and how Meta charges the message. PricingModel is
// PMP (per message, since July 2025) or CBP (per conversation, before);
// Type is regular, free_customer_service or free_entry_point.
type Pricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
	Type         string `json:"type,omitempty"`
}

// WebhookError is an error inside a webhook (failed status, unsupported
// message, or the value's own errors).
type WebhookError struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Message   string `json:"message,omitempty"`
	ErrorData struct {
		Details string `json:"details"`
	} `json:"error_data"`
	Href string `json:"href,omitempty"`
}

// Err converts to *Error so failed statuses get the catalog's sentences and
// the same classification helpers as synchronous errors.
func (w WebhookError) Err() *Error {
	return &Error{Code: w.Code, Title: w.Title, Message: w.Message, Details: w.ErrorData.Details}
}

// StatusError is the first error of a failed status as *Error, or nil.
func (s *Status) StatusError() error {
	if len(s.Errors) == 0 {
		return nil
	}
	errs := make([]error, len(s.Errors))
	for i, e := range s.Errors {
		errs[i] = e.Err()
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
