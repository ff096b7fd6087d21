package web

import (
	"net/http"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// The template editor: header (text with a variable, or an image, video
// or document with the sample Meta's reviewers need), body with numbered
// or named variables and their samples, footer, and buttons (quick
// replies, links with an optional {{1}} at the end, a phone number), with
// the live WhatsApp-style preview. tpl_editor.js builds the components in
// Meta's shape; the API and Meta validate them.

type editorData struct {
	T             apiTemplate
	New           bool
	Channels      []apiChannel
	Categories    []string
	Languages     []string
	HeaderFormats []string // "" is no header
	ButtonKinds   []string // what the add buttons create
}

func (u *UI) loadTemplateEditor(r *http.Request, v *view) error {
	d := editorData{New: r.PathValue("id") == "", Categories: []string{"MARKETING", "UTILITY", "AUTHENTICATION"},
		Languages: []string{"pt_BR", "en_US", "es"}, HeaderFormats: []string{"", "TEXT", "IMAGE", "VIDEO", "DOCUMENT"},
		ButtonKinds: []string{"QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW"}}
	var err error
	if d.Channels, err = u.channels(r, v); err != nil {
		return err
	}
	if d.New {
		d.T = apiTemplate{ChannelID: channelParam(r, d.Channels), Language: conversa.DefaultTemplateLanguage, Category: "UTILITY"}
		v.Title = v.T("templates.new")
	} else {
		if err := u.apiGet(r, v, "/api/v1/templates/"+r.PathValue("id"), &d.T); err != nil {
			return err
		}
		v.Title = v.T("templates.edit", d.T.Name)
	}
	v.Nav, v.Data = "templates", d
	return nil
}

func (t apiTemplate) domain() *conversa.Template {
	return &conversa.Template{Components: t.Components, ParameterFormat: t.ParamFormat}
}

// Named is true for {{first_name}} variables, false for {{1}}.
func (t apiTemplate) Named() bool { return t.domain().Named() }

// HeaderFormat is the header's kind (TEXT, IMAGE, ...), "" without one.
func (t apiTemplate) HeaderFormat() string {
	h := t.domain().Component("HEADER")
	switch {
	case h == nil:
		return ""
	case h.Format == "":
		return "TEXT"
	}
	return strings.ToUpper(h.Format)
}

// HeaderSample is a media header's sample handle or link.
func (t apiTemplate) HeaderSample() string {
	if h := t.domain().Component("HEADER"); h != nil && h.Example != nil && len(h.Example.HeaderHandle) > 0 {
		return h.Example.HeaderHandle[0]
	}
	return ""
}

// BodySamples are the body's sample values by variable name, to fill the
// editor's sample fields again when a template is edited.
func (t apiTemplate) BodySamples() map[string]string {
	return samples(t.domain(), "BODY")
}

// HeaderSamples are the text header's, likewise.
func (t apiTemplate) HeaderSamples() map[string]string {
	return samples(t.domain(), "HEADER")
}

func samples(d *conversa.Template, part string) map[string]string {
	out := map[string]string{}
	c := d.Component(part)
	if c == nil || c.Example == nil {
		return out
	}
	named, values := c.Example.BodyTextNamedParams, []string(nil)
	if part == "HEADER" {
		named, values = c.Example.HeaderTextNamedParams, c.Example.HeaderText
	} else if len(c.Example.BodyText) > 0 {
		values = c.Example.BodyText[0]
	}
	for _, p := range named {
		out[p.ParamName] = p.Example
	}
	for i, v := range conversa.Variables(c.Text) {
		if i < len(values) {
			out[v] = values[i]
		}
	}
	return out
}

// ButtonList is the template's buttons as Meta has them, for the editor.
func (t apiTemplate) ButtonList() []conversa.TemplateButton {
	if c := t.domain().Component("BUTTONS"); c != nil {
		return c.Buttons
	}
	return []conversa.TemplateButton{}
}
