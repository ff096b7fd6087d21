package campaigns

import (
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// A campaign fills a template per person from the list's columns: the body
// variables (NewCampaign.Variables), then, in the template's order
// (conversa.Template.Inputs), its header and its button values. Each
// recipient keeps them as one flat list (CampaignRecipient.Params, body
// values first), so campaigns made before headers and buttons were
// supported read exactly as they did.

// CampaignHeader fills a template's header. Column names the list column
// with each person's value: the header's variable, or a link to their own
// image, video or document (a personal invoice, say). Link or ID gives one
// media for everyone instead.
type CampaignHeader struct {
	Column string `json:"column,omitempty"`
	Link   string `json:"link,omitempty"`
	ID     string `json:"id,omitempty"`
}

// CampaignButton names the list column with each person's value for the
// button at Index: the end of a URL button's address, or a coupon code.
type CampaignButton struct {
	Index  int    `json:"index"`
	Column string `json:"column"`
}

// source is where one flat value comes from: a list column, or a value
// the same for everyone.
type source struct {
	column, fixed string
}

// sources maps every value the template needs to where it comes from,
// refusing templates a campaign can't fill: authentication templates carry
// a one-time code for one person, and a location header has no per-person
// column.
func sources(t conversa.Template, in NewCampaign) ([]source, error) {
	if t.Category == conversa.CategoryAuthentication {
		return nil, invalid("Authentication templates carry a one-time code meant for one person, so they can't be sent in a campaign; send them one at a time (POST /api/v1/messages).",
			"Modelos de autenticação levam um código de uso único para uma pessoa, então não podem ser enviados em campanha; envie um por vez (POST /api/v1/messages).")
	}
	if len(in.Variables) != len(t.BodyVariables()) {
		return nil, conversa.Errorf(conversa.ETEMPLATEPARAMS, "The template has %d variables; map a list column to each.", len(t.BodyVariables())).
			Pt("O modelo tem %d variáveis; associe uma coluna da lista a cada uma.", len(t.BodyVariables()))
	}
	out := make([]source, 0, len(in.Variables))
	for _, col := range in.Variables {
		out = append(out, source{column: col})
	}
	inputs := t.Inputs()
	if err := checkMapping(t, inputs, in); err != nil {
		return nil, err
	}
	for _, input := range inputs {
		if input.IsHeader() {
			out = append(out, source{column: in.Header.Column, fixed: in.Header.fixed()})
			continue
		}
		for _, b := range in.Buttons {
			if b.Index == input.Index {
				out = append(out, source{column: b.Column})
			}
		}
	}
	return out, nil
}

func (h *CampaignHeader) fixed() string {
	if h.Column != "" {
		return ""
	}
	if h.Link != "" {
		return h.Link
	}
	return h.ID
}

// checkMapping: the header and every button input have exactly one
// source, and nothing is mapped that the template does not take.
func checkMapping(t conversa.Template, inputs []conversa.TemplateInput, in NewCampaign) error {
	var header *conversa.TemplateInput
	buttons := map[int]bool{}
	for i, input := range inputs {
		switch {
		case input.Kind == conversa.InputHeaderLocation:
			return invalid("Templates with a location header can't be sent in a campaign yet.",
				"Modelos com cabeçalho de localização ainda não podem ser enviados em campanha.")
		case input.IsHeader():
			header = &inputs[i]
		default:
			buttons[input.Index] = true
		}
	}
	if err := checkHeaderMapping(t, header, in.Header); err != nil {
		return err
	}
	for _, b := range in.Buttons {
		if !buttons[b.Index] || strings.TrimSpace(b.Column) == "" {
			return conversa.Errorf(conversa.ETEMPLATEPARAMS, "Button %d of the template takes no value, or it was mapped twice or without a column.", b.Index).
				Pt("O botão %d do modelo não recebe valor, ou foi associado duas vezes ou sem coluna.", b.Index)
		}
		delete(buttons, b.Index)
	}
	for idx := range buttons {
		return conversa.Errorf(conversa.ETEMPLATEPARAMS, "Button %d of the template needs a value for each person (the end of its address, or a coupon code): map a list column to it in \"buttons\".", idx).
			Pt("O botão %d do modelo precisa de um valor por pessoa (o final do endereço, ou um código de cupom): associe uma coluna da lista a ele em \"buttons\".", idx)
	}
	return nil
}

func checkHeaderMapping(t conversa.Template, header *conversa.TemplateInput, h *CampaignHeader) error {
	switch {
	case header == nil && h == nil:
		return nil
	case header == nil:
		return conversa.Errorf(conversa.ETEMPLATEPARAMS, "Template %q has no header to fill: leave \"header\" out.", t.Name).
			Pt("O modelo %q não tem cabeçalho a preencher: não envie \"header\".", t.Name)
	case h == nil || (h.Column == "" && h.Link == "" && h.ID == ""):
		if header.Kind == conversa.InputHeaderText {
			return conversa.Errorf(conversa.ETEMPLATEPARAMS, "The template's header has a variable: map a list column to it (\"header\": {\"column\": \"...\"}).").
				Pt("O cabeçalho do modelo tem uma variável: associe uma coluna da lista a ela (\"header\": {\"column\": \"...\"}).")
		}
		return conversa.Errorf(conversa.ETEMPLATEPARAMS, "The template's %s header needs a value: give one for everyone (\"header\": {\"link\": \"https://...\"}) or a list column with each person's link (\"header\": {\"column\": \"...\"}).", header.MediaKind()).
			Pt("O modelo tem cabeçalho de mídia (%s): informe uma para todos (\"header\": {\"link\": \"https://...\"}) ou uma coluna da lista com o link de cada pessoa (\"header\": {\"column\": \"...\"}).", header.MediaKind())
	case header.Kind == conversa.InputHeaderText && h.Column == "":
		return conversa.Errorf(conversa.ETEMPLATEPARAMS, "The template's header variable comes from a list column: give \"header\": {\"column\": \"...\"}.").
			Pt("A variável do cabeçalho vem de uma coluna da lista: informe \"header\": {\"column\": \"...\"}.")
	case h.Column == "":
		return conversa.MediaValue{Link: h.Link, ID: h.ID}.Check(header.MediaKind())
	}
	return nil
}

// resolve is a member's flat values.
func resolve(srcs []source, m conversa.ListMember) []string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		switch {
		case s.column == "":
			out[i] = s.fixed
		case strings.EqualFold(s.column, "name"):
			out[i] = m.Name
		default:
			out[i] = m.Variables[strings.ToLower(s.column)]
		}
	}
	return out
}

// describe is the campaign's VariableMap: each source's column, or the
// value given for everyone.
func describe(srcs []source) []string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = s.column
		if s.column == "" {
			out[i] = s.fixed
		}
	}
	return out
}

// templateValues reads a recipient's flat values back as the template's
// body, header and button values.
func templateValues(t conversa.Template, params []string) conversa.TemplateValues {
	n := min(len(t.BodyVariables()), len(params))
	v := conversa.TemplateValues{Body: params[:n]}
	rest := params[n:]
	for i, in := range t.Inputs() {
		if i >= len(rest) {
			break
		}
		value := rest[i]
		switch {
		case in.Kind == conversa.InputHeaderText:
			v.Header = &conversa.HeaderValue{Text: value}
		case in.MediaKind() != "":
			v.Header = mediaHeader(in.MediaKind(), value)
		case in.Kind == conversa.InputCouponCode:
			v.Buttons = append(v.Buttons, conversa.ButtonValue{Index: in.Index, CouponCode: value})
		default:
			v.Buttons = append(v.Buttons, conversa.ButtonValue{Index: in.Index, Text: value})
		}
	}
	return v
}

// mediaHeader: a value with a scheme is a link, anything else an uploaded
// media id.
func mediaHeader(kind, value string) *conversa.HeaderValue {
	m := &conversa.MediaValue{ID: value}
	if strings.Contains(value, "://") {
		m = &conversa.MediaValue{Link: value}
	}
	h := &conversa.HeaderValue{}
	switch kind {
	case "image":
		h.Image = m
	case "video":
		h.Video = m
	default:
		h.Document = m
	}
	return h
}
