package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

func TestChannelGroups(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin := e.login("alpha", "admin@alpha.com")
		agent := e.login("alpha", "agent@alpha.com")
		wantError(t, e.do(req{method: "POST", path: "/api/v1/channel-groups", token: agent, body: map[string]string{"name": "X"}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		rec := e.do(req{method: "POST", path: "/api/v1/channel-groups", token: admin, body: map[string]string{"name": "Vendas"}})
		wantStatus(t, rec, http.StatusCreated)
		g := decode[struct{ ID int64 }](t, rec)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/channel-groups", token: admin, body: map[string]string{"name": "Vendas"}}),
			http.StatusConflict, conversa.ECONFLICT)
		rec = e.do(req{method: "PATCH", path: idPath("/api/v1/channel-groups/%d", g.ID), token: admin, body: map[string]string{"name": "Vendas SP"}})
		wantStatus(t, rec, http.StatusOK)

		members := idPath("/api/v1/channel-groups/%d/members/", g.ID)
		for range 2 { // idempotent
			wantStatus(t, e.do(req{method: "PUT", path: members + idPath("%d", alphaAgent(e)), token: admin}), http.StatusNoContent)
		}
		// Users of another company cannot join.
		wantError(t, e.do(req{method: "PUT", path: members + idPath("%d", e.users["admin@beta.com"].ID), token: admin}),
			http.StatusNotFound, conversa.ENOTFOUND)
		rec = e.do(req{method: "GET", path: idPath("/api/v1/channel-groups/%d/members", g.ID), token: admin})
		wantStatus(t, rec, http.StatusOK)
		if list := decode[struct{ Data []struct{ Email string } }](t, rec); len(list.Data) != 1 || list.Data[0].Email != "agent@alpha.com" {
			t.Fatalf("members: %s", rec.Body)
		}
		// Agents see who is in the group (to transfer), not their e-mails.
		rec = e.do(req{method: "GET", path: idPath("/api/v1/channel-groups/%d/members", g.ID), token: agent})
		wantStatus(t, rec, http.StatusOK)
		if list := decode[struct{ Data []struct{ ID int64 } }](t, rec); len(list.Data) != 1 || strings.Contains(rec.Body.String(), `"email"`) {
			t.Fatalf("members as an agent: %s", rec.Body)
		}
		wantStatus(t, e.do(req{method: "DELETE", path: members + idPath("%d", alphaAgent(e)), token: admin}), http.StatusNoContent)
		rec = e.do(req{method: "GET", path: "/api/v1/channel-groups", token: agent})
		if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "Vendas SP") {
			t.Fatalf("groups: %d %s", rec.Code, body)
		}
		if members, _ := e.st.GroupMembers(ctx, e.alpha.ID, g.ID); len(members) != 0 {
			t.Fatalf("members after removal: %v", members)
		}
	})
}

// manualBody is the contract's manual connection for the sim's test account.
func (e *simEnv) manualBody(group int64) map[string]any {
	acc := e.sim.TestAccount()
	return map[string]any{"group_id": group, "type": "waba", "name": "Sandbox", "phone_number_id": acc.PhoneNumberID,
		"waba_id": acc.WABAID, "access_token": acc.AccessToken, "app_secret": acc.AppSecret, "verify_token": "my-verify-token"}
}

func TestManualConnection(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		tok := e.login("alpha", "admin@alpha.com")
		body := e.manualBody(alphaGroup(e.env))
		wantError(t, e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: body}), http.StatusForbidden, conversa.EREAUTH)
		e.reauth(tok)

		bad := e.manualBody(alphaGroup(e.env))
		bad["access_token"] = "EAAG-not-a-token"
		apiErr := wantError(t, e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: bad}),
			http.StatusUnprocessableEntity, conversa.EMETAREJECTED)
		if !strings.Contains(apiErr.Error.Message, "access token") {
			t.Fatalf("bad token: %+v", apiErr)
		}
		other := e.manualBody(alphaGroup(e.env))
		other["waba_id"] = "999999"
		wantError(t, e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: other}),
			http.StatusUnprocessableEntity, conversa.EMETAREJECTED)

		rec := e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: body})
		wantStatus(t, rec, http.StatusCreated)
		acc := e.sim.TestAccount()
		noSecrets(t, rec.Body.String(), acc.AccessToken, acc.AppSecret, "my-verify-token")
		ch := decode[struct {
			ID     int64
			Status string
			WABA   struct {
				DisplayPhoneNumber string `json:"display_phone_number"`
			} `json:"waba"`
		}](t, rec)
		if ch.Status != "connected" || ch.WABA.DisplayPhoneNumber == "" {
			t.Fatalf("created: %s", rec.Body)
		}
		for _, path := range []string{"/api/v1/channels", idPath("/api/v1/channels/%d", ch.ID)} {
			noSecrets(t, e.do(req{method: "GET", path: path, token: tok}).Body.String(), acc.AccessToken, acc.AppSecret, "my-verify-token")
		}
		// alpha's licence has one channel.
		wantError(t, e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: body}),
			http.StatusUnprocessableEntity, conversa.ELICENCE)

		// Disconnecting needs a fresh step-up too, keeps the row, frees the seat.
		e.clock.Advance(6 * 60e9)
		disconnect := idPath("/api/v1/channels/%d/disconnect", ch.ID)
		wantError(t, e.do(req{method: "POST", path: disconnect, token: tok}), http.StatusForbidden, conversa.EREAUTH)
		e.reauth(tok)
		rec = e.do(req{method: "POST", path: disconnect, token: tok})
		wantStatus(t, rec, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"status":"disconnected"`) {
			t.Fatalf("disconnect: %s", rec.Body)
		}
		if apps, _ := e.graph.SubscribedApps(ctx, acc.AccessToken, acc.WABAID); len(apps) != 0 {
			t.Fatalf("still subscribed: %+v", apps)
		}
		wantStatus(t, e.do(req{method: "POST", path: "/api/v1/channels", token: tok, body: body}), http.StatusCreated)
		audit := e.do(req{method: "GET", path: "/api/v1/audit", token: tok}).Body.String()
		if !strings.Contains(audit, "channel.connect") || !strings.Contains(audit, "channel.disconnect") {
			t.Fatalf("audit: %s", audit)
		}
	})
}

type readinessResp struct {
	Items []struct {
		Key    string
		OK     bool
		Detail string
	}
	Ready bool
}

func (r readinessResp) item(t *testing.T, key string) (bool, string) {
	t.Helper()
	for _, it := range r.Items {
		if it.Key == key {
			return it.OK, it.Detail
		}
	}
	t.Fatalf("no readiness item %q in %+v", key, r)
	return false, ""
}

func TestReadinessTurnsGreen(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		tok := e.adminWithStepUp()
		o := e.startToPhone(tok)
		e.verifyBySMS(tok, o.ID, "11988887777")
		o = e.obStep(tok, o.ID, "finish", map[string]string{"pin": "123456"}, http.StatusOK)
		path := idPath("/api/v1/channels/%d/readiness", *o.ChannelID)
		read := func(lang string) readinessResp {
			rec := e.do(req{method: "GET", path: path, token: tok, header: map[string]string{"Accept-Language": lang}})
			wantStatus(t, rec, http.StatusOK)
			return decode[readinessResp](t, rec)
		}

		r := read("en")
		for _, key := range []string{"number_verified", "display_name", "webhooks_subscribed", "quality_rating", "messaging_limit"} {
			if ok, detail := r.item(t, key); !ok {
				t.Errorf("%s not ok on a fresh channel: %s", key, detail)
			}
		}
		if ok, detail := r.item(t, "payment_method"); ok || !strings.Contains(detail, "USD") || r.Ready {
			t.Fatalf("payment before a card: %v %q", ok, detail)
		}
		if ok, _ := r.item(t, "approved_template"); ok {
			t.Fatal("approved template on a new account")
		}
		if _, detail := read("pt-BR").item(t, "payment_method"); !strings.Contains(detail, "cartão de crédito") {
			t.Fatalf("pt-BR detail: %q", detail)
		}

		if err := e.sim.SetPaymentMethod(o.WABAID, true); err != nil {
			t.Fatal(err)
		}
		r = read("en")
		if ok, _ := r.item(t, "payment_method"); !ok || r.Ready {
			t.Fatalf("after the card: %+v", r)
		}

		ch, _ := e.st.Channel(ctx, e.alpha.ID, *o.ChannelID)
		tpl := whatsapp.MessageTemplate{Name: "boas_vindas", Language: "pt_BR", Category: "UTILITY",
			Components: []whatsapp.TemplatePart{{Type: "BODY", Text: "Olá! Como podemos ajudar?"}}}
		if _, err := e.graph.CreateTemplate(ctx, ch.WABA.AccessToken, ch.WABA.WABAID, tpl); err != nil {
			t.Fatal(err)
		}
		if err := e.sim.SetTemplateStatus(ch.WABA.WABAID, "boas_vindas", "pt_BR", "APPROVED", ""); err != nil {
			t.Fatal(err)
		}
		if r = read("en"); !r.Ready {
			t.Fatalf("not ready with card and approved template: %+v", r)
		}
		// The facts are cached in the channel for the account webhooks.
		ch, _ = e.st.Channel(ctx, e.alpha.ID, *o.ChannelID)
		if h := ch.WABA.Health; !h.PaymentMethod || h.Currency != "USD" || !h.ApprovedTemplates || h.CheckedAt == nil {
			t.Fatalf("cached health: %+v", h)
		}
	})
}
