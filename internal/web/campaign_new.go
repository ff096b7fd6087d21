package web

import (
	"net/http"
	"slices"
	"sort"

	"github.com/conversa/conversa/internal/conversa"
)

// The new-campaign wizard. Step 1 uploads a CSV (app.js posts it to
// /api/v1/contact-lists); step 2, /app/campaigns/new?list=ID, shows the
// import report and sets the campaign up: channel, approved template, a
// list column per template variable with the first recipient's message
// previewed by the API, and the schedule. Creating it (POST
// /api/v1/campaigns) leads to the campaign's page, which shows the
// estimate and the start button.
func (u *UI) routesCampaignWizard(m *http.ServeMux) {
	m.HandleFunc("GET /app/campaigns/new", u.page(conversa.RoleSupervisor, "campaign_new.html", u.loadWizard))
	m.HandleFunc("GET /app/campaigns/new/setup", u.fragment(conversa.RoleSupervisor, "campaign_new.html", "campaign-template", u.loadWizard))
	m.HandleFunc("POST /app/campaigns/new/preview", u.fragment(conversa.RoleSupervisor, "campaign_new.html", "campaign-preview", u.loadWizard))
}

// wizardData is the wizard's state, rebuilt from the form on every
// refresh (the page keeps nothing on the server).
type wizardData struct {
	List     *conversa.ContactList
	Rejected []reasonCount // rejected rows by reason, for the summary
	First    *conversa.ListMember
	Columns  []string // what a variable can be filled from: "name" and the list's columns
	Channels []apiChannel
	Picker   *pickerData // the channel's approved templates and the chosen one
	Mapping  []string    // the column for each variable of the chosen template
	Preview  *apiPreview
	Err      string // the API's reason the first message can't be previewed
}

type reasonCount struct {
	Reason string
	N      int
}

// Column is the column mapped to variable i.
func (d wizardData) Column(i int) string {
	if i < len(d.Mapping) {
		return d.Mapping[i]
	}
	return ""
}

func (u *UI) loadWizard(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("campaigns.new"), "campaigns"
	d := &wizardData{}
	v.Data = d
	if err := r.ParseForm(); err != nil {
		return err
	}
	listID := r.Form.Get("list")
	if listID == "" {
		return nil // step 1: the upload form
	}
	if err := u.loadContactList(r, v, d, listID); err != nil {
		return err
	}
	var err error
	if d.Channels, err = u.connected(r, v); err != nil {
		return err
	}
	if d.Picker, err = u.picker(r, v, channelParam(r, d.Channels), ""); err != nil {
		return err
	}
	d.Picker.Selected = findTemplate(d.Picker.Templates, formInt(r, "template"))
	if d.Picker.Selected == nil && len(d.Picker.Templates) > 0 {
		d.Picker.Selected = &d.Picker.Templates[0]
	}
	d.Mapping = mapping(r.Form["var"], d.Picker.Selected, d.Columns)
	if r.Method == http.MethodPost {
		u.previewFirst(r, v, d)
	}
	return nil
}

// loadContactList reads the imported list, its rejected rows and its first member.
func (u *UI) loadContactList(r *http.Request, v *view, d *wizardData, id string) error {
	d.List = &conversa.ContactList{}
	if err := u.apiGet(r, v, "/api/v1/contact-lists/"+id, d.List); err != nil {
		return err
	}
	var head struct{ Data []conversa.ListMember }
	if err := u.apiGet(r, v, "/api/v1/contact-lists/"+id+"/members?limit=1", &head); err != nil {
		return err
	}
	if len(head.Data) > 0 {
		d.First = &head.Data[0]
	}
	d.Columns = append([]string{"name"}, d.List.Columns...)
	d.Rejected = countReasons(d.List.Rejected)
	return nil
}

func countReasons(rows []conversa.RejectedRow) []reasonCount {
	by := map[string]int{}
	for _, r := range rows {
		by[r.Reason]++
	}
	out := make([]reasonCount, 0, len(by))
	for reason, n := range by {
		out = append(out, reasonCount{reason, n})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Reason < out[j].Reason
	})
	return out
}

// mapping keeps the columns chosen so far and guesses the rest: a column
// named like the variable, else the columns in CSV order after the name
// (a CSV written for the template usually lists its values in order).
func mapping(chosen []string, t *apiTemplate, columns []string) []string {
	if t == nil {
		return nil
	}
	vars := t.Variables()
	out := make([]string, len(vars))
	for i, name := range vars {
		switch {
		case i < len(chosen) && slices.Contains(columns, chosen[i]):
			out[i] = chosen[i]
		case slices.Contains(columns, name):
			out[i] = name
		case i < len(columns):
			out[i] = columns[i]
		}
	}
	return out
}

// previewFirst asks the API to render and price the template for the
// list's first member, as the campaign would send it.
func (u *UI) previewFirst(r *http.Request, v *view, d *wizardData) {
	t := d.Picker.Selected
	if t == nil || d.First == nil {
		return
	}
	params := make([]string, len(d.Mapping))
	for i, col := range d.Mapping {
		params[i] = d.First.Value(col)
	}
	body := map[string]any{"channel_id": d.Picker.ChannelID, "to": d.First.Phone, "type": "template",
		"template": map[string]any{"name": t.Name, "language": t.Language, "parameters": params}}
	var p apiPreview
	if err := u.apiPost(r, v, "/api/v1/messages/preview", body, &p); err != nil {
		d.Err = u.previewError(v, err)
		return
	}
	d.Preview = &p
}

type hourOption struct {
	Minutes int
	Label   string
}

// Hours are the choices of the sending-hours selects: every full hour,
// sent to the API as minutes after midnight.
func (d wizardData) Hours() []hourOption {
	out := make([]hourOption, 24)
	for h := range out {
		out[h] = hourOption{h * 60, hourLabel(h * 60)}
	}
	return out
}
