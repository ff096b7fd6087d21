package inbox

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Outgoing is a message an agent sends: Meta's message shape without the
// recipient, plus templates by name and parameter values.
type Outgoing struct {
	Type        string                 `json:"type"`
	Text        *whatsapp.Text         `json:"text,omitempty"`
	Image       *whatsapp.Media        `json:"image,omitempty"`
	Document    *whatsapp.Media        `json:"document,omitempty"`
	Audio       *whatsapp.Media        `json:"audio,omitempty"`
	Video       *whatsapp.Media        `json:"video,omitempty"`
	Interactive *whatsapp.Interactive  `json:"interactive,omitempty"`
	Reaction    *whatsapp.Reaction     `json:"reaction,omitempty"`
	Template    *TemplateSend          `json:"template,omitempty"`
	Context     *whatsapp.ReplyContext `json:"context,omitempty"` // reply to a wamid
}

// TemplateSend names an approved template and what fills it: the body
// parameter values in order ("parameters"), and the "header" and "buttons"
// values the template asks for (conversa.Template.Inputs).
type TemplateSend struct {
	Name     string `json:"name"`
	Language string `json:"language"` // default pt_BR
	conversa.TemplateValues
}

// IsTemplate reports whether o is a template send (allowed outside the window).
func (o Outgoing) IsTemplate() bool { return o.Type == "template" }

// maxTextLen is Meta's limit for a text message body.
const maxTextLen = 4096

// composeFreeForm validates a free-form message and returns the request to
// send and the text the thread shows.
func composeFreeForm(o Outgoing) (whatsapp.Message, string, error) {
	m := whatsapp.Message{Type: o.Type, Text: o.Text, Image: o.Image, Document: o.Document, Audio: o.Audio,
		Video: o.Video, Interactive: o.Interactive, Reaction: o.Reaction, Context: o.Context}
	if o.Template != nil || contentCount(m) != 1 {
		return m, "", invalid("Send exactly one content object, named like the type (e.g. \"text\": {\"body\": ...}).",
			"Envie exatamente um objeto de conteúdo com o nome do tipo (ex.: \"text\": {\"body\": ...}).")
	}
	switch o.Type {
	case "text":
		return m, o.Text.Body, checkText(o.Text)
	case "image", "document", "audio", "video":
		media := mediaOf(m)
		if media == nil {
			break
		}
		return m, media.Caption, checkMedia(o.Type, media)
	case "interactive":
		if o.Interactive != nil && o.Interactive.Body != nil && strings.TrimSpace(o.Interactive.Body.Text) != "" {
			return m, o.Interactive.Body.Text, nil
		}
		return m, "", invalid("An interactive message needs a body text.", "Uma mensagem interativa precisa de um texto no corpo.")
	case "reaction":
		if o.Reaction != nil && o.Reaction.MessageID != "" {
			return m, o.Reaction.Emoji, nil
		}
		return m, "", invalid("A reaction needs the message_id (wamid) it reacts to.", "Uma reação precisa do message_id (wamid) da mensagem.")
	}
	return m, "", invalid("Type must be text, image, document, audio, video, interactive, reaction or template.",
		"O tipo deve ser text, image, document, audio, video, interactive, reaction ou template.")
}

func contentCount(m whatsapp.Message) int {
	n := 0
	for _, set := range []bool{m.Text != nil, m.Image != nil, m.Document != nil, m.Audio != nil, m.Video != nil,
		m.Interactive != nil, m.Reaction != nil} {
		if set {
			n++
		}
	}
	return n
}

func mediaOf(m whatsapp.Message) *whatsapp.Media {
	switch m.Type {
	case "image":
		return m.Image
	case "document":
		return m.Document
	case "audio":
		return m.Audio
	case "video":
		return m.Video
	}
	return nil
}

func checkText(t *whatsapp.Text) error {
	switch n := utf8.RuneCountInString(t.Body); {
	case strings.TrimSpace(t.Body) == "":
		return invalid("The message text is empty.", "O texto da mensagem está vazio.")
	case n > maxTextLen:
		return conversa.Errorf(conversa.EINVALID, "The text has %d characters; WhatsApp allows %d.", n, maxTextLen).
			Pt("O texto tem %d caracteres; o WhatsApp permite %d.", n, maxTextLen)
	}
	return nil
}

func checkMedia(typ string, m *whatsapp.Media) error {
	if m.ID == "" {
		u, err := url.Parse(m.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return invalid("Media needs a public http(s) \"link\" or an uploaded \"id\".",
				"A mídia precisa de um \"link\" http(s) público ou de um \"id\" enviado.")
		}
	}
	if m.Caption != "" && typ == "audio" {
		return invalid("Audio messages can't have a caption.", "Mensagens de áudio não podem ter legenda.")
	}
	return nil
}

// templateRequest fills t with v as Meta expects it: a header component
// (its text variable, media or location), the body's positional or NAMED
// text parameters, and one component per button that takes a value
// (sub_type url for URL and one-time-password buttons, copy_code for
// coupons), in the template's order.
func templateRequest(t conversa.Template, v conversa.TemplateValues) whatsapp.Message {
	v = t.Filled(v)
	tm := &whatsapp.Template{Name: t.Name, Language: whatsapp.Language{Code: t.Language}}
	inputs := t.Inputs()
	if len(inputs) > 0 && inputs[0].IsHeader() && v.Header != nil {
		tm.Components = append(tm.Components, whatsapp.TemplateComponent{Type: "header",
			Parameters: []whatsapp.Parameter{headerParam(t, inputs[0], v.Header)}})
	}
	if len(v.Body) > 0 {
		vars := t.BodyVariables()
		params := make([]whatsapp.Parameter, len(v.Body))
		for i, value := range v.Body {
			params[i] = textParam(t, vars, i, value)
		}
		tm.Components = append(tm.Components, whatsapp.TemplateComponent{Type: "body", Parameters: params})
	}
	for _, in := range inputs {
		if b, ok := v.Button(in.Index); ok && !in.IsHeader() {
			tm.Components = append(tm.Components, buttonComponent(in, b))
		}
	}
	return whatsapp.Message{Type: "template", Template: tm}
}

// textParam is the i-th value of vars: positional, or named for NAMED
// templates.
func textParam(t conversa.Template, vars []string, i int, value string) whatsapp.Parameter {
	if t.Named() && i < len(vars) {
		return whatsapp.NamedParam(vars[i], value)
	}
	return whatsapp.TextParam(value)
}

func headerParam(t conversa.Template, in conversa.TemplateInput, h *conversa.HeaderValue) whatsapp.Parameter {
	switch in.Kind {
	case conversa.InputHeaderText:
		return textParam(t, []string{in.Name}, 0, h.Text)
	case conversa.InputHeaderLocation:
		l := h.Location
		return whatsapp.Parameter{Type: "location", Location: &whatsapp.Location{Latitude: l.Latitude, Longitude: l.Longitude, Name: l.Name, Address: l.Address}}
	}
	kind := in.MediaKind()
	m := h.Media(kind)
	media := &whatsapp.Media{ID: m.ID, Link: m.Link}
	p := whatsapp.Parameter{Type: kind}
	switch kind {
	case "image":
		p.Image = media
	case "video":
		p.Video = media
	default:
		media.Filename, p.Document = m.Filename, media
	}
	return p
}

func buttonComponent(in conversa.TemplateInput, b conversa.ButtonValue) whatsapp.TemplateComponent {
	c := whatsapp.TemplateComponent{Type: "button", SubType: "url", Index: strconv.Itoa(in.Index),
		Parameters: []whatsapp.Parameter{whatsapp.TextParam(b.Text)}}
	if in.Kind == conversa.InputCouponCode {
		c.SubType, c.Parameters = "copy_code", []whatsapp.Parameter{{Type: "coupon_code", CouponCode: b.CouponCode}}
	}
	return c
}

func invalid(en, pt string) error { return conversa.Errorf(conversa.EINVALID, "%s", en).Pt("%s", pt) }
