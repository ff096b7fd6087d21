package conversa

import (
	"strconv"
	"strings"
)

// TemplateValues are what a sender fills in an approved template: the body
// variables in order, and the header and button values the template asks
// for (Template.Inputs). The JSON names are the send API's.
type TemplateValues struct {
	Body    []string      `json:"parameters"`
	Header  *HeaderValue  `json:"header,omitempty"`
	Buttons []ButtonValue `json:"buttons,omitempty"`
}

// HeaderValue fills a template header: Text is a TEXT header's variable;
// Image, Video or Document is the media of such a header (by public link or
// uploaded id); Location the pin of a LOCATION header.
type HeaderValue struct {
	Text     string         `json:"text,omitempty"`
	Image    *MediaValue    `json:"image,omitempty"`
	Video    *MediaValue    `json:"video,omitempty"`
	Document *MediaValue    `json:"document,omitempty"`
	Location *LocationValue `json:"location,omitempty"`
}

// MediaValue is a header's media: a public http(s) Link or an uploaded ID.
type MediaValue struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Filename string `json:"filename,omitempty"` // documents only: the name the customer sees
}

// LocationValue is a LOCATION header's pin.
type LocationValue struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// ButtonValue fills the button at Index (0-based, in the template's
// order): Text is a URL button's variable part, or an authentication
// template's one-time code; CouponCode is a COPY_CODE button's code.
type ButtonValue struct {
	Index      int    `json:"index"`
	Text       string `json:"text,omitempty"`
	CouponCode string `json:"coupon_code,omitempty"`
}

// Kinds of TemplateInput.
const (
	InputHeaderText     = "header_text"
	InputHeaderImage    = "header_image"
	InputHeaderVideo    = "header_video"
	InputHeaderDocument = "header_document"
	InputHeaderLocation = "header_location"
	InputButtonURL      = "button_url"       // the variable part of a URL button
	InputCouponCode     = "button_copy_code" // a COPY_CODE button's coupon code
	InputOTP            = "button_otp"       // an authentication template's one-time code
)

// TemplateInput is one value a send of a template must carry besides the
// body variables.
type TemplateInput struct {
	Kind  string `json:"kind"`
	Index int    `json:"index"`          // the button's index (buttons only)
	Name  string `json:"name,omitempty"` // the header variable, or the button's label
}

// IsHeader reports whether the input fills the header.
func (in TemplateInput) IsHeader() bool { return strings.HasPrefix(in.Kind, "header_") }

// MediaKind is "image", "video" or "document" for a media header input,
// "" otherwise.
func (in TemplateInput) MediaKind() string {
	switch in.Kind {
	case InputHeaderImage, InputHeaderVideo, InputHeaderDocument:
		return strings.TrimPrefix(in.Kind, "header_")
	}
	return ""
}

// Inputs lists, header first and then buttons in order, what a send must
// fill besides the body: a TEXT header's variable, a media or location
// header, URL buttons with a variable, COPY_CODE buttons and one-time
// password buttons. Meta turns an OTP button into a URL button with a
// variable when it creates an authentication template, so in those the URL
// variable is the one-time code.
func (t *Template) Inputs() []TemplateInput {
	var out []TemplateInput
	if h := t.Component("HEADER"); h != nil {
		switch f := strings.ToUpper(h.Format); f {
		case "", "TEXT":
			if vars := Variables(h.Text); len(vars) > 0 {
				out = append(out, TemplateInput{Kind: InputHeaderText, Name: vars[0]})
			}
		case "IMAGE", "VIDEO", "DOCUMENT", "LOCATION":
			out = append(out, TemplateInput{Kind: "header_" + strings.ToLower(f)})
		}
	}
	if b := t.Component("BUTTONS"); b != nil {
		for i, btn := range b.Buttons {
			if kind := t.buttonInput(btn); kind != "" {
				out = append(out, TemplateInput{Kind: kind, Index: i, Name: btn.Text})
			}
		}
	}
	return out
}

func (t *Template) buttonInput(b TemplateButton) string {
	switch strings.ToUpper(b.Type) {
	case "OTP":
		return InputOTP
	case "COPY_CODE":
		return InputCouponCode
	case "URL":
		switch {
		case len(Variables(b.URL)) == 0:
			return ""
		case t.Category == CategoryAuthentication:
			return InputOTP
		}
		return InputButtonURL
	}
	return ""
}

// Filled returns v with what Conversa fills itself: an authentication
// template's one-time-password button carries the code of the body, so a
// sender types it once.
func (t *Template) Filled(v TemplateValues) TemplateValues {
	for _, in := range t.Inputs() {
		if in.Kind != InputOTP || len(v.Body) == 0 {
			continue
		}
		if _, ok := v.Button(in.Index); !ok {
			v.Buttons = append(append([]ButtonValue(nil), v.Buttons...), ButtonValue{Index: in.Index, Text: v.Body[0]})
		}
	}
	return v
}

// Button returns the value given for the button at index.
func (v TemplateValues) Button(index int) (ButtonValue, bool) {
	for _, b := range v.Buttons {
		if b.Index == index {
			return b, true
		}
	}
	return ButtonValue{}, false
}

// Media returns the media given for a header of kind ("image", "video",
// "document"), nil when none.
func (h *HeaderValue) Media(kind string) *MediaValue {
	if h == nil {
		return nil
	}
	switch kind {
	case "image":
		return h.Image
	case "video":
		return h.Video
	case "document":
		return h.Document
	}
	return nil
}

func (h *HeaderValue) empty() bool {
	return h == nil || (h.Text == "" && h.Image == nil && h.Video == nil && h.Document == nil && h.Location == nil)
}

// HeaderText is the TEXT header with its variable filled, "" when the
// template has no text header.
func (t *Template) HeaderText(v TemplateValues) string {
	h := t.Component("HEADER")
	if h == nil || (h.Format != "" && !strings.EqualFold(h.Format, "TEXT")) {
		return ""
	}
	byName := map[string]string{}
	if vars := Variables(h.Text); len(vars) > 0 && v.Header != nil && v.Header.Text != "" {
		byName[vars[0]] = v.Header.Text
	}
	return fillVariables(h.Text, byName)
}

// buttonLabel names a button in sentences: its index and label.
func buttonLabel(in TemplateInput) string {
	return strconv.Itoa(in.Index) + " (" + strconv.Quote(in.Name) + ")"
}
