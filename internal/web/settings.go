package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// Settings (PRODUCT.md §9, §13): the company's opt-out keywords (a
// customer whose whole reply is one of them stops getting marketing),
// opting a contact back in at their request, and the company's name,
// language and time zone (settings_company.go). Supervisors see it all and
// opt contacts in; only admins change the keywords and the company (the
// API's roles).
func (u *UI) routesSettings(m *http.ServeMux) {
	m.HandleFunc("GET /app/settings", u.page(conversa.RoleSupervisor, "settings.html", u.loadSettings))
	m.HandleFunc("GET /app/settings/optout", u.fragment(conversa.RoleSupervisor, "settings.html", "optout", u.loadOptOut))
	m.HandleFunc("GET /app/settings/contacts", u.fragment(conversa.RoleSupervisor, "settings.html", "optin-results", u.loadOptInSearch))
	u.routesCompanySettings(m)
}

// apiOptOut is GET /api/v1/settings/opt-out.
type apiOptOut struct {
	Keywords []string `json:"keywords"`
	Custom   bool     `json:"custom"`
	Defaults []string `json:"defaults"`
}

// optInRow is a contact found by the opt-in search.
type optInRow struct {
	apiContact
	Channel string
}

type settingsData struct {
	Available bool
	OptOut    apiOptOut
	Query     string
	Contacts  []optInRow
	companySettings
}

func (u *UI) loadSettings(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("settings.title"), "settings"
	if err := u.loadOptOut(r, v); err != nil {
		return err
	}
	d := v.Data.(*settingsData)
	if err := u.loadCompany(r, v, d); err != nil {
		return err
	}
	d.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	if d.Query == "" {
		return nil
	}
	var err error
	d.Contacts, err = u.optInSearch(r, v, d.Query)
	return err
}

func (u *UI) loadOptOut(r *http.Request, v *view) error {
	d := &settingsData{Available: true}
	v.Data = d
	err := u.apiGet(r, v, "/api/v1/settings/opt-out", &d.OptOut)
	if missing(err) {
		d.Available = false
		return nil
	}
	return err
}

func (u *UI) loadOptInSearch(r *http.Request, v *view) error {
	d := &settingsData{Available: true, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	v.Data = d
	var err error
	if d.Query != "" {
		d.Contacts, err = u.optInSearch(r, v, d.Query)
	}
	return err
}

// optInSearchLimit bounds the contacts looked up one by one.
const optInSearchLimit = 10

// optInSearch finds contacts by name or number through the conversation
// search (the API has no contact search), then reads each one's consent.
func (u *UI) optInSearch(r *http.Request, v *view, q string) ([]optInRow, error) {
	convs, err := u.conversations(r, v, "status=all&limit=50&q="+url.QueryEscape(searchTerm(q)))
	if err != nil {
		return nil, err
	}
	channels, err := u.channels(r, v)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	out := []optInRow{}
	for _, c := range convs {
		if seen[c.Contact.ID] || len(out) == optInSearchLimit {
			continue
		}
		seen[c.Contact.ID] = true
		row := optInRow{Channel: channelName(channels, c.ChannelID)}
		if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/contacts/%d", c.Contact.ID), &row.apiContact); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

func channelName(channels []apiChannel, id int64) string {
	for _, ch := range channels {
		if ch.ID == id {
			return ch.Name
		}
	}
	return ""
}

// MaxKeywordLen and MaxKeywords are the API's limits, for the form's hint.
func (*settingsData) MaxKeywordLen() int { return conversa.MaxOptOutKeywordLen }
func (*settingsData) MaxKeywords() int   { return conversa.MaxOptOutKeywords }
