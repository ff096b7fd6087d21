package web

import (
	"context"
	"encoding/csv"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/report/reporttest"
	"github.com/conversa/conversa/internal/store/storetest"
)

// reportsStack is the API with reports and the UI over the hand-computed
// report fixture (company "gamma"), with a supervisor who can log in.
func reportsStack(t *testing.T) *stack {
	st := storetest.SQLite(t)
	clock := conversa.NewShiftClock()
	st.SetClock(clock)
	f := reporttest.Seed(t, st, clock, "gamma")
	svc, err := auth.New(st, clock, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(context.Background(), nil, conversa.User{CompanyID: f.Company.ID, Email: "sup@gamma.com",
		Name: "Sueli", Role: conversa.RoleSupervisor, Active: true}, testPass); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	ui, err := New(Config{Auth: svc, Clock: clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mounts := map[string]http.Handler{}
	for _, p := range Paths {
		mounts[p] = ui
	}
	h := httpapi.New(httpapi.Config{Store: st, Auth: svc, Logger: log, Mounts: mounts, Reports: report.New(st, clock)}).Handler()
	ui.SetAPI(h)
	return &stack{t: t, h: h, clock: clock}
}

func (s *stack) getAs(path, lang string, cookie *http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(cookie)
	r.AddCookie(&http.Cookie{Name: langCookie, Value: lang})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return rec
}

func (s *stack) loginTo(domain, email string) *http.Cookie {
	s.t.Helper()
	body := `{"domain":"` + domain + `","email":"` + email + `","password":"` + testPass + `"}`
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(body)))
	for _, c := range rec.Result().Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	s.t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body)
	return nil
}

var kpiRe = regexp.MustCompile(`<span class="kpi-label">([^<]*)</span><strong class="kpi-value">([^<]*)</strong>`)

// The page renders in both languages with SVG charts and numbers in the
// language's style, and every KPI card equals its line in the exported CSV.
func TestReportsPage(t *testing.T) {
	s := reportsStack(t)
	cookie := s.loginTo("gamma", "sup@gamma.com")
	for _, tc := range []struct {
		lang  string
		comma rune
		want  []string
	}{
		{langPT, ';', []string{"Relatórios", "Conversas abertas", ">3,0<", ">66,7<", ">0,0705<", "Exportar CSV", "Ana Conceição", "02/03"}},
		{langEN, ',', []string{"Reports", "Conversations opened", ">3.0<", ">66.7<", ">0.0705<", "Export CSV", "Ana Conceição", "3/2"}},
	} {
		rec := s.getAs("/app/reports?from=2026-03-02&to=2026-03-03", tc.lang, cookie)
		body := html.UnescapeString(rec.Body.String())
		if rec.Code != 200 || strings.Count(body, "<svg") != 3 || !strings.Contains(body, "<rect") || !strings.Contains(body, "<polyline") {
			t.Fatalf("%s: %d, SVG charts missing:\n%s", tc.lang, rec.Code, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s page lacks %q", tc.lang, w)
			}
		}
		cards := kpiRe.FindAllStringSubmatch(body, -1)
		csvRec := s.getAs("/api/v1/reports/summary?from=2026-03-02&to=2026-03-03&format=csv&lang="+tc.lang, tc.lang, cookie)
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvRec.Body.String(), "\ufeff")))
		r.Comma = tc.comma
		rows, err := r.ReadAll()
		if err != nil || len(rows) != len(cards)+1 || len(cards) < 15 {
			t.Fatalf("%s: %d cards, CSV %v %v", tc.lang, len(cards), rows, err)
		}
		for i, c := range cards {
			if html.UnescapeString(c[1]) != rows[i+1][0] || c[2] != rows[i+1][1] {
				t.Errorf("%s card %q = %q, CSV row %v", tc.lang, c[1], c[2], rows[i+1])
			}
		}
	}
}

func TestReportsPageNeedsSupervisor(t *testing.T) {
	s := newStack(t)
	rec := s.getAs("/app/reports", langPT, s.login("agent@acme.com"))
	if rec.Code != http.StatusForbidden {
		t.Errorf("agent: %d", rec.Code)
	}
}
