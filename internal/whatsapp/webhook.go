package whatsapp

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the HMAC of a webhook body.
const SignatureHeader = "X-Hub-Signature-256"

// VerifySignature checks header ("sha256=" + hex HMAC-SHA256 of the raw body
// keyed with the app secret) in constant time. An empty secret never
// verifies: anyone can compute an HMAC with an empty key.
func VerifySignature(appSecret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	sig, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	return hmac.Equal(sig, sign(appSecret, body))
}

// Signature returns the header value Meta would send for body.
func Signature(appSecret string, body []byte) string {
	return "sha256=" + hex.EncodeToString(sign(appSecret, body))
}

func sign(secret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifyChallenge answers Meta's subscription handshake
// (GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C): it returns C
// and true when the mode is subscribe and T equals verifyToken. The caller
// writes C back as the plain-text body with status 200, or 403 otherwise.
func VerifyChallenge(q url.Values, verifyToken string) (string, bool) {
	challenge := q.Get("hub.challenge")
	if verifyToken == "" || challenge == "" || q.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	return challenge, true
}

// Notification is one webhook delivery: {"object", "entry": [...]}.
type Notification struct {
	Object string  `json:"object"` // "whatsapp_business_account"
	Entry  []Entry `json:"entry"`
}

// Entry is one WhatsApp Business Account's batch of changes.
type Entry struct {
	ID      string    `json:"id"` // WABA id
	Time    Timestamp `json:"time,omitempty"`
	Changes []Change  `json:"changes"`
}

// Change is one field's update. Value always keeps the raw JSON; the typed
// pointer matching Field is set for the fields Conversa understands, and
// unknown fields are simply left raw.
type Change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`

	Messages           *MessagesValue            `json:"-"` // field "messages"
	TemplateStatus     *TemplateStatusUpdate     `json:"-"` // "message_template_status_update"
	TemplateCategory   *TemplateCategoryUpdate   `json:"-"` // "template_category_update"
	Quality            *PhoneNumberQualityUpdate `json:"-"` // "phone_number_quality_update"
	NameUpdate         *PhoneNumberNameUpdate    `json:"-"` // "phone_number_name_update"
	Account            *AccountUpdate            `json:"-"` // "account_update"
	AccountReview      *AccountReviewUpdate      `json:"-"` // "account_review_update"
	BusinessCapability *BusinessCapabilityUpdate `json:"-"` // "business_capability_update"
}

// fieldDecoders allocate the typed value for a known field.
var fieldDecoders = map[string]func(*Change) any{
	"messages":                       func(c *Change) any { c.Messages = new(MessagesValue); return c.Messages },
	"message_template_status_update": func(c *Change) any { c.TemplateStatus = new(TemplateStatusUpdate); return c.TemplateStatus },
	"template_category_update":       func(c *Change) any { c.TemplateCategory = new(TemplateCategoryUpdate); return c.TemplateCategory },
	"phone_number_quality_update":    func(c *Change) any { c.Quality = new(PhoneNumberQualityUpdate); return c.Quality },
	"phone_number_name_update":       func(c *Change) any { c.NameUpdate = new(PhoneNumberNameUpdate); return c.NameUpdate },
	"account_update":                 func(c *Change) any { c.Account = new(AccountUpdate); return c.Account },
	"account_review_update":          func(c *Change) any { c.AccountReview = new(AccountReviewUpdate); return c.AccountReview },
	"business_capability_update": func(c *Change) any {
		c.BusinessCapability = new(BusinessCapabilityUpdate)
		return c.BusinessCapability
	},
}

func (c *Change) UnmarshalJSON(b []byte) error {
	type plain Change
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	newValue, known := fieldDecoders[c.Field]
	if !known || len(c.Value) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Value, newValue(c)); err != nil {
		return fmt.Errorf("field %s: %w", c.Field, err)
	}
	return nil
}

// ErrNotWhatsApp is returned for a body that is JSON but not a WhatsApp
// Business Account notification (another product's webhook).
var ErrNotWhatsApp = errors.New("whatsapp: not a whatsapp_business_account notification")

// ParseWebhook decodes a webhook body. Verify the signature first, on the
// same raw bytes. Unknown fields, message types and properties are kept as
// raw JSON and never cause an error.
func ParseWebhook(body []byte) (*Notification, error) {
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("whatsapp: parse webhook: %w", err)
	}
	if n.Object != "" && n.Object != "whatsapp_business_account" {
		return nil, ErrNotWhatsApp
	}
	return &n, nil
}

// Timestamp is a Unix time in seconds as Meta writes it: a string
// ("1739321024") in messages and statuses, a number in entry.time.
type Timestamp int64

func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" || s == "null" {
		*t = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("whatsapp: timestamp %s: %w", b, err)
	}
	*t = Timestamp(v)
	return nil
}

func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(t), 10) + `"`), nil
}

// Time converts to UTC; the zero Timestamp is the zero Time.
func (t Timestamp) Time() time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}

// FlexString is an id Meta sends sometimes as a number, sometimes as a
// string (message_template_id).
type FlexString string

func (f *FlexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = FlexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = FlexString(n.String())
	return nil
}
