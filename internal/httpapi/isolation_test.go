package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
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

	{"GET /api/v1/channel-groups/{id}", alphaGroup, nil},
	{"PATCH /api/v1/channel-groups/{id}", alphaGroup, map[string]string{"name": "Taken over"}},
	{"GET /api/v1/channel-groups/{id}/members", alphaGroup, nil},
	{"PUT /api/v1/channel-groups/{id}/members/{user_id}", alphaGroup, nil},
	{"DELETE /api/v1/channel-groups/{id}/members/{user_id}", alphaGroup, nil},
	{"GET /api/v1/channels/{id}", alphaChannel, nil},
	{"PATCH /api/v1/channels/{id}", alphaChannel, map[string]string{"name": "Taken over"}},
	{"POST /api/v1/channels/{id}/disconnect", alphaChannel, nil},
	{"GET /api/v1/channels/{id}/readiness", alphaChannel, nil},
	{"GET /api/v1/onboarding/{id}", alphaOnboarding, nil},
	{"GET /api/v1/onboarding/{id}/accounts", alphaOnboarding, nil},
	{"POST /api/v1/onboarding/{id}/signup", alphaOnboarding, map[string]string{"code": "c", "business_id": "b"}},
	{"POST /api/v1/onboarding/{id}/account", alphaOnboarding, map[string]string{"name": "Taken", "display_name": "Taken"}},
	{"POST /api/v1/onboarding/{id}/phone", alphaOnboarding, map[string]string{"cc": "55", "phone_number": "11987650000"}},
	{"POST /api/v1/onboarding/{id}/code/request", alphaOnboarding, map[string]string{"method": "SMS"}},
	{"POST /api/v1/onboarding/{id}/code/verify", alphaOnboarding, map[string]string{"code": "123456"}},
	{"POST /api/v1/onboarding/{id}/restart", alphaOnboarding, nil},
	{"POST /api/v1/onboarding/{id}/finish", alphaOnboarding, map[string]string{"pin": "123456"}},
	{"GET /api/v1/templates/{id}", alphaTemplate, nil},
	{"PUT /api/v1/templates/{id}", alphaTemplate, map[string]any{"components": templateComponents("Olá {{1}}, tudo certo?")}},
	{"DELETE /api/v1/templates/{id}", alphaTemplate, nil},
	{"POST /api/v1/templates/{id}/preview", alphaTemplate, map[string]any{"parameters": []string{"Ana"}, "to": "+5511987654321"}},
	{"POST /api/v1/channels/{id}/templates/sync", alphaChannel, nil},
	{"GET /api/v1/conversations/{id}", alphaConversation, nil},
	{"GET /api/v1/conversations/{id}/messages", alphaConversation, nil},
	{"POST /api/v1/conversations/{id}/messages", alphaConversation, map[string]any{"type": "text", "text": map[string]string{"body": "Taken over"}}},
	{"GET /api/v1/contacts/{id}", alphaContact, nil},
	{"GET /api/v1/messages/{id}/media", alphaMessage, nil},
	{"POST /api/v1/messages/{id}/retry", alphaMessage, nil},
	{"POST /api/v1/conversations/{id}/assign", alphaConversation, map[string]any{"user_id": nil}},
	{"POST /api/v1/conversations/{id}/transfer", alphaConversation, map[string]any{"group_id": 1, "note": "Taken over"}},
	{"POST /api/v1/conversations/{id}/resolve", alphaConversation, nil},
	{"POST /api/v1/conversations/{id}/reopen", alphaConversation, nil},
	{"POST /api/v1/conversations/{id}/read", alphaConversation, nil},
	{"GET /api/v1/conversations/{id}/notes", alphaConversation, nil},
	{"POST /api/v1/conversations/{id}/notes", alphaConversation, map[string]string{"body": "Taken over"}},
	{"GET /api/v1/conversations/{id}/labels", alphaConversation, nil},
	{"PUT /api/v1/conversations/{id}/labels/{label_id}", alphaConversation, nil},
	{"DELETE /api/v1/conversations/{id}/labels/{label_id}", alphaConversation, nil},
	{"DELETE /api/v1/labels/{id}", alphaLabel, nil},
	{"PUT /api/v1/canned-responses/{id}", alphaCanned, map[string]string{"shortcut": "taken", "text": "Taken over"}},
	{"DELETE /api/v1/canned-responses/{id}", alphaCanned, nil},
	{"GET /api/v1/contact-lists/{id}", alphaContactList, nil},
	{"GET /api/v1/contact-lists/{id}/members", alphaContactList, nil},
	{"GET /api/v1/campaigns/{id}", alphaCampaign, nil},
	{"POST /api/v1/campaigns/{id}/estimate", alphaCampaign, nil},
	{"POST /api/v1/campaigns/{id}/start", alphaCampaign, nil},
	{"POST /api/v1/campaigns/{id}/pause", alphaCampaign, nil},
	{"POST /api/v1/campaigns/{id}/resume", alphaCampaign, nil},
	{"POST /api/v1/campaigns/{id}/cancel", alphaCampaign, nil},
	{"GET /api/v1/campaigns/{id}/recipients", alphaCampaign, nil},
	{"POST /api/v1/conversations/{id}/media", alphaConversation, nil},
	{"POST /api/v1/contacts/{id}/opt-in", alphaContact, map[string]string{"reason": "Taken over"}},
}

func alphaAgent(e *env) int64 { return e.users["agent@alpha.com"].ID }

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, auth.Config{}, withEveryService)
		intruder := e.login("beta", "admin@beta.com")
		// A fresh step-up, so step-up routes can only refuse for tenancy.
		wantStatus(t, e.do(req{method: "POST", path: "/api/v1/auth/reauth", token: intruder, body: map[string]string{"password": pass}}), http.StatusOK)
		for _, rt := range isolationRoutes {
			method, path, _ := strings.Cut(rt.pattern, " ")
			path = strings.Replace(path, "{id}", idPath("%d", rt.target(e)), 1)
			path = strings.ReplaceAll(path, "{user_id}", idPath("%d", alphaAgent(e)))
			path = strings.ReplaceAll(path, "{label_id}", idPath("%d", alphaLabel(e)))
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
		checkAlphaChannelsUnchanged(t, e)
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
	e := newEnv(t, storetest.SQLite(t), auth.Config{}, withEveryService)
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
