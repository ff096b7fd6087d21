package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Message templates (PRODUCT.md §4): a list per channel with Meta's review
// status, and an editor with a live WhatsApp-style preview. Submitting and
// resubmitting are API calls; review results arrive live.
func (u *UI) routesTemplates(m *http.ServeMux) {
	m.HandleFunc("GET /app/templates", u.page(conversa.RoleSupervisor, "templates.html", u.loadTemplates))
	m.HandleFunc("GET /app/templates/list", u.fragment(conversa.RoleSupervisor, "templates.html", "templates-list", u.loadTemplates))
	m.HandleFunc("GET /app/templates/new", u.page(conversa.RoleSupervisor, "template_edit.html", u.loadTemplateEditor))
	m.HandleFunc("GET /app/templates/{id}/edit", u.page(conversa.RoleSupervisor, "template_edit.html", u.loadTemplateEditor))
}

type apiTemplate struct {
	ID             int64                        `json:"id"`
	ChannelID      int64                        `json:"channel_id"`
	Name           string                       `json:"name"`
	Language       string                       `json:"language"`
	Category       string                       `json:"category"`
	Status         string                       `json:"status"`
	RejectedReason string                       `json:"rejected_reason"`
	StatusInfo     string                       `json:"status_info"`
	Components     []conversa.TemplateComponent `json:"components"`
	Inputs         []conversa.TemplateInput     `json:"inputs"` // header and button values a send fills
	UpdatedAt      time.Time                    `json:"updated_at"`
	ParamFormat    string                       `json:"parameter_format"`
}

// Part returns the text of a component (HEADER, BODY, FOOTER).
func (t apiTemplate) Part(typ string) string {
	d := conversa.Template{Components: t.Components}
	if c := d.Component(typ); c != nil {
		return c.Text
	}
	return ""
}

// Variables are the body's variables in order, for the send forms.
func (t apiTemplate) Variables() []string { return conversa.Variables(t.Part("BODY")) }

// Editable is true when Meta lets the template be edited and resubmitted.
func (t apiTemplate) Editable() bool {
	switch t.Status {
	case "REJECTED", "APPROVED", "PAUSED":
		return true
	}
	return false
}

type templatesData struct {
	Available bool
	Channels  []apiChannel
	ChannelID int64
	Templates []apiTemplate
}

// channelParam picks the channel from ?channel_id=, else the first one.
func channelParam(r *http.Request, chans []apiChannel) int64 {
	if id, err := strconv.ParseInt(r.URL.Query().Get("channel_id"), 10, 64); err == nil {
		return id
	}
	if len(chans) > 0 {
		return chans[0].ID
	}
	return 0
}

func (u *UI) loadTemplates(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("templates.title"), "templates"
	d := templatesData{Available: true}
	v.Data = &d
	var err error
	if d.Channels, err = u.channels(r, v); err != nil {
		return err
	}
	if d.ChannelID = channelParam(r, d.Channels); d.ChannelID == 0 {
		return nil
	}
	d.Templates, err = u.templates(r, v, d.ChannelID)
	if missing(err) {
		d.Available = false
		return nil
	}
	return err
}

func (u *UI) templates(r *http.Request, v *view, channelID int64) ([]apiTemplate, error) {
	var list struct{ Data []apiTemplate }
	err := u.apiGet(r, v, fmt.Sprintf("/api/v1/templates?channel_id=%d", channelID), &list)
	return list.Data, err
}
