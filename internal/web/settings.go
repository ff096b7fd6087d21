package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Settings (PRODUCT.md §9, §13): the company's opt-out keywords (a
// customer whose whole reply is one of them stops getting marketing),
// opting a contact back in at their request, and the language and time
// zone dates are shown in. Supervisors see the keywords and opt contacts
// in; only admins change the keywords (the API's roles).
func (u *UI) routesSettings(m *http.ServeMux) {
	m.HandleFunc("GET /app/settings", u.page(conversa.RoleSupervisor, "settings.html", u.loadSettings))
	m.HandleFunc("GET /app/settings/optout", u.fragment(conversa.RoleSupervisor, "settings.html", "optout", u.loadOptOut))
	m.HandleFunc("GET /app/settings/contacts", u.fragment(conversa.RoleSupervisor, "settings.html", "optin-results", u.loadOptInSearch))
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
	Locale    string // the company's default language
	Zone      string // the zone dates are shown in
	Pinned    bool   // chosen here, not the browser's
	Zones     []string
}

// settingsZones are offered when pinning a zone: Brazil's, then a few
// where Brazilian teams often work from.
var settingsZones = []string{"America/Sao_Paulo", "America/Bahia", "America/Fortaleza", "America/Recife", "America/Belem",
	"America/Manaus", "America/Cuiaba", "America/Campo_Grande", "America/Porto_Velho", "America/Boa_Vista",
	"America/Rio_Branco", "America/Noronha", "America/New_York", "Europe/Lisbon", "UTC"}

func (u *UI) loadSettings(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("settings.title"), "settings"
	if err := u.loadOptOut(r, v); err != nil {
		return err
	}
	d := v.Data.(*settingsData)
	var company struct {
		Locale string `json:"locale"`
	}
	if err := u.apiGet(r, v, "/api/v1/company", &company); err != nil {
		return err
	}
	d.Locale, d.Zone, d.Zones = company.Locale, v.zone.String(), settingsZones
	_, noPin := r.Cookie(tzPinnedCookie)
	d.Pinned = noPin == nil
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

// ZoneNow is the time now in zone, for the zone picker's options.
func (d *settingsData) ZoneNow(zone string, now time.Time) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return ""
	}
	return now.In(loc).Format("15:04")
}

// MaxKeywordLen and MaxKeywords are the API's limits, for the form's hint.
func (*settingsData) MaxKeywordLen() int { return conversa.MaxOptOutKeywordLen }
func (*settingsData) MaxKeywords() int   { return conversa.MaxOptOutKeywords }
