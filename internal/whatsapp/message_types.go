package whatsapp

// Template and interactive parts of an outbound Message.

// Template sends an approved template. Components carry the parameter values.
type Template struct {
	Name       string              `json:"name"`
	Language   Language            `json:"language"`
	Components []TemplateComponent `json:"components,omitempty"`
}

// Language of a template; Code like "pt_BR".
type Language struct {
	Code   string `json:"code"`
	Policy string `json:"policy,omitempty"` // "deterministic" (legacy, optional)
}

// TemplateComponent fills one part of a template: type "header", "body" or
// "button" (with SubType "quick_reply", "url", "copy_code", "flow" and the
// zero-based Index as a string, as Meta documents it).
type TemplateComponent struct {
	Type       string      `json:"type"`
	SubType    string      `json:"sub_type,omitempty"`
	Index      string      `json:"index,omitempty"`
	Parameters []Parameter `json:"parameters,omitempty"`
}

// Parameter is one value. Type is text, currency, date_time, image,
// document, video, location, payload, coupon_code, limited_time_offer or
// action. ParameterName is set for templates created with parameter_format
// NAMED ({{first_name}}).
type Parameter struct {
	Type             string      `json:"type"`
	ParameterName    string      `json:"parameter_name,omitempty"`
	Text             string      `json:"text,omitempty"`
	Payload          string      `json:"payload,omitempty"`
	CouponCode       string      `json:"coupon_code,omitempty"`
	Image            *Media      `json:"image,omitempty"`
	Document         *Media      `json:"document,omitempty"`
	Video            *Media      `json:"video,omitempty"`
	Location         *Location   `json:"location,omitempty"`
	Currency         *Currency   `json:"currency,omitempty"`
	DateTime         *DateTime   `json:"date_time,omitempty"`
	LimitedTimeOffer *OfferValue `json:"limited_time_offer,omitempty"`
}

// OfferValue is when a limited-time offer ends, in Unix milliseconds (a
// "limited_time_offer" component's parameter).
type OfferValue struct {
	ExpirationTimeMS int64 `json:"expiration_time_ms"`
}

// Currency is a money parameter; Amount1000 is the amount times 1000.
type Currency struct {
	FallbackValue string `json:"fallback_value"`
	Code          string `json:"code"`
	Amount1000    int64  `json:"amount_1000"`
}

// DateTime is a date parameter, rendered as FallbackValue.
type DateTime struct {
	FallbackValue string `json:"fallback_value"`
}

// TextParam is a positional text parameter.
func TextParam(text string) Parameter { return Parameter{Type: "text", Text: text} }

// NamedParam is a text parameter of a NAMED-format template.
func NamedParam(name, text string) Parameter {
	return Parameter{Type: "text", ParameterName: name, Text: text}
}

// Interactive is a reply-button ("button"), "list" or "cta_url" message.
type Interactive struct {
	Type   string             `json:"type"`
	Header *InteractiveHeader `json:"header,omitempty"`
	Body   *InteractiveText   `json:"body,omitempty"`
	Footer *InteractiveText   `json:"footer,omitempty"`
	Action InteractiveAction  `json:"action"`
}

// InteractiveHeader is a text or media header.
type InteractiveHeader struct {
	Type     string `json:"type"` // text, image, video, document
	Text     string `json:"text,omitempty"`
	Image    *Media `json:"image,omitempty"`
	Video    *Media `json:"video,omitempty"`
	Document *Media `json:"document,omitempty"`
}

type InteractiveText struct {
	Text string `json:"text"`
}

// InteractiveAction: Buttons for "button", Button+Sections for "list",
// Name "cta_url" + Parameters for "cta_url".
type InteractiveAction struct {
	Buttons    []ReplyButton  `json:"buttons,omitempty"`
	Button     string         `json:"button,omitempty"`
	Sections   []ListSection  `json:"sections,omitempty"`
	Name       string         `json:"name,omitempty"`
	Parameters *CTAParameters `json:"parameters,omitempty"`
}

// ReplyButton is one quick-reply button (up to 3); Type is "reply".
type ReplyButton struct {
	Type  string `json:"type"`
	Reply Choice `json:"reply"`
}

// Choice is a button or list row, sent or chosen (webhook button_reply /
// list_reply carry the same id and title).
type Choice struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

type ListSection struct {
	Title string   `json:"title,omitempty"`
	Rows  []Choice `json:"rows"`
}

type CTAParameters struct {
	DisplayText string `json:"display_text"`
	URL         string `json:"url"`
}

// Buttons builds a reply-button interactive message body.
func Buttons(body string, choices ...Choice) *Interactive {
	in := &Interactive{Type: "button", Body: &InteractiveText{Text: body}}
	for _, c := range choices {
		in.Action.Buttons = append(in.Action.Buttons, ReplyButton{Type: "reply", Reply: c})
	}
	return in
}
