package metasim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sendTemplate is the "template" object of a send request.
type sendTemplate struct {
	Name     string `json:"name"`
	Language struct {
		Code   string `json:"code"`
		Policy string `json:"policy"`
	} `json:"language"`
	Components []sendComponent `json:"components"`
}

type sendComponent struct {
	Type       string          `json:"type"`     // header, body, button
	SubType    string          `json:"sub_type"` // quick_reply, url, copy_code ...
	Index      json.RawMessage `json:"index"`    // "0" or 0
	Parameters []sendParam     `json:"parameters"`
}

type sendParam struct {
	Type             string         `json:"type"`
	Text             string         `json:"text"`
	ParameterName    string         `json:"parameter_name"`
	Payload          string         `json:"payload"`
	Image            *mediaObj      `json:"image"`
	Video            *mediaObj      `json:"video"`
	Document         *mediaObj      `json:"document"`
	Currency         *fallbackParam `json:"currency"`
	DateTime         *fallbackParam `json:"date_time"`
	Location         *locationObj   `json:"location"`
	CouponCode       string         `json:"coupon_code"`
	LimitedTimeOffer *offerParam    `json:"limited_time_offer"`
}

type fallbackParam struct {
	FallbackValue string `json:"fallback_value"`
}

// findTemplate returns the template a send refers to, or the error Meta
// gives for missing (132001), paused (132015) and disabled (132016) ones.
func (s *Sim) findTemplate(w *waba, st *sendTemplate) (template, *metaError) {
	if st.Name == "" || st.Language.Code == "" {
		return template{}, missing("template['name'] and template['language']['code']")
	}
	key := st.Name + "\x00" + st.Language.Code
	w.mu.RLock()
	t := w.templateIndex[key]
	due := t != nil && t.Status == "PENDING" && !s.now().Before(t.ReviewAt)
	w.mu.RUnlock()
	if due {
		s.settleWABA(w)
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	t = w.templateIndex[key]
	if t == nil {
		return template{}, metaErr(132001, "template name ("+st.Name+") does not exist in "+st.Language.Code)
	}
	switch t.Status {
	case "APPROVED":
		return *t, nil
	case "PAUSED":
		return template{}, metaErr(132015, "")
	case "DISABLED":
		return template{}, metaErr(132016, "")
	}
	return template{}, metaErr(132001, "template name ("+st.Name+") does not exist in "+st.Language.Code+" or is not approved (status "+t.Status+")")
}

// sentParts are a send's components by kind; buttons by index.
type sentParts struct {
	header, body, offer *sendComponent
	buttons             map[int]*sendComponent
}

func splitComponents(t *template, st *sendTemplate) (sentParts, *metaError) {
	parts := sentParts{buttons: map[int]*sendComponent{}}
	for i := range st.Components {
		c := &st.Components[i]
		switch strings.ToLower(c.Type) {
		case "header":
			parts.header = c
		case "body":
			parts.body = c
		case "limited_time_offer":
			parts.offer = c
		case "button":
			idx, err := strconv.Atoi(strings.Trim(string(c.Index), `"`))
			if err != nil || idx < 0 || idx >= len(t.buttons()) {
				return parts, metaErr(132000, "Button at index "+string(c.Index)+" does not exist in the template.")
			}
			parts.buttons[idx] = c
		default:
			return parts, metaErr(100, "Param template['components'][type] must be one of {body, button, header, limited_time_offer}.")
		}
	}
	return parts, nil
}

// checkTemplateParams compares the send's parameters with the template:
// counts (132000) and formats (132012), and renders the text customers see.
func checkTemplateParams(t *template, st *sendTemplate) (outMsg, *metaError) {
	parts, err := splitComponents(t, st)
	if err != nil {
		return outMsg{}, err
	}
	headerText, err := checkHeader(t, parts.header)
	if err != nil {
		return outMsg{}, err
	}
	offerText, err := checkOffer(t, parts.offer)
	if err != nil {
		return outMsg{}, err
	}
	bodyText, err := fill(t, bodyComponentText(t), t.bodyVars, parts.body, "body")
	if err != nil {
		return outMsg{}, err
	}
	btns, err := checkButtons(t, parts.buttons)
	if err != nil {
		return outMsg{}, err
	}
	return outMsg{text: renderTemplate(t, headerText, offerText, bodyText), buttons: btns}, nil
}

// renderTemplate lays out the chat text: bold header, offer line, body,
// italic footer.
func renderTemplate(t *template, header, offer, body string) string {
	var lines []string
	if header != "" {
		lines = append(lines, "*"+header+"*")
	}
	if offer != "" {
		lines = append(lines, offer)
	}
	lines = append(lines, body)
	if f := t.component("FOOTER"); f != nil {
		lines = append(lines, "_"+f.Text+"_")
	}
	return strings.Join(lines, "\n")
}

func bodyComponentText(t *template) string {
	if c := t.component("BODY"); c != nil {
		return c.Text
	}
	return ""
}

// fill validates the text parameters of one component and renders it.
func fill(t *template, text string, vars []string, c *sendComponent, where string) (string, *metaError) {
	var params []sendParam
	if c != nil {
		params = c.Parameters
	}
	if len(params) != len(vars) {
		return "", metaErr(132000, "Number of "+where+" parameters ("+strconv.Itoa(len(params))+
			") does not match the expected number of params ("+strconv.Itoa(len(vars))+")")
	}
	positional := make([]string, 0, len(params))
	named := map[string]string{}
	for _, p := range params {
		v, ok := paramText(p)
		if !ok {
			return "", metaErr(132012, "Parameter of type "+p.Type+" is not allowed in the "+where+".")
		}
		if t.ParameterFormat == "NAMED" {
			if p.ParameterName == "" || !contains(vars, p.ParameterName) {
				return "", metaErr(132000, "Parameter name '"+p.ParameterName+"' does not exist in the template "+where+".")
			}
			named[p.ParameterName] = v
		}
		positional = append(positional, v)
	}
	return render(text, positional, named), nil
}

// paramText is the display value of a text-like parameter.
func paramText(p sendParam) (string, bool) {
	switch p.Type {
	case "text":
		return p.Text, p.Text != ""
	case "currency":
		return fallback(p.Currency)
	case "date_time":
		return fallback(p.DateTime)
	}
	return "", false
}

func fallback(f *fallbackParam) (string, bool) {
	if f == nil || f.FallbackValue == "" {
		return "", false
	}
	return f.FallbackValue, true
}

func checkHeader(t *template, c *sendComponent) (string, *metaError) {
	h := t.component("HEADER")
	if h == nil {
		if c != nil && len(c.Parameters) > 0 {
			return "", metaErr(132000, "The template has no header, but header parameters were sent.")
		}
		return "", nil
	}
	format := strings.ToLower(h.Format)
	if format == "text" {
		return fill(t, h.Text, t.headerVars, c, "header")
	}
	// A media or LOCATION header has no default: Meta refuses a send
	// without its one parameter of the header's type.
	if c == nil || len(c.Parameters) != 1 {
		return "", metaErr(132000, "The "+format+" header needs exactly one parameter.")
	}
	p := c.Parameters[0]
	if p.Type != format {
		return "", metaErr(132012, "Header parameter type "+p.Type+" does not match the template header format "+h.Format+".")
	}
	if format == "location" {
		return locationHeader(p.Location)
	}
	return "[" + format + "]", nil
}

// locationHeader checks a LOCATION header's pin and renders it.
func locationHeader(l *locationObj) (string, *metaError) {
	const where = "template['components'][header]['parameters'][0]['location']"
	if err := checkPin(l, where, 132012, 132012); err != nil {
		return "", err
	}
	return strings.TrimSpace("[location] " + l.Name), nil
}

// checkButtons validates button parameters: a URL button with a variable
// needs one text parameter, an OTP button the code (sub_type url, text), a
// COPY_CODE button its coupon code (sub_type copy_code, coupon_code);
// quick replies take an optional payload.
func checkButtons(t *template, sent map[int]*sendComponent) ([]chatBtn, *metaError) {
	var out []chatBtn
	for i, b := range t.buttons() {
		c := sent[i]
		cb := chatBtn{Title: b.Text, ID: b.Text}
		switch b.Type {
		case "QUICK_REPLY":
			cb.Kind = "quick_reply"
			if c != nil && len(c.Parameters) > 0 {
				if c.Parameters[0].Type != "payload" {
					return nil, metaErr(132012, "Quick reply button parameters must be of type payload.")
				}
				cb.ID = c.Parameters[0].Payload
			}
		case "URL":
			cb.Kind, cb.ID = "url", b.URL
			if len(variables(b.URL)) == 1 {
				if c == nil || len(c.Parameters) != 1 {
					return nil, metaErr(132000, "The URL button at index "+strconv.Itoa(i)+" needs one parameter.")
				}
				if c.Parameters[0].Type != "text" {
					return nil, metaErr(132012, "URL button parameters must be of type text.")
				}
				cb.ID = render(b.URL, []string{c.Parameters[0].Text}, nil)
			}
		case "PHONE_NUMBER":
			cb.Kind, cb.ID = "phone_number", b.PhoneNumber
		case "OTP":
			// Meta stores an OTP button as a URL button carrying the code:
			// the send fills it with sub_type url and the code as text.
			code, err := buttonParam(c, i, "url", "text")
			if err != nil {
				return nil, err
			}
			cb.Kind, cb.ID = "otp", code.Text
		case "COPY_CODE":
			code, err := buttonParam(c, i, "copy_code", "coupon_code")
			if err != nil {
				return nil, err
			}
			cb.Kind, cb.ID = "copy_code", code.CouponCode
			if cb.Title == "" { // the label WhatsApp shows; templates can't set it
				cb.Title = "Copy code"
			}
		default:
			cb.Kind = strings.ToLower(b.Type)
		}
		out = append(out, cb)
	}
	return out, nil
}

// buttonParam is the one parameter of type typ a button at index i needs,
// sent in a button component of subType.
func buttonParam(c *sendComponent, i int, subType, typ string) (sendParam, *metaError) {
	at := strconv.Itoa(i)
	if c == nil || len(c.Parameters) != 1 {
		return sendParam{}, metaErr(132000, "The button at index "+at+" needs one parameter.")
	}
	p := c.Parameters[0]
	if !strings.EqualFold(c.SubType, subType) || p.Type != typ || (p.Text == "" && p.CouponCode == "") {
		return sendParam{}, metaErr(132012, "The button at index "+at+" needs sub_type "+subType+" with one "+typ+" parameter.")
	}
	return p, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
