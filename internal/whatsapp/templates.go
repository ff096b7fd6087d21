package whatsapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MessageTemplate is a template as created (POST /{waba-id}/message_templates)
// and as listed. ID, Status, RejectedReason and the other read-only fields
// are empty on creation and omitted from the request.
type MessageTemplate struct {
	ID                  string         `json:"id,omitempty"`
	Name                string         `json:"name"`
	Language            string         `json:"language"`
	Category            string         `json:"category"`                   // MARKETING, UTILITY, AUTHENTICATION
	ParameterFormat     string         `json:"parameter_format,omitempty"` // POSITIONAL (default) or NAMED
	AllowCategoryChange bool           `json:"allow_category_change,omitempty"`
	Components          []TemplatePart `json:"components"`

	Status           string `json:"status,omitempty"`          // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, PENDING_DELETION
	RejectedReason   string `json:"rejected_reason,omitempty"` // with REJECTED
	PreviousCategory string `json:"previous_category,omitempty"`
	QualityScore     *struct {
		Score string `json:"score"`
	} `json:"quality_score,omitempty"`
}

// TemplatePart is one component of a template definition: HEADER (Format
// TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION), BODY, FOOTER, BUTTONS or
// LIMITED_TIME_OFFER.
type TemplatePart struct {
	Type                      string            `json:"type"`
	Format                    string            `json:"format,omitempty"`
	Text                      string            `json:"text,omitempty"`
	Example                   *TemplateExample  `json:"example,omitempty"`
	Buttons                   []TemplateButton  `json:"buttons,omitempty"`
	LimitedTimeOffer          *LimitedTimeOffer `json:"limited_time_offer,omitempty"`
	AddSecurityRecommendation bool              `json:"add_security_recommendation,omitempty"`
	CodeExpirationMinutes     int               `json:"code_expiration_minutes,omitempty"`
}

// LimitedTimeOffer is a marketing template's offer: Text (up to 16
// characters) above the body and, with HasExpiration, a countdown to the
// expiration each send gives (Parameter.LimitedTimeOffer).
type LimitedTimeOffer struct {
	Text          string `json:"text"`
	HasExpiration bool   `json:"has_expiration,omitempty"`
}

// TemplateExample holds the sample values Meta requires for every variable.
type TemplateExample struct {
	HeaderText            []string       `json:"header_text,omitempty"`
	HeaderHandle          []string       `json:"header_handle,omitempty"`
	BodyText              [][]string     `json:"body_text,omitempty"`
	HeaderTextNamedParams []NamedExample `json:"header_text_named_params,omitempty"`
	BodyTextNamedParams   []NamedExample `json:"body_text_named_params,omitempty"`
}

type NamedExample struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

// TemplateButton is QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP or FLOW.
type TemplateButton struct {
	Type        string   `json:"type"`
	Text        string   `json:"text,omitempty"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	OTPType     string   `json:"otp_type,omitempty"`
	Example     Examples `json:"example,omitempty"`
}

// Examples is a button's example: an array for URL buttons, a single string
// for COPY_CODE; both decode, and one value encodes as a plain string only
// for COPY_CODE (see TemplateButton.MarshalJSON).
type Examples []string

func (e *Examples) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*e = Examples{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(e))
}

func (b TemplateButton) MarshalJSON() ([]byte, error) {
	type plain TemplateButton
	if !strings.EqualFold(b.Type, "COPY_CODE") || len(b.Example) != 1 {
		return json.Marshal(plain(b))
	}
	return json.Marshal(struct {
		plain
		Example string `json:"example"`
	}{plain(b), b.Example[0]})
}

// Paging is Graph's cursor paging block.
type Paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// Page is one page of a Graph list.
type Page[T any] struct {
	Data   []T    `json:"data"`
	Paging Paging `json:"paging"`
}

// TemplateQuery filters and pages a template list. Zero fields are omitted.
type TemplateQuery struct {
	Limit    int
	After    string // cursor from Paging.Cursors.After
	Name     string
	Status   string
	Category string
	Language string
	Fields   []string
}

func (q TemplateQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	set("after", q.After)
	set("name", q.Name)
	set("status", q.Status)
	set("category", q.Category)
	set("language", q.Language)
	set("fields", strings.Join(q.Fields, ","))
	return v
}

// ListTemplates returns one page of the account's templates.
func (c *Client) ListTemplates(ctx context.Context, token, wabaID string, q TemplateQuery) (*Page[MessageTemplate], error) {
	var out Page[MessageTemplate]
	err := c.call(ctx, request{method: http.MethodGet, path: []string{wabaID, "message_templates"}, query: q.values(), token: token}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// AllTemplates follows the cursors and returns every template matching q.
func (c *Client) AllTemplates(ctx context.Context, token, wabaID string, q TemplateQuery) ([]MessageTemplate, error) {
	return collect[MessageTemplate](ctx, c, token, []string{wabaID, "message_templates"}, q.values())
}

// maxPages bounds a listing so a server that keeps returning cursors
// cannot loop us forever.
const maxPages = 1000

// collect reads every page of a Graph list.
func collect[T any](ctx context.Context, c *Client, token string, path []string, q url.Values) ([]T, error) {
	var all []T
	for range maxPages {
		var p Page[T]
		if err := c.call(ctx, request{method: http.MethodGet, path: path, query: q, token: token}, &p); err != nil {
			return all, err
		}
		all = append(all, p.Data...)
		if p.Paging.Next == "" || p.Paging.Cursors.After == "" || len(p.Data) == 0 {
			return all, nil
		}
		q = cloneValues(q)
		q.Set("after", p.Paging.Cursors.After)
	}
	return all, nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, s := range v {
		out[k] = append([]string(nil), s...)
	}
	return out
}

// TemplateCreated is Meta's answer to a creation: the template goes to review.
type TemplateCreated struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Category string `json:"category"`
}

// CreateTemplate submits a template for review.
func (c *Client) CreateTemplate(ctx context.Context, token, wabaID string, t MessageTemplate) (*TemplateCreated, error) {
	t.ID, t.Status, t.RejectedReason, t.PreviousCategory, t.QualityScore = "", "", "", "", nil
	var out TemplateCreated
	err := c.call(ctx, request{method: http.MethodPost, path: []string{wabaID, "message_templates"}, token: token, body: t}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// TemplateEdit changes a template (POST /{template-id}); a rejected or
// approved template goes back to review.
type TemplateEdit struct {
	Category   string         `json:"category,omitempty"`
	Components []TemplatePart `json:"components,omitempty"`
}

// EditTemplate edits a template by id.
func (c *Client) EditTemplate(ctx context.Context, token, templateID string, e TemplateEdit) error {
	return c.expectSuccess(ctx, postJSON(token, e, templateID))
}

// DeleteTemplate deletes a template by name (every language), or only one
// language's template when templateID (hsm_id) is given.
func (c *Client) DeleteTemplate(ctx context.Context, token, wabaID, name, templateID string) error {
	q := url.Values{"name": {name}}
	if templateID != "" {
		q.Set("hsm_id", templateID)
	}
	return c.expectSuccess(ctx, request{method: http.MethodDelete, path: []string{wabaID, "message_templates"}, query: q, token: token})
}
