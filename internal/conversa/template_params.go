package conversa

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxCouponCode is Meta's limit for a COPY_CODE button's code.
const maxCouponCode = 15

// CheckParams validates what a sender filled before anything reaches Meta,
// part by part as Meta checks it: the body variables' count (Meta's 132000)
// and format (132012), then the header's variable, media or location, then
// the values of URL, coupon-code and one-time-password buttons. The first
// problem is returned as a sentence naming what is missing or wrong.
func (t *Template) CheckParams(v TemplateValues) error {
	if err := t.checkBody(v.Body); err != nil {
		return err
	}
	inputs := t.Inputs()
	if err := t.checkHeader(inputs, v.Header); err != nil {
		return err
	}
	return t.checkButtons(inputs, v)
}

func (t *Template) checkBody(values []string) error {
	vars := t.BodyVariables()
	if len(values) != len(vars) {
		return Errorf(ETEMPLATEPARAMS, "Template %q needs %d parameter(s), got %d.", t.Name, len(vars), len(values)).
			Pt("O modelo %q precisa de %d parâmetro(s), recebeu %d.", t.Name, len(vars), len(values))
	}
	for i, v := range values {
		if msg, pt := paramProblem(v); msg != "" {
			return Errorf(ETEMPLATEPARAMS, "Parameter %d (%s) %s.", i+1, vars[i], msg).
				Pt("O parâmetro %d (%s) %s.", i+1, vars[i], pt)
		}
	}
	// Meta refuses a body longer than its limit once filled (132005).
	if n := utf8.RuneCountInString(t.bodyText(values)); n > maxBodyLen {
		return Errorf(ETEMPLATEPARAMS, "Filled in, the message would have %d characters; WhatsApp allows %d. Shorten the values.", n, maxBodyLen).
			Pt("Preenchida, a mensagem teria %d caracteres; o WhatsApp permite %d. Encurte os valores.", n, maxBodyLen)
	}
	return nil
}

// paramProblem mirrors Meta's parameter text rules: not empty, no new
// lines or tabs, no more than four spaces in a row.
func paramProblem(v string) (en, pt string) {
	switch {
	case strings.TrimSpace(v) == "":
		return "is empty", "está vazio"
	case strings.ContainsAny(v, "\n\t"):
		return "may not contain line breaks or tabs", "não pode ter quebras de linha nem tabulações"
	case strings.Contains(v, "     "):
		return "may not contain more than four spaces in a row", "não pode ter mais de quatro espaços seguidos"
	case len([]rune(v)) > maxBodyLen:
		return "is too long", "é longo demais"
	}
	return "", ""
}

func (t *Template) checkHeader(inputs []TemplateInput, h *HeaderValue) error {
	var in *TemplateInput
	if len(inputs) > 0 && inputs[0].IsHeader() {
		in = &inputs[0]
	}
	switch {
	case in == nil && h.empty():
		return nil
	case in == nil:
		return Errorf(ETEMPLATEPARAMS, "Template %q has no header to fill: leave \"header\" out.", t.Name).
			Pt("O modelo %q não tem cabeçalho a preencher: não envie \"header\".", t.Name)
	case in.Kind == InputHeaderText:
		return t.checkHeaderText(in.Name, h)
	case in.Kind == InputHeaderLocation:
		return t.checkLocation(h)
	}
	return t.checkMedia(in.MediaKind(), h)
}

func (t *Template) checkHeaderText(name string, h *HeaderValue) error {
	if h == nil || h.Text == "" || h.Image != nil || h.Video != nil || h.Document != nil || h.Location != nil {
		return Errorf(ETEMPLATEPARAMS, "Template %q has a variable in its header ({{%s}}): send \"header\": {\"text\": \"...\"}.", t.Name, name).
			Pt("O modelo %q tem uma variável no cabeçalho ({{%s}}): envie \"header\": {\"text\": \"...\"}.", t.Name, name)
	}
	if msg, pt := paramProblem(h.Text); msg != "" {
		return Errorf(ETEMPLATEPARAMS, "The header variable (%s) %s.", name, msg).Pt("A variável do cabeçalho (%s) %s.", name, pt)
	}
	return nil
}

var mediaPT = map[string]string{"image": "imagem", "video": "vídeo", "document": "documento"}

func (t *Template) checkMedia(kind string, h *HeaderValue) error {
	m := h.Media(kind)
	if m == nil || h.Text != "" || h.Location != nil || mediaCount(h) != 1 {
		return Errorf(ETEMPLATEPARAMS, "Template %q needs the %s of its header: send \"header\": {%q: {\"link\": \"https://...\"}} (or an uploaded \"id\").", t.Name, kind, kind).
			Pt("O modelo %q precisa da mídia (%s) do cabeçalho: envie \"header\": {%q: {\"link\": \"https://...\"}} (ou o \"id\" de uma mídia enviada).", t.Name, mediaPT[kind], kind)
	}
	return m.Check(kind)
}

// Check validates a header's media of kind ("image", "video", "document"):
// a public http(s) link or an uploaded id; a file name only for documents.
func (m MediaValue) Check(kind string) error {
	if m.ID == "" && !httpURL(m.Link) {
		return Errorf(ETEMPLATEPARAMS, "The %s of the header needs a public http(s) \"link\" or an uploaded \"id\".", kind).
			Pt("A mídia (%s) do cabeçalho precisa de um \"link\" http(s) público ou do \"id\" de uma mídia enviada.", mediaPT[kind])
	}
	if m.Filename != "" && kind != "document" {
		return Errorf(ETEMPLATEPARAMS, "Only a document header takes a \"filename\".").Pt("Só um cabeçalho de documento aceita \"filename\".")
	}
	return nil
}

func mediaCount(h *HeaderValue) int {
	n := 0
	for _, m := range []*MediaValue{h.Image, h.Video, h.Document} {
		if m != nil {
			n++
		}
	}
	return n
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func (t *Template) checkLocation(h *HeaderValue) error {
	if h == nil || h.Location == nil || h.Text != "" || mediaCount(h) != 0 {
		return Errorf(ETEMPLATEPARAMS, "Template %q has a location header: send \"header\": {\"location\": {\"latitude\", \"longitude\", \"name\", \"address\"}}.", t.Name).
			Pt("O modelo %q tem cabeçalho de localização: envie \"header\": {\"location\": {\"latitude\", \"longitude\", \"name\", \"address\"}}.", t.Name)
	}
	if l := h.Location; l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 {
		return Errorf(ETEMPLATEPARAMS, "The header location needs a latitude between -90 and 90 and a longitude between -180 and 180.").
			Pt("A localização do cabeçalho precisa de latitude entre -90 e 90 e longitude entre -180 e 180.")
	}
	return nil
}

// checkButtons: every button input has its value (an OTP button may take
// the body's code), and no value is given for a button that takes none.
func (t *Template) checkButtons(inputs []TemplateInput, v TemplateValues) error {
	want := map[int]TemplateInput{}
	for _, in := range inputs {
		if !in.IsHeader() {
			want[in.Index] = in
		}
	}
	seen := map[int]bool{}
	for _, b := range v.Buttons {
		in, ok := want[b.Index]
		if !ok || seen[b.Index] {
			return Errorf(ETEMPLATEPARAMS, "Template %q has no button %d that takes a value (or it was given twice).", t.Name, b.Index).
				Pt("O modelo %q não tem botão %d que receba valor (ou ele foi enviado duas vezes).", t.Name, b.Index)
		}
		seen[b.Index] = true
		if in.Kind == InputOTP && len(v.Body) > 0 && b.Text != v.Body[0] {
			return Errorf(ETEMPLATEPARAMS, "The one-time password button must carry the same code as the message body.").
				Pt("O botão de senha única deve levar o mesmo código do corpo da mensagem.")
		}
	}
	filled := t.Filled(v)
	for _, in := range inputs {
		if in.IsHeader() {
			continue
		}
		b, _ := filled.Button(in.Index)
		if err := t.checkButton(in, b); err != nil {
			return err
		}
	}
	return nil
}

func (t *Template) checkButton(in TemplateInput, b ButtonValue) error {
	label := buttonLabel(in)
	switch in.Kind {
	case InputCouponCode:
		if b.CouponCode == "" || strings.ContainsAny(b.CouponCode, " \t\n") || utf8.RuneCountInString(b.CouponCode) > maxCouponCode {
			return Errorf(ETEMPLATEPARAMS, "Template %q needs the coupon code of button %s: send \"buttons\": [{\"index\": %d, \"coupon_code\": \"...\"}] (up to %d characters, no spaces).", t.Name, label, in.Index, maxCouponCode).
				Pt("O modelo %q precisa do código do cupom do botão %s: envie \"buttons\": [{\"index\": %d, \"coupon_code\": \"...\"}] (até %d caracteres, sem espaços).", t.Name, label, in.Index, maxCouponCode)
		}
	case InputOTP:
		if b.Text == "" || strings.ContainsAny(b.Text, " \t\n") {
			return Errorf(ETEMPLATEPARAMS, "Template %q needs the one-time code: send it as the body parameter.", t.Name).
				Pt("O modelo %q precisa do código de uso único: envie-o como parâmetro do corpo.", t.Name)
		}
	default:
		if b.Text == "" || strings.ContainsAny(b.Text, " \t\n") {
			return Errorf(ETEMPLATEPARAMS, "Template %q needs the end of the address of URL button %s: send \"buttons\": [{\"index\": %d, \"text\": \"...\"}] (no spaces).", t.Name, label, in.Index).
				Pt("O modelo %q precisa do final do endereço do botão de link %s: envie \"buttons\": [{\"index\": %d, \"text\": \"...\"}] (sem espaços).", t.Name, label, in.Index)
		}
	}
	return nil
}

// bodyText is the body with values in place of its variables.
func (t *Template) bodyText(values []string) string {
	b := t.Component("BODY")
	if b == nil {
		return ""
	}
	byName := map[string]string{}
	for i, name := range t.BodyVariables() {
		if i < len(values) {
			byName[name] = values[i]
		}
	}
	return fillVariables(b.Text, byName)
}

// Render fills the template with v and returns the text the customer will
// read: header, body and footer. It is the preview agents see and the text
// stored with the sent message.
func (t *Template) Render(v TemplateValues) string {
	var parts []string
	if h := t.HeaderText(v); h != "" {
		parts = append(parts, h)
	}
	if b := t.bodyText(v.Body); b != "" {
		parts = append(parts, b)
	}
	if f := t.Component("FOOTER"); f != nil && f.Text != "" {
		parts = append(parts, f.Text)
	}
	return strings.Join(parts, "\n\n")
}
