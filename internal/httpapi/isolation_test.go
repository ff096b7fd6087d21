package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store/storetest"
)

// isolationRoutes lists every API route that takes an id. For each, company
// beta's admin aims at a resource of company alpha and must get 404
// not_found (never 403, which would confirm the id exists), and alpha's
// data must be unchanged. Later issues append their routes here;
// TestIsolationTableCoversEveryIDRoute fails until they do.
var isolationRoutes = []struct {
	pattern string             // as registered
	target  func(e *env) int64 // an alpha resource id
	body    any                // a valid body, so only the tenant check can refuse
}{
	{"GET /api/v1/users/{id}", alphaAgent, nil},
	{"PATCH /api/v1/users/{id}", alphaAgent, map[string]any{"name": "Taken over", "active": false}},
	{"POST /api/v1/users/{id}/password", alphaAgent, map[string]string{"password": "taken-over-1"}},
}

func alphaAgent(e *env) int64 { return e.users["agent@alpha.com"].ID }

func TestTenantIsolation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		intruder := e.login("beta", "admin@beta.com")
		// A fresh step-up, so step-up routes can only refuse for tenancy.
		wantStatus(t, e.do(req{method: "POST", path: "/api/v1/auth/reauth", token: intruder, body: map[string]string{"password": pass}}), http.StatusOK)
		for _, rt := range isolationRoutes {
			method, path, _ := strings.Cut(rt.pattern, " ")
			path = strings.Replace(path, "{id}", idPath("%d", rt.target(e)), 1)
			t.Run(rt.pattern, func(t *testing.T) {
				rec := e.do(req{method: method, path: path, token: intruder, body: rt.body})
				wantError(t, rec, http.StatusNotFound, conversa.ENOTFOUND)
			})
		}
		// Nothing of alpha's changed: the agent still logs in with its password
		// and keeps its name.
		agent := e.login("alpha", "agent@alpha.com")
		rec := e.do(req{method: "GET", path: idPath("/api/v1/users/%d", alphaAgent(e)), token: agent})
		if u := decode[struct {
			Name   string
			Active bool
		}](t, rec); u.Name != "agent@alpha.com" || !u.Active {
			t.Fatalf("alpha's agent changed: %s", rec.Body)
		}
		// The lists are per company too.
		rec = e.do(req{method: "GET", path: "/api/v1/users", token: intruder})
		if body := rec.Body.String(); strings.Contains(body, "alpha.com") {
			t.Fatalf("beta lists alpha's users: %s", body)
		}
		rec = e.do(req{method: "GET", path: "/api/v1/audit", token: intruder})
		if body := rec.Body.String(); strings.Contains(body, idPath("user:%d", alphaAgent(e))) {
			t.Fatalf("beta sees alpha's audit log: %s", body)
		}
	})
}

// Every route with an {id} must be in isolationRoutes.
func TestIsolationTableCoversEveryIDRoute(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), auth.Config{})
	listed := map[string]bool{}
	for _, rt := range isolationRoutes {
		listed[rt.pattern] = true
	}
	for _, p := range e.srv.Routes() {
		if strings.Contains(p, "{") && !listed[p] {
			t.Errorf("route %q takes an id but is not in isolationRoutes", p)
		}
	}
}
