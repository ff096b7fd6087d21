package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
)

type optOutSetting struct {
	Keywords []string
	Custom   bool
	Defaults []string
}

// Opt-out keywords are the company's: admins set them (validated), the
// customer's reply through the simulator opts out by them and no longer by
// the defaults, a supervisor opts the contact back in, everything lands in
// the audit log, and going back to the defaults works.
func TestOptOutKeywordsAndOptIn(t *testing.T) {
	eachLive(t, func(t *testing.T, e *liveEnv) {
		admin, sup, agent := e.login("alpha", "admin@alpha.com"), e.login("alpha", "sup@alpha.com"), e.login("alpha", "agent@alpha.com")
		const settings = "/api/v1/settings/opt-out"
		rec := e.do(req{method: "GET", path: settings, token: sup})
		wantStatus(t, rec, http.StatusOK)
		if s := decode[optOutSetting](t, rec); s.Custom || !slices.Equal(s.Keywords, conversa.DefaultOptOutKeywords) || !slices.Equal(s.Defaults, s.Keywords) {
			t.Fatalf("a new company's setting: %s", rec.Body)
		}
		wantError(t, e.do(req{method: "GET", path: settings, token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		put := func(tok string, body any) req { return req{method: "PUT", path: settings, token: tok, body: body} }
		wantError(t, e.do(put(sup, map[string]any{"keywords": []string{"Basta"}})), http.StatusForbidden, conversa.EFORBIDDEN)
		for _, bad := range []any{map[string]any{}, map[string]any{"keywords": []string{}}, map[string]any{"keywords": []string{"PARAR", "?!"}},
			map[string]any{"keywords": []string{strings.Repeat("x", 41)}}, map[string]any{"keywords": "Basta"}} {
			wantError(t, e.do(put(admin, bad)), http.StatusBadRequest, conversa.EINVALID)
		}
		rec = e.do(put(admin, map[string]any{"keywords": []string{" Basta ", "BASTA", "Chega!"}}))
		wantStatus(t, rec, http.StatusOK)
		if s := decode[optOutSetting](t, rec); !s.Custom || !slices.Equal(s.Keywords, []string{"Basta", "Chega!"}) {
			t.Fatalf("after PUT: %s", rec.Body)
		}

		conv := e.customerSays(ana, "Ana", metasim.CustomerMessage{Text: "PARAR"})
		if ct := e.contact(conv.ContactID); ct.OptedOut != nil {
			t.Fatal("a default keyword still opts out after the company set its own")
		}
		e.customerSays(ana, "", metasim.CustomerMessage{Text: "chega"})
		if ct := e.contact(conv.ContactID); ct.OptedOut == nil {
			t.Fatal("the company's keyword did not opt the customer out")
		}

		optIn := idPath("/api/v1/contacts/%d/opt-in", conv.ContactID)
		wantError(t, e.do(req{method: "POST", path: optIn, token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		beta := e.login("beta", "admin@beta.com")
		wantError(t, e.do(req{method: "POST", path: optIn, token: beta}), http.StatusNotFound, conversa.ENOTFOUND)
		if ct := e.contact(conv.ContactID); ct.OptedOut == nil {
			t.Fatal("another company opted alpha's contact in")
		}
		rec = e.do(req{method: "POST", path: optIn, token: sup, body: map[string]string{"reason": "Pediu por telefone"}})
		wantStatus(t, rec, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"opted_out_at":null`) || e.contact(conv.ContactID).OptedOut != nil {
			t.Fatalf("opt-in answered %s", rec.Body)
		}
		wantStatus(t, e.do(req{method: "POST", path: optIn, token: sup}), http.StatusOK) // no body, nothing to undo
		audit := e.do(req{method: "GET", path: "/api/v1/audit", token: admin}).Body.String()
		for _, want := range []string{`"action":"settings.opt_out_keywords"`, `"action":"contact.opt_out"`, `"action":"contact.opt_in"`,
			`"reason":"Pediu por telefone"`, idPath(`"target":"contact:%d"`, conv.ContactID)} {
			if !strings.Contains(audit, want) {
				t.Errorf("audit log lacks %s: %s", want, audit)
			}
		}
		if n := strings.Count(audit, `"action":"contact.opt_in"`); n != 1 {
			t.Errorf("%d opt-in entries, want 1", n)
		}
		// Marketing reaches the customer again.
		wantStatus(t, e.do(req{method: "POST", path: "/api/v1/messages", token: sup,
			body: templateBody(e.channel.ID, "+"+ana, "promocao_semana", "Ana", "20%")}), http.StatusCreated)

		wantError(t, e.do(req{method: "DELETE", path: settings, token: sup}), http.StatusForbidden, conversa.EFORBIDDEN)
		rec = e.do(req{method: "DELETE", path: settings, token: admin})
		if s := decode[optOutSetting](t, rec); rec.Code != http.StatusOK || s.Custom || !slices.Equal(s.Keywords, conversa.DefaultOptOutKeywords) {
			t.Fatalf("after DELETE: %d %s", rec.Code, rec.Body)
		}
		e.customerSays(ana, "", metasim.CustomerMessage{Text: "Parar!"})
		if ct := e.contact(conv.ContactID); ct.OptedOut == nil {
			t.Fatal("the defaults don't apply again")
		}
		if s := decode[optOutSetting](t, e.do(req{method: "GET", path: settings, token: beta})); s.Custom {
			t.Fatal("beta got alpha's keywords")
		}
	})
}

func (e *liveEnv) contact(id int64) conversa.Contact {
	e.t.Helper()
	c, err := e.st.Contact(ctx, e.alpha.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}
