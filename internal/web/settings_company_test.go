package web

import (
	"net/http"
	"strings"
	"testing"
)

// Admins change the company's name, default language and zone on the
// settings screen; every date then follows the new zone unless this
// browser pinned another, and a user who never chose a language sees the
// company's.
func TestSettingsCompany(t *testing.T) {
	f := newInboxFixture(t)
	admin, agent := f.s.login("admin@acme.com"), f.s.login("agent@acme.com")
	page := f.page("/app/settings", langPT, admin)
	mustContain(t, page, `<form id="company-form" data-api="/api/v1/company" data-method="PATCH" data-build="company"`,
		`<input id="co-name" name="name" value="Acme Ltda" required`, `<option value="pt-BR" selected lang="pt-BR">`,
		`<optgroup label="Brasil">`, `<option value="America/Sao_Paulo" selected>America/Sao_Paulo · `, `(UTC−03:00)`,
		`<option value="America/Eirunepe">`, `<option value="other">Outro fuso (nome IANA)…</option>`,
		`<div id="co-zone-other-field" hidden>`, "America/Sao_Paulo <small>(o fuso da empresa)</small>",
		`<option value="" selected>O da empresa (America/Sao_Paulo)</option>`)

	f.s.api("PATCH", "/api/v1/company", admin, map[string]string{"name": "Acme Brasil", "locale": "en", "time_zone": "Asia/Kolkata"}, nil)
	company := f.page("/app/settings/company", langEN, admin)
	mustContain(t, company, `value="Acme Brasil"`, `<option value="en" selected lang="en">`, `<option value="other" selected>`,
		`<div id="co-zone-other-field">`, `value="Asia/Kolkata"`)
	if strings.Contains(company, "<html") {
		t.Error("the company refresh is a whole page")
	}
	mustContain(t, f.page("/app/settings/zone", langEN, admin), "Asia/Kolkata <small>(the company's zone)</small>")

	// No language cookie: the company's language, whatever the browser says.
	_, body := f.s.get("/app/settings", []*http.Cookie{admin}, "Accept-Language: pt-BR")
	mustContain(t, body, `<html lang="en">`, "Company settings")
	// A zone pinned in this browser wins over the company's.
	pinned := []*http.Cookie{admin, {Name: tzCookie, Value: "Europe/Lisbon"}, {Name: tzPinnedCookie, Value: "1"}}
	_, body = f.s.get("/app/settings/zone", pinned)
	mustContain(t, body, "Europe/Lisbon <small>(pinned by you in this browser)</small>", `<option value="Europe/Lisbon" selected>`)

	// Supervisors and agents can't change the company: agents don't get
	// the screen, the API refuses them the change.
	if rec := f.s.getAs("/app/settings/company", langPT, agent); rec.Code != http.StatusForbidden {
		t.Errorf("agent on the company fragment: %d", rec.Code)
	}
}
