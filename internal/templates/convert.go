package templates

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Conversa keeps templates in Meta's component shape; these functions copy
// field by field between the domain and the Graph client's types (a JSON
// round trip would break on button examples, which Meta writes as a string
// for COPY_CODE and as a list elsewhere).

func metaCategory(c conversa.Category) string { return strings.ToUpper(string(c)) }

func toMeta(t conversa.Template) whatsapp.MessageTemplate {
	return whatsapp.MessageTemplate{Name: t.Name, Language: t.Language, Category: metaCategory(t.Category),
		ParameterFormat: t.ParameterFormat, Components: toMetaParts(t.Components)}
}

func toMetaParts(cs []conversa.TemplateComponent) []whatsapp.TemplatePart {
	out := make([]whatsapp.TemplatePart, 0, len(cs))
	for _, c := range cs {
		p := whatsapp.TemplatePart{Type: strings.ToUpper(c.Type), Format: strings.ToUpper(c.Format), Text: c.Text,
			AddSecurityRecommendation: c.AddSecurityRecommendation, CodeExpirationMinutes: c.CodeExpirationMinutes}
		if e := c.Example; e != nil {
			p.Example = &whatsapp.TemplateExample{HeaderText: e.HeaderText, HeaderHandle: e.HeaderHandle, BodyText: e.BodyText,
				HeaderTextNamedParams: toMetaNamed(e.HeaderTextNamedParams), BodyTextNamedParams: toMetaNamed(e.BodyTextNamedParams)}
		}
		for _, b := range c.Buttons {
			p.Buttons = append(p.Buttons, whatsapp.TemplateButton{Type: strings.ToUpper(b.Type), Text: b.Text, URL: b.URL,
				PhoneNumber: b.PhoneNumber, OTPType: b.OTPType, Example: whatsapp.Examples(b.Example)})
		}
		out = append(out, p)
	}
	return out
}

func toMetaNamed(ns []conversa.NamedSample) []whatsapp.NamedExample {
	var out []whatsapp.NamedExample
	for _, n := range ns {
		out = append(out, whatsapp.NamedExample{ParamName: n.ParamName, Example: n.Example})
	}
	return out
}

// fromMeta reads a listed template as Meta has it now; at stamps its
// status and category.
func fromMeta(m whatsapp.MessageTemplate, ch conversa.Channel, at time.Time) (conversa.Template, error) {
	cat, err := conversa.ParseCategory(m.Category)
	if err != nil {
		return conversa.Template{}, fmt.Errorf("template %s/%s: %w", m.Name, m.Language, err)
	}
	if m.Name == "" || m.Language == "" {
		return conversa.Template{}, errors.New("template without name or language")
	}
	t := conversa.Template{CompanyID: ch.CompanyID, ChannelID: ch.ID, MetaID: m.ID, Name: m.Name, Language: m.Language,
		Category: cat, Status: conversa.MetaTemplateStatus(m.Status), ParameterFormat: strings.ToUpper(m.ParameterFormat),
		Components: fromMetaParts(m.Components), StatusAt: at, CategoryAt: at}
	if t.Status == conversa.TemplateRejected && m.RejectedReason != "NONE" {
		t.RejectedReason = m.RejectedReason
	}
	if m.QualityScore != nil {
		t.Quality = m.QualityScore.Score
	}
	return t, nil
}

func fromMetaParts(ps []whatsapp.TemplatePart) []conversa.TemplateComponent {
	out := make([]conversa.TemplateComponent, 0, len(ps))
	for _, p := range ps {
		c := conversa.TemplateComponent{Type: p.Type, Format: p.Format, Text: p.Text,
			AddSecurityRecommendation: p.AddSecurityRecommendation, CodeExpirationMinutes: p.CodeExpirationMinutes}
		if e := p.Example; e != nil {
			c.Example = &conversa.TemplateExample{HeaderText: e.HeaderText, HeaderHandle: e.HeaderHandle, BodyText: e.BodyText,
				HeaderTextNamedParams: fromMetaNamed(e.HeaderTextNamedParams), BodyTextNamedParams: fromMetaNamed(e.BodyTextNamedParams)}
		}
		for _, b := range p.Buttons {
			c.Buttons = append(c.Buttons, conversa.TemplateButton{Type: b.Type, Text: b.Text, URL: b.URL,
				PhoneNumber: b.PhoneNumber, OTPType: b.OTPType, Example: []string(b.Example)})
		}
		out = append(out, c)
	}
	return out
}

func fromMetaNamed(ns []whatsapp.NamedExample) []conversa.NamedSample {
	var out []conversa.NamedSample
	for _, n := range ns {
		out = append(out, conversa.NamedSample{ParamName: n.ParamName, Example: n.Example})
	}
	return out
}

// graphError turns a failed Graph call into a domain error. Meta's
// definitive refusal of what the author wrote (a duplicate name, a
// language Meta lacks, a policy rule) is meta_rejected (422) with Meta's
// own explanation; token, account and network trouble keep the client's
// classification (whatsapp.ToConversa).
func graphError(err error) error {
	var e *whatsapp.Error
	if !errors.As(err, &e) || !whatsapp.Permanent(err) || whatsapp.ChannelProblem(err) || e.HTTPStatus < 400 || e.HTTPStatus >= 500 {
		return whatsapp.ToConversa(err)
	}
	why := metaSentence(e)
	return conversa.Errorf(conversa.EMETAREJECTED, "WhatsApp refused the template: %s (Meta %d)", why, e.Code).
		Pt("O WhatsApp recusou o modelo: %s (Meta %d)", why, e.Code)
}

// metaSentence is Meta's most human explanation of an error.
func metaSentence(e *whatsapp.Error) string {
	switch {
	case e.UserTitle != "" && e.UserMessage != "":
		return e.UserTitle + ": " + e.UserMessage
	case e.UserMessage != "":
		return e.UserMessage
	case e.Details != "":
		return e.Details
	}
	return e.Message
}
