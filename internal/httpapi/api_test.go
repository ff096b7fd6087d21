package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store/storetest"
)

func TestHealthAndReadiness(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st, auth.Config{})
	wantStatus(t, e.do(req{method: "GET", path: "/healthz"}), http.StatusOK)
	wantStatus(t, e.do(req{method: "GET", path: "/readyz"}), http.StatusOK)
	wantError(t, e.do(req{method: "GET", path: "/api/v1/nothing"}), http.StatusNotFound, conversa.ENOTFOUND)
	if rec := e.do(req{method: "GET", path: "/metrics"}); rec.Code != 200 || !strings.Contains(rec.Body.String(), "conversa_http_requests_total") {
		t.Fatalf("metrics: %d", rec.Code)
	}
	st.Close()
	wantError(t, e.do(req{method: "GET", path: "/readyz"}), http.StatusServiceUnavailable, conversa.EUNAVAILABLE)
	wantStatus(t, e.do(req{method: "GET", path: "/healthz"}), http.StatusOK)
}

func TestCompanyAndLicence(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.login("alpha", "admin@alpha.com")
		rec := e.do(req{method: "GET", path: "/api/v1/company", token: admin})
		wantStatus(t, rec, http.StatusOK)
		c := decode[struct {
			Domain  string
			Licence map[string]struct{ Used, Max int }
		}](t, rec)
		if c.Domain != "alpha" || c.Licence["agents"].Used != 1 || c.Licence["agents"].Max != 1 || c.Licence["channels"].Max != 1 {
			t.Fatalf("company %s", rec.Body)
		}
		newAgent := req{method: "POST", path: "/api/v1/users", token: admin,
			body: map[string]any{"email": "agent2@alpha.com", "name": "Agent 2", "role": "agent", "password": pass}}
		newAgent.header = map[string]string{"Accept-Language": "pt-BR,pt;q=0.9"}
		pt := wantError(t, e.do(newAgent), http.StatusUnprocessableEntity, conversa.ELICENCE)
		newAgent.header = map[string]string{"Accept-Language": "en-US"}
		en := wantError(t, e.do(newAgent), http.StatusUnprocessableEntity, conversa.ELICENCE)
		if !strings.Contains(pt.Error.Message, "licença") || !strings.Contains(en.Error.Message, "licence") {
			t.Fatalf("messages pt %q en %q", pt.Error.Message, en.Error.Message)
		}
		// A supervisor takes no agent seat.
		rec = e.do(req{method: "POST", path: "/api/v1/users", token: admin,
			body: map[string]any{"email": "sup2@alpha.com", "name": "Sup 2", "role": "supervisor", "password": pass}})
		wantStatus(t, rec, http.StatusCreated)
		sup2 := decode[struct {
			ID     int64
			Role   string
			Active bool
		}](t, rec)
		if sup2.Role != "supervisor" || !sup2.Active {
			t.Fatalf("created %s", rec.Body)
		}
		// Promoting it to agent would take a second seat.
		wantError(t, e.do(req{method: "PATCH", path: idPath("/api/v1/users/%d", sup2.ID), token: admin, body: map[string]any{"role": "agent"}}),
			http.StatusUnprocessableEntity, conversa.ELICENCE)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/users", token: admin,
			body: map[string]any{"email": "sup2@alpha.com", "name": "Dup", "role": "supervisor", "password": pass}}),
			http.StatusConflict, conversa.ECONFLICT)
	})
}

func TestLocalizedErrors(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), auth.Config{})
	tests := []struct{ lang, want string }{
		{"pt-BR,pt;q=0.9,en;q=0.8", "Domínio, e-mail ou senha incorretos."},
		{"en-US,en;q=0.9", "Wrong domain, e-mail or password."},
		{"", "Wrong domain, e-mail or password."},
		{"es-ES,pt-BR;q=0.9,en;q=0.5", "Domínio, e-mail ou senha incorretos."}, // the preference, not the first tag
		{"fr-FR,en;q=0.8,pt;q=0.5", "Wrong domain, e-mail or password."},
	}
	for _, tt := range tests {
		rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", "x@alpha.com", "wrong-pass"),
			header: map[string]string{"Accept-Language": tt.lang}})
		if got := wantError(t, rec, http.StatusUnauthorized, conversa.EUNAUTHORIZED); got.Error.Message != tt.want {
			t.Errorf("%q: message %q, want %q", tt.lang, got.Error.Message, tt.want)
		}
	}
}

func TestMalformedBodies(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), auth.Config{})
	tests := []struct{ name, body, wantIn string }{
		{"empty", "", "empty"},
		{"truncated", `{"domain":`, "not valid JSON"},
		{"syntax", `{domain}`, "not valid JSON"},
		{"array", `[]`, "JSON object"},
		{"wrong type", `{"domain":1,"email":"a@b.c","password":"x"}`, `"domain"`},
		{"unknown field", `{"domain":"a","email":"a@b.c","password":"x","admin":true}`, `"admin"`},
		{"two objects", `{"domain":"a","email":"a@b.c","password":"x"}{}`, "single JSON object"},
		{"missing field", `{"domain":"alpha","email":"admin@alpha.com"}`, `"password"`},
		{"too large", `{"domain":"` + strings.Repeat("a", 1<<20) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: tt.body})
			got := wantError(t, rec, http.StatusBadRequest, conversa.EINVALID)
			if !strings.Contains(got.Error.Message, tt.wantIn) {
				t.Fatalf("message %q lacks %q", got.Error.Message, tt.wantIn)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tokens := map[conversa.Role]string{
			conversa.RoleAdmin:      e.login("alpha", "admin@alpha.com"),
			conversa.RoleSupervisor: e.login("alpha", "sup@alpha.com"),
			conversa.RoleAgent:      e.login("alpha", "agent@alpha.com"),
		}
		agentID := e.users["agent@alpha.com"].ID
		adminID := e.users["admin@alpha.com"].ID
		tests := []struct {
			method, path string
			body         any
			allowed      map[conversa.Role]int // role -> status; missing roles get 403
		}{
			{"GET", "/api/v1/users", nil, map[conversa.Role]int{conversa.RoleAdmin: 200, conversa.RoleSupervisor: 200}},
			{"GET", idPath("/api/v1/users/%d", agentID), nil, map[conversa.Role]int{conversa.RoleAdmin: 200, conversa.RoleSupervisor: 200, conversa.RoleAgent: 200}},
			{"GET", "/api/v1/audit", nil, map[conversa.Role]int{conversa.RoleAdmin: 200}},
			{"GET", "/api/v1/company", nil, map[conversa.Role]int{conversa.RoleAdmin: 200, conversa.RoleSupervisor: 200, conversa.RoleAgent: 200}},
			{"PATCH", idPath("/api/v1/users/%d", agentID), map[string]any{"name": "Renamed"}, map[conversa.Role]int{conversa.RoleAdmin: 200}},
			{"POST", "/api/v1/users", map[string]any{"email": "new@alpha.com", "name": "New", "role": "supervisor", "password": pass},
				map[conversa.Role]int{conversa.RoleAdmin: 201}},
		}
		for _, tt := range tests {
			for role, token := range tokens {
				want, ok := tt.allowed[role]
				rec := e.do(req{method: tt.method, path: tt.path, token: token, body: tt.body})
				if !ok {
					wantError(t, rec, http.StatusForbidden, conversa.EFORBIDDEN)
					continue
				}
				if rec.Code != want {
					t.Errorf("%s %s as %s: %d %s, want %d", tt.method, tt.path, role, rec.Code, rec.Body, want)
				}
			}
		}
		// An agent sees only itself; colleagues are "not found".
		wantError(t, e.do(req{method: "GET", path: idPath("/api/v1/users/%d", adminID), token: tokens[conversa.RoleAgent]}),
			http.StatusNotFound, conversa.ENOTFOUND)
		// The admin's actions are in the audit log, newest first.
		rec := e.do(req{method: "GET", path: "/api/v1/audit?limit=2", token: tokens[conversa.RoleAdmin]})
		wantStatus(t, rec, http.StatusOK)
		log := decode[struct {
			Data []struct {
				Action, Target string
				ActorID        *int64 `json:"actor_id"`
			}
			NextBefore *int64 `json:"next_before"`
		}](t, rec)
		if len(log.Data) != 2 || log.Data[0].Action != "user.create" || log.Data[1].Action != "user.update" ||
			log.Data[0].ActorID == nil || *log.Data[0].ActorID != adminID || log.NextBefore == nil {
			t.Fatalf("audit %s", rec.Body)
		}
		wantError(t, e.do(req{method: "GET", path: "/api/v1/audit?limit=0", token: tokens[conversa.RoleAdmin]}), http.StatusBadRequest, conversa.EINVALID)
	})
}

func TestCrossOriginRequestsRefused(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), auth.Config{})
	body := loginBody("alpha", "admin@alpha.com", pass)
	wantError(t, e.do(req{method: "POST", path: "/api/v1/auth/login", body: body,
		header: map[string]string{"Sec-Fetch-Site": "cross-site"}}), http.StatusForbidden, conversa.EFORBIDDEN)
	wantError(t, e.do(req{method: "POST", path: "/api/v1/auth/login", body: body,
		header: map[string]string{"Origin": "https://evil.example"}}), http.StatusForbidden, conversa.EFORBIDDEN)
	wantStatus(t, e.do(req{method: "POST", path: "/api/v1/auth/login", body: body,
		header: map[string]string{"Sec-Fetch-Site": "same-origin"}}), http.StatusOK)
}

// An admin changes the company's name, language and time zone (audited);
// a bad zone or language is refused and changes nothing; agents may not.
func TestCompanySettings(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin, agent := e.login("alpha", "admin@alpha.com"), e.login("alpha", "agent@alpha.com")
		got := decode[struct {
			Name     string `json:"name"`
			Locale   string `json:"locale"`
			TimeZone string `json:"time_zone"`
		}](t, e.do(req{method: "GET", path: "/api/v1/company", token: agent}))
		if got.Locale != "pt-BR" || got.TimeZone != "America/Sao_Paulo" {
			t.Fatalf("defaults: %+v", got)
		}
		wantError(t, e.do(req{method: "PATCH", path: "/api/v1/company", token: agent, body: map[string]string{"time_zone": "UTC"}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		for _, bad := range []map[string]string{{"time_zone": "Mars/Olympus"}, {"time_zone": "Local"}, {"time_zone": ""}, {"locale": "es"}, {"name": " "}} {
			wantError(t, e.do(req{method: "PATCH", path: "/api/v1/company", token: admin, body: bad}), http.StatusBadRequest, conversa.EINVALID)
		}
		rec := e.do(req{method: "PATCH", path: "/api/v1/company", token: admin,
			body: map[string]string{"name": "Alpha Ltda", "locale": "en", "time_zone": "America/Manaus"}})
		wantStatus(t, rec, http.StatusOK)
		c, err := e.st.Company(ctx, e.alpha.ID)
		if err != nil || c.Name != "Alpha Ltda" || c.Locale != "en" || c.TimeZone != "America/Manaus" {
			t.Fatalf("stored: %+v, %v", c, err)
		}
		if tz, _ := e.st.CompanyTimeZone(ctx, e.alpha.ID); tz != "America/Manaus" {
			t.Fatalf("reports' zone = %q", tz)
		}
		if log := e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).Body.String(); !strings.Contains(log, "company.update") {
			t.Fatalf("not audited: %s", log)
		}
	})
}
