package web

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Both catalogs have the same keys, so switching language never shows a
// raw key.
func TestCatalogsMatch(t *testing.T) {
	for k := range messagesPT {
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range messagesEN {
		if _, ok := messagesPT[k]; !ok {
			t.Errorf("pt-BR lacks %q", k)
		}
	}
}

// Every literal key a template translates exists in the catalog.
func TestTemplateKeysExist(t *testing.T) {
	re := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messagesPT[m[1]]; !ok {
				t.Errorf("%s: key %q not in the catalog", f, m[1])
			}
		}
	}
}

func TestFormatting(t *testing.T) {
	at := time.Date(2026, 3, 9, 18, 5, 0, 0, time.UTC) // 15:05 in São Paulo
	pt := localeFor(httptest.NewRequest("GET", "/", nil), nil)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", "en-GB")
	req.Header.Set("Cookie", tzCookie+"=Europe/Lisbon; "+tzPinnedCookie+"=1")
	en := localeFor(req, nil)
	tests := []struct{ got, want string }{
		{pt.Money(625 * conversa.Micro / 10000), "US$ 0,0625"},
		{en.Money(625 * conversa.Micro / 10000), "$0.0625"},
		{pt.Money(12 * conversa.Micro), "US$ 12,00"},
		{en.Money(-68 * conversa.Micro / 10000), "-$0.0068"},
		{pt.Money(12345 * conversa.Micro), "US$ 12.345,00"},
		{en.Money(12345 * conversa.Micro), "$12,345.00"},
		{pt.Money(1234567*conversa.Micro + 50*conversa.Micro/100), "US$ 1.234.567,50"},
		{en.Money(-1234567 * conversa.Micro), "-$1,234,567.00"},
		{en.Money(999 * conversa.Micro), "$999.00"},
		{pt.Money(0), "US$ 0,00"},
		{en.Money(125), "$0.000125"},                         // micro-dollars are never rounded away
		{pt.Money(1750 * conversa.Micro / 1000), "US$ 1,75"}, // 28 × 0.0625
		{pt.DateTime(at), "09/03/2026 15:05"},
		{pt.Clock(at), "15:05"},
		{en.DateTime(at), "Mar 9, 2026 6:05 PM"}, // Lisbon is UTC in March
		{en.T("users.licence_agents", 2, 5), "Agents: 2 of 5"},
		{pt.T("users.licence_agents", 2, 5), "Agentes: 2 de 5"},
		{pt.T("no.such.key"), "no.such.key"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A signed-in user who never chose a language sees their company's, and
// dates follow the company's zone unless this browser pinned another; the
// zone an older app.js set without pinning it is ignored.
func TestLocaleFollowsCompany(t *testing.T) {
	co := &conversa.Company{Locale: "en", TimeZone: "America/Manaus"}
	for _, tc := range []struct {
		cookie, accept, lang, zone string
		own                        bool
	}{
		{"", "pt-BR", langEN, "America/Manaus", false},
		{langCookie + "=pt-BR", "en", langPT, "America/Manaus", false},
		{tzCookie + "=Europe/Lisbon", "", langEN, "America/Manaus", false},
		{tzCookie + "=Europe/Lisbon; " + tzPinnedCookie + "=1", "", langEN, "Europe/Lisbon", true},
		{tzCookie + "=Local; " + tzPinnedCookie + "=1", "", langEN, "America/Manaus", false},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", tc.cookie)
		req.Header.Set("Accept-Language", tc.accept)
		l := localeFor(req, co)
		if l.Lang != tc.lang || l.zone.String() != tc.zone || l.ownZone != tc.own {
			t.Errorf("cookies %q: %s %s own=%v, want %s %s own=%v", tc.cookie, l.Lang, l.zone, l.ownZone, tc.lang, tc.zone, tc.own)
		}
	}
	// Before login (no company): the browser's language, São Paulo.
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", "en-US")
	if l := localeFor(req, nil); l.Lang != langEN || l.zone.String() != conversa.DefaultTimeZone {
		t.Errorf("anonymous: %s %s", l.Lang, l.zone)
	}
	if got := (&locale{Lang: langEN, msgs: messagesEN}).ZoneLabel("America/Manaus", time.Date(2026, 3, 9, 18, 5, 0, 0, time.UTC)); got != "America/Manaus · 2:05 PM (UTC−04:00)" {
		t.Errorf("zone label %q", got)
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{"": langPT, "en": langEN, "fr-FR,en;q=0.8": langEN,
		"pt-BR,pt;q=0.9": langPT, "de": langPT, "EN-us": langEN} {
		if got := acceptLang(h); got != want {
			t.Errorf("%q → %q, want %q", h, got, want)
		}
	}
}

// safeNext keeps redirects on this site: every spelling browsers read as
// another host ("//", a backslash, tabs and newlines they drop, encoded
// forms, schemes) falls back.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/app/inbox":                   "/app/inbox",
		"/app/inbox/5?tab=all&q=Ana":   "/app/inbox/5?tab=all&q=Ana",
		"/app/inbox?q=Ana Silva":       "/app/inbox?q=Ana Silva",
		"/app/inbox?q=%C3%A1":          "/app/inbox?q=%C3%A1",
		"/":                            "/",
		"":                             "/",
		"app/inbox":                    "/",
		"//evil.example":               "/",
		"///evil.example":              "/",
		"/\\evil.example":              "/",
		"/\\\\evil.example":            "/",
		"\\/evil.example":              "/",
		"/app\\..\\\\evil.example":     "/",
		"/\t/evil.example":             "/",
		"/\n/evil.example":             "/",
		"/\r\n/evil.example":           "/",
		"/%2F/evil.example":            "/",
		"/%2f%2fevil.example":          "/",
		"/%5Cevil.example":             "/",
		"/%5cevil.example":             "/",
		"/%09/evil.example":            "/",
		"/%zz":                         "/",
		"https://evil.example":         "/",
		"http:/evil.example":           "/",
		"javascript:alert(1)":          "/",
		"/x\u2028/evil.example":        "/",
		" /app":                        "/",
		"/\x00evil":                    "/",
		"https:%2F%2Fevil.example":     "/",
		"/app/inbox#//evil.example":    "/app/inbox#//evil.example", // a fragment never leaves the site
		"/login?next=//evil.example/x": "/login?next=//evil.example/x",
	} {
		if got := safeNext(next, "/"); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
