package httpapi_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/report/reporttest"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

const period = "from=2026-03-02&to=2026-03-03"

// reportsEnv is the API with reports over the hand-computed fixture in
// company "gamma", whose supervisor's token it returns.
func reportsEnv(t *testing.T, st *store.Store) (*env, reporttest.Fixture, string) {
	e := newEnv(t, st, auth.Config{}, func(e *env, c *httpapi.Config) { c.Reports = report.New(e.st, e.clock) })
	f := reporttest.Seed(t, st, e.clock, "gamma")
	e.user(f.Company, "sup@gamma.com", conversa.RoleSupervisor)
	e.user(f.Company, "agent@gamma.com", conversa.RoleAgent)
	return e, f, e.login("gamma", "sup@gamma.com")
}

func TestReportsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e, f, tok := reportsEnv(t, st)
		rec := e.do(req{method: "GET", path: "/api/v1/reports/summary?" + period, token: tok})
		wantStatus(t, rec, http.StatusOK)
		sum := decode[report.Summary](t, rec)
		if sum.Opened != 4 || sum.MessagesIn != 5 || sum.Spend.Expected.USD != "0.0705" || *sum.FirstResponse.MedianMS != 180000 ||
			sum.Period.TimeZone != "America/Sao_Paulo" {
			t.Errorf("summary = %+v", sum)
		}
		rec = e.do(req{method: "GET", path: "/api/v1/reports/agents?" + period + "&channel_id=" + idPath("%d", f.Ch1.ID), token: tok})
		wantStatus(t, rec, http.StatusOK)
		if a := decode[struct{ Agents []report.AgentRow }](t, rec).Agents; len(a) != 3 || a[0].Name != "Ana Conceição" {
			t.Errorf("agents = %+v", a)
		}
		rec = e.do(req{method: "GET", path: "/api/v1/reports/templates?" + period, token: tok})
		if tp := decode[struct{ Templates []report.TemplateRow }](t, rec).Templates; len(tp) != 2 {
			t.Errorf("templates = %+v", tp)
		}
		wantError(t, e.do(req{method: "GET", path: "/api/v1/reports/summary?channel_id=x", token: tok}), http.StatusBadRequest, conversa.EINVALID)
		wantError(t, e.do(req{method: "GET", path: "/api/v1/reports/summary?from=2026-03-05&to=2026-03-01", token: tok}),
			http.StatusBadRequest, conversa.EINVALID)
		agent := e.login("gamma", "agent@gamma.com")
		wantError(t, e.do(req{method: "GET", path: "/api/v1/reports/daily", token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		// Another company's supervisor sees only its own (empty) numbers,
		// even naming gamma's channel.
		e.user(e.alpha, "sup2@alpha.com", conversa.RoleSupervisor)
		other := e.login("alpha", "sup2@alpha.com")
		rec = e.do(req{method: "GET", path: "/api/v1/reports/summary?" + period + "&channel_id=" + idPath("%d", f.Ch1.ID), token: other})
		if s := decode[report.Summary](t, rec); s.Opened != 0 || s.MessagesIn != 0 || s.Spend.Expected.Micros != 0 || s.OptOuts != 0 {
			t.Errorf("alpha sees %+v", s)
		}
	})
}

// Every report's CSV carries the same numbers as its JSON, in both
// number styles.
func TestReportsCSVMatchesJSON(t *testing.T) {
	st := storetest.SQLite(t)
	e, _, tok := reportsEnv(t, st)
	rec := e.do(req{method: "GET", path: "/api/v1/reports/daily?" + period, token: tok})
	daily := decode[report.Daily](t, rec)

	rec = e.do(req{method: "GET", path: "/api/v1/reports/daily?" + period + "&format=csv", token: tok,
		header: map[string]string{"Accept-Language": "pt-BR"}})
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "conversa-daily-2026-03-02-2026-03-03.csv") {
		t.Errorf("headers = %v", rec.Header())
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeffData;Conversas abertas;") {
		t.Fatalf("pt-BR CSV starts %q", body[:min(60, len(body))])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows = %v, %v", rows, err)
	}
	for i, d := range daily.Days {
		row := rows[i+1]
		want := []string{d.Date, itoa(d.Opened), itoa(d.Resolved), itoa(d.MessagesIn), itoa(d.MessagesOut)}
		if strings.Join(row[:5], "|") != strings.Join(want, "|") || row[10] != strings.Replace(d.Spend.Expected.USD, ".", ",", 1) {
			t.Errorf("CSV row %v, JSON day %+v", row, d)
		}
	}
	rec = e.do(req{method: "GET", path: "/api/v1/reports/summary?" + period + "&lang=en&decimal=point", token: tok,
		header: map[string]string{"Accept": "text/csv"}})
	if b := rec.Body.String(); !strings.Contains(b, "Expected spend (USD),0.0705\r\n") || !strings.Contains(b, "\"First response, p90 (min)\",10.0\r\n") {
		t.Errorf("en CSV:\n%s", b)
	}
}

func itoa(n int64) string { return idPath("%d", n) }
