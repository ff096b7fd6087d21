package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The company part of Settings: its name, the language new users start in
// and the time zone its days follow (reports, and the dates every screen
// shows), which admins change (PATCH /api/v1/company, audited); and, for
// the viewer, a zone pinned in this browser that overrides the company's
// (someone working from Lisbon for a team in São Paulo).
func (u *UI) routesCompanySettings(m *http.ServeMux) {
	m.HandleFunc("GET /app/settings/company", u.fragment(conversa.RoleSupervisor, "settings.html", "company", u.loadCompanyFragment))
	m.HandleFunc("GET /app/settings/zone", u.fragment(conversa.RoleSupervisor, "settings.html", "my-zone", u.loadCompanyFragment))
}

// companySettings is what the company's and the viewer's zone sections show.
type companySettings struct {
	Company apiCompany
	Zone    string // the zone this viewer's dates are in
	OwnZone bool   // pinned in this browser, not the company's
}

// zoneGroup is one <optgroup> of the zone pickers.
type zoneGroup struct {
	Key   string // its label's catalog key
	Zones []string
}

// settingsZones are offered by both pickers: every zone of Brazil (its
// America/* entries in the IANA database), then where Brazilian teams
// and their customers often are. Any other IANA name can be typed.
var settingsZones = []zoneGroup{
	{"settings.zones_brazil", []string{"America/Sao_Paulo", "America/Araguaina", "America/Bahia", "America/Belem",
		"America/Boa_Vista", "America/Campo_Grande", "America/Cuiaba", "America/Eirunepe", "America/Fortaleza",
		"America/Maceio", "America/Manaus", "America/Noronha", "America/Porto_Velho", "America/Recife",
		"America/Rio_Branco", "America/Santarem"}},
	{"settings.zones_americas", []string{"America/Argentina/Buenos_Aires", "America/Asuncion", "America/Bogota",
		"America/Chicago", "America/Denver", "America/La_Paz", "America/Lima", "America/Los_Angeles",
		"America/Mexico_City", "America/Montevideo", "America/New_York", "America/Santiago", "America/Toronto"}},
	{"settings.zones_world", []string{"Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Paris", "Europe/Berlin",
		"Africa/Luanda", "Africa/Maputo", "Asia/Tokyo", "Australia/Sydney", "UTC"}},
}

// loadCompany fills d's company part, from the API and the viewer's locale.
func (u *UI) loadCompany(r *http.Request, v *view, d *settingsData) error {
	if err := u.apiGet(r, v, "/api/v1/company", &d.Company); err != nil {
		return err
	}
	d.Zone, d.OwnZone = v.zone.String(), v.ownZone
	return nil
}

func (u *UI) loadCompanyFragment(r *http.Request, v *view) error {
	d := &settingsData{Available: true}
	v.Data = d
	return u.loadCompany(r, v, d)
}

// zonePick is one zone picker's choices and the one selected ("" none).
type zonePick struct {
	Groups   []zoneGroup
	Selected string
}

// CompanyPick is the company form's picker, on the company's zone.
func (c companySettings) CompanyPick() zonePick { return zonePick{settingsZones, c.Company.TimeZone} }

// OwnPick is the viewer's picker, on their pinned zone if any.
func (c companySettings) OwnPick() zonePick {
	if !c.OwnZone {
		return zonePick{settingsZones, ""}
	}
	return zonePick{settingsZones, c.Zone}
}

// Listed tells whether zone is one of the pickers' choices; the company
// form shows any other in its free field.
func (companySettings) Listed(zone string) bool {
	for _, g := range settingsZones {
		for _, z := range g.Zones {
			if z == zone {
				return true
			}
		}
	}
	return false
}

// ZoneLabel names a zone with its time now and UTC offset, in the user's
// convention: "America/Manaus · 14:05 (UTC−04:00)".
func (l *locale) ZoneLabel(zone string, now time.Time) string {
	loc := loadZone(zone)
	if loc == nil {
		return zone
	}
	at := &locale{Lang: l.Lang, msgs: l.msgs, zone: loc}
	_, off := now.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	return fmt.Sprintf("%s · %s (UTC%s%02d:%02d)", zone, at.Clock(now), sign, off/3600, off%3600/60)
}
