package conversa

import (
	"strings"
	"time"
)

// TemplateStatus is Meta's review state of a message template.
type TemplateStatus string

const (
	TemplateApproved        TemplateStatus = "APPROVED"
	TemplatePending         TemplateStatus = "PENDING"
	TemplateRejected        TemplateStatus = "REJECTED"
	TemplatePaused          TemplateStatus = "PAUSED"
	TemplateDisabled        TemplateStatus = "DISABLED"
	TemplateInAppeal        TemplateStatus = "IN_APPEAL"
	TemplatePendingDeletion TemplateStatus = "PENDING_DELETION"
	// TemplateDeleted is Conversa's own mark for a template deleted here or
	// gone from Meta: the row stays so sent messages and spend keep their
	// template.
	TemplateDeleted TemplateStatus = "DELETED"
)

// DefaultTemplateLanguage is what most of our users write in.
const DefaultTemplateLanguage = "pt_BR"

// Template is a WhatsApp message template of one channel's business account.
// Components keep Meta's own shape, so they round-trip to the Graph API.
type Template struct {
	ID              int64               `json:"id"`
	CompanyID       int64               `json:"-"`
	ChannelID       int64               `json:"channel_id"`
	MetaID          string              `json:"meta_id,omitempty"`
	Name            string              `json:"name"`
	Language        string              `json:"language"`
	Category        Category            `json:"category"`
	Status          TemplateStatus      `json:"status"`
	RejectedReason  string              `json:"rejected_reason,omitempty"`
	ParameterFormat string              `json:"parameter_format,omitempty"` // POSITIONAL (default) or NAMED
	Components      []TemplateComponent `json:"components"`
	UpdatedAt       time.Time           `json:"updated_at"`

	// Review details kept in sync from Meta (template_status.go).
	StatusInfo string    `json:"status_info,omitempty"` // pause, disable, flag or rejection details in Meta's words
	Quality    string    `json:"quality,omitempty"`     // Meta's quality score: GREEN, YELLOW, RED, UNKNOWN
	StatusAt   time.Time `json:"-"`                     // when Meta's status was observed, for ordering
	CategoryAt time.Time `json:"-"`                     // when the category was observed
	CreatedAt  time.Time `json:"created_at"`
}

// TemplateComponent is a HEADER, BODY, FOOTER or BUTTONS block.
type TemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"` // header: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION
	Text    string           `json:"text,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
	Example *TemplateExample `json:"example,omitempty"`
	// Authentication templates only.
	AddSecurityRecommendation bool `json:"add_security_recommendation,omitempty"`
	CodeExpirationMinutes     int  `json:"code_expiration_minutes,omitempty"`
}

// TemplateButton is one button of a BUTTONS component.
type TemplateButton struct {
	Type        string   `json:"type"` // QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP
	Text        string   `json:"text"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	OTPType     string   `json:"otp_type,omitempty"` // OTP buttons: COPY_CODE, ONE_TAP, ZERO_TAP
	Example     []string `json:"example,omitempty"`
}

// TemplateExample holds the sample values Meta's reviewers need for each
// variable.
type TemplateExample struct {
	HeaderText            []string      `json:"header_text,omitempty"`
	HeaderHandle          []string      `json:"header_handle,omitempty"`
	BodyText              [][]string    `json:"body_text,omitempty"`
	HeaderTextNamedParams []NamedSample `json:"header_text_named_params,omitempty"`
	BodyTextNamedParams   []NamedSample `json:"body_text_named_params,omitempty"`
}

// NamedSample is an example value of a named variable ({{first_name}}).
type NamedSample struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// Component returns the first component of type typ (BODY, HEADER, ...).
func (t *Template) Component(typ string) *TemplateComponent {
	for i := range t.Components {
		if strings.EqualFold(t.Components[i].Type, typ) {
			return &t.Components[i]
		}
	}
	return nil
}

// Named reports whether variables are named ({{first_name}}) not numbered.
func (t *Template) Named() bool { return strings.EqualFold(t.ParameterFormat, "NAMED") }

// BodyVariables are the variables a sender must fill in the body.
func (t *Template) BodyVariables() []string {
	if b := t.Component("BODY"); b != nil {
		return Variables(b.Text)
	}
	return nil
}

// SendableError explains why t cannot be sent now, or returns nil when it
// is APPROVED. Only approved templates are ever offered to agents.
func (t *Template) SendableError() error {
	if t.Status == TemplateApproved {
		return nil
	}
	return Errorf(ETEMPLATENOTAPPROVED, "Template %q (%s) is %s, only APPROVED templates can be sent.", t.Name, t.Language, t.Status).
		Pt("O modelo %q (%s) está %s; só modelos APROVADOS podem ser enviados.", t.Name, t.Language, t.Status)
}
