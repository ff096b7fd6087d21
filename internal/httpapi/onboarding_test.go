package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
)

// onboardingResp is the onboarding view as a client reads it.
type onboardingResp struct {
	ID                 int64
	Step               string
	Next               string
	WABAID             string `json:"waba_id"`
	PhoneNumberID      string `json:"phone_number_id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
	CodeRequests       int    `json:"code_requests"`
	FailedAttempts     int    `json:"failed_attempts"`
	ChannelID          *int64 `json:"channel_id"`
	LastError          string `json:"last_error"`
	DisplayNameAdvice  string `json:"display_name_advice"`
}

// obStep POSTs one onboarding step and checks the status.
func (e *simEnv) obStep(tok string, id int64, step string, body any, status int) onboardingResp {
	e.t.Helper()
	rec := e.do(req{method: "POST", path: fmt.Sprintf("/api/v1/onboarding/%d/%s", id, step), token: tok, body: body})
	wantStatus(e.t, rec, status)
	if status != http.StatusOK {
		return onboardingResp{}
	}
	return decode[onboardingResp](e.t, rec)
}

func (e *simEnv) obGet(tok string, id int64) onboardingResp {
	e.t.Helper()
	rec := e.do(req{method: "GET", path: idPath("/api/v1/onboarding/%d", id), token: tok})
	wantStatus(e.t, rec, http.StatusOK)
	return decode[onboardingResp](e.t, rec)
}

// startToPhone runs group creation, the step-up, the Embedded Signup code
// exchange and the creation of a new account: the onboarding then waits
// for its phone number.
func (e *simEnv) startToPhone(tok string) onboardingResp {
	e.t.Helper()
	t := e.t
	rec := e.do(req{method: "POST", path: "/api/v1/channel-groups", token: tok, body: map[string]string{"name": "Atendimento"}})
	wantStatus(t, rec, http.StatusCreated)
	group := decode[struct{ ID int64 }](t, rec).ID
	start := map[string]any{"group_id": group, "name": "WhatsApp Loja"}
	rec = e.do(req{method: "POST", path: "/api/v1/onboarding", token: tok, body: start})
	if rec.Code == http.StatusForbidden { // the caller has no fresh step-up yet
		wantError(t, rec, http.StatusForbidden, conversa.EREAUTH)
		e.reauth(tok)
		rec = e.do(req{method: "POST", path: "/api/v1/onboarding", token: tok, body: start})
	}
	wantStatus(t, rec, http.StatusCreated)
	o := decode[onboardingResp](t, rec)
	if o.Step != "signup" || !strings.HasSuffix(o.Next, "/signup") {
		t.Fatalf("started onboarding: %+v", o)
	}

	signup, err := e.sim.IssueSignupCode(metasim.SignupRequest{BusinessName: "Loja da Ana"})
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]string{"code": signup.Code, "business_id": signup.BusinessID}
	o = e.obStep(tok, o.ID, "signup", body, http.StatusOK)
	// Repeating the step (a double click) must not spend the single-use code again.
	if again := e.obStep(tok, o.ID, "signup", body, http.StatusOK); o.Step != "account" || again.Step != "account" {
		t.Fatalf("after signup: %+v / %+v", o, again)
	}
	rec = e.do(req{method: "GET", path: idPath("/api/v1/onboarding/%d/accounts", o.ID), token: tok})
	wantStatus(t, rec, http.StatusOK)
	if list := decode[struct{ Data []struct{ ID string } }](t, rec); len(list.Data) != 1 || list.Data[0].ID != signup.WABAID {
		t.Fatalf("accounts: %s", rec.Body)
	}
	account := map[string]string{"name": "Loja da Ana WhatsApp", "display_name": "Loja da Ana Ltda"}
	o = e.obStep(tok, o.ID, "account", account, http.StatusOK)
	again := e.obStep(tok, o.ID, "account", account, http.StatusOK)
	if o.Step != "phone" || o.WABAID == "" || o.WABAID == signup.WABAID || again.WABAID != o.WABAID || !strings.Contains(o.DisplayNameAdvice, "CNPJ") {
		t.Fatalf("new account: %+v, repeated: %+v", o, again)
	}
	return o
}

// verifyBySMS adds number, asks a code by SMS and types the one the
// simulator "sent".
func (e *simEnv) verifyBySMS(tok string, id int64, number string) onboardingResp {
	e.t.Helper()
	o := e.obStep(tok, id, "phone", map[string]string{"cc": "55", "phone_number": number}, http.StatusOK)
	if o.Step != "code" || o.PhoneNumberID == "" {
		e.t.Fatalf("after phone: %+v", o)
	}
	o = e.obStep(tok, id, "code/request", map[string]string{"method": "SMS"}, http.StatusOK)
	code, err := e.sim.Code(o.PhoneNumberID)
	if err != nil || code.Code == "" || code.Method != "SMS" {
		e.t.Fatalf("sim code: %+v %v", code, err)
	}
	o = e.obStep(tok, id, "code/verify", map[string]string{"code": code.Code}, http.StatusOK)
	if o.Step != "register" {
		e.t.Fatalf("after verify: %+v", o)
	}
	return o
}

func TestOnboardingEndToEnd(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		tok := e.login("alpha", "admin@alpha.com")
		o := e.startToPhone(tok)
		o = e.obStep(tok, o.ID, "phone", map[string]string{"cc": "55", "phone_number": "11987654321"}, http.StatusOK)
		o = e.obStep(tok, o.ID, "code/request", map[string]string{"method": "SMS"}, http.StatusOK)
		if o.Step != "verify" || o.CodeRequests != 1 {
			t.Fatalf("after code request: %+v", o)
		}
		// No second code before 2 minutes; after them, yes.
		wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/onboarding/%d/code/request", o.ID), token: tok,
			body: map[string]string{"method": "VOICE"}}), http.StatusTooManyRequests, conversa.ERATELIMIT)
		e.clock.Advance(conversa.CodeResendAfter + time.Second)
		o = e.obStep(tok, o.ID, "code/request", map[string]string{"method": "VOICE"}, http.StatusOK)
		code, _ := e.sim.Code(o.PhoneNumberID)
		if o.CodeRequests != 2 || code.Method != "VOICE" {
			t.Fatalf("resend: %+v %+v", o, code)
		}
		o = e.obStep(tok, o.ID, "code/verify", map[string]string{"code": code.Code}, http.StatusOK)

		// The browser closes; a new session finds the onboarding where it was.
		tok2 := e.login("alpha", "admin@alpha.com")
		if got := e.obGet(tok2, o.ID); got.Step != "register" || got.PhoneNumberID != o.PhoneNumberID {
			t.Fatalf("resumed: %+v", got)
		}
		wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/onboarding/%d/finish", o.ID), token: tok2,
			body: map[string]string{"pin": "123456"}}), http.StatusForbidden, conversa.EREAUTH)
		e.reauth(tok2)
		o = e.obStep(tok2, o.ID, "finish", map[string]string{"pin": "123456"}, http.StatusOK)
		if o.Step != "connected" || o.ChannelID == nil {
			t.Fatalf("finished: %+v", o)
		}
		if again := e.obStep(tok2, o.ID, "finish", map[string]string{"pin": "123456"}, http.StatusOK); *again.ChannelID != *o.ChannelID {
			t.Fatalf("finish repeated: %+v", again)
		}

		rec := e.do(req{method: "GET", path: idPath("/api/v1/channels/%d", *o.ChannelID), token: tok2})
		wantStatus(t, rec, http.StatusOK)
		ch, err := e.st.Channel(ctx, e.alpha.ID, *o.ChannelID)
		if err != nil || ch.Status != conversa.ChannelConnected || ch.WABA.WABAID != o.WABAID {
			t.Fatalf("channel: %+v %v", ch, err)
		}
		noSecrets(t, rec.Body.String(), ch.WABA.AccessToken, ch.WABA.AppSecret, ch.WABA.VerifyToken)
		// Meta was told to send this account's webhooks to Conversa.
		apps, err := e.graph.SubscribedApps(ctx, ch.WABA.AccessToken, ch.WABA.WABAID)
		if err != nil || len(apps) != 1 || apps[0].OverrideCallbackURI != e.webhookURL {
			t.Fatalf("subscribed apps: %+v %v", apps, err)
		}
		if code, _ := e.sim.Code(o.PhoneNumberID); code.Status != "VERIFIED" {
			t.Fatalf("sim number: %+v", code)
		}
	})
}

func TestOnboardingTwoWrongCodesStop(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		tok := e.adminWithStepUp()
		o := e.startToPhone(tok)
		e.obStep(tok, o.ID, "phone", map[string]string{"cc": "55", "phone_number": "11912345678"}, http.StatusOK)
		e.obStep(tok, o.ID, "code/request", map[string]string{"method": "SMS"}, http.StatusOK)
		path := idPath("/api/v1/onboarding/%d/code/verify", o.ID)
		first := wantError(t, e.do(req{method: "POST", path: path, token: tok, body: map[string]string{"code": "000001"}}),
			http.StatusUnprocessableEntity, conversa.EMETAREJECTED)
		if !strings.Contains(first.Error.Message, "1 attempt(s) left") {
			t.Fatalf("first wrong code: %+v", first)
		}
		second := wantError(t, e.do(req{method: "POST", path: path, token: tok, body: map[string]string{"code": "000002"},
			header: map[string]string{"Accept-Language": "pt-BR"}}), http.StatusConflict, conversa.ECONFLICT)
		if !strings.Contains(second.Error.Message, "recebe SMS ou ligações") {
			t.Fatalf("stopped advice: %+v", second)
		}
		got := e.obGet(tok, o.ID)
		if got.Step != "stopped" || got.FailedAttempts != 2 || !strings.Contains(got.LastError, "receives SMS or calls") {
			t.Fatalf("stopped onboarding: %+v", got)
		}
		wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/onboarding/%d/code/request", o.ID), token: tok,
			body: map[string]string{"method": "SMS"}}), http.StatusConflict, conversa.ECONFLICT)

		// Once the admin checked the number, the verification starts again.
		if r := e.obStep(tok, o.ID, "restart", nil, http.StatusOK); r.Step != "code" || r.FailedAttempts != 0 {
			t.Fatalf("restarted: %+v", r)
		}
		o = e.obStep(tok, o.ID, "code/request", map[string]string{"method": "SMS"}, http.StatusOK)
		code, _ := e.sim.Code(o.PhoneNumberID)
		if o = e.obStep(tok, o.ID, "code/verify", map[string]string{"code": code.Code}, http.StatusOK); o.Step != "register" {
			t.Fatalf("verified after restart: %+v", o)
		}
	})
}

func TestOnboardingNumberWithOtherProvider(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		tok := e.adminWithStepUp()
		o := e.startToPhone(tok)
		e.sim.SetOtherProvider("5511955554321", true)
		rec := e.do(req{method: "POST", path: idPath("/api/v1/onboarding/%d/phone", o.ID), token: tok,
			body: map[string]string{"cc": "55", "phone_number": "11955554321"}})
		apiErr := wantError(t, rec, http.StatusConflict, conversa.ECONFLICT)
		if !strings.Contains(apiErr.Error.Message, "another WhatsApp provider") || !strings.Contains(apiErr.Error.Message, "delete it there first") {
			t.Fatalf("other provider: %+v", apiErr)
		}
		// The flow stays where it was; once the customer freed the number it goes on.
		if got := e.obGet(tok, o.ID); got.Step != "phone" || !strings.Contains(got.LastError, "another WhatsApp provider") {
			t.Fatalf("after other provider: %+v", got)
		}
		e.sim.SetOtherProvider("5511955554321", false)
		if got := e.verifyBySMS(tok, o.ID, "11955554321"); got.LastError != "" {
			t.Fatalf("last error kept after success: %+v", got)
		}
	})
}

func TestOnboardingNeedsStepUpAndAdmin(t *testing.T) {
	eachSim(t, func(t *testing.T, e *simEnv) {
		sup := e.login("alpha", "sup@alpha.com")
		e.reauth(sup)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/onboarding", token: sup, body: map[string]any{"group_id": alphaGroup(e.env), "name": "x"}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		tok := e.login("alpha", "admin@alpha.com")
		wantError(t, e.do(req{method: "POST", path: "/api/v1/onboarding", token: tok, body: map[string]any{"group_id": alphaGroup(e.env), "name": "x"}}),
			http.StatusForbidden, conversa.EREAUTH)
	})
}
