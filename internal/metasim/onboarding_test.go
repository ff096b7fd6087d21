package metasim

import (
	"testing"
)

// TestOnboardingFlow walks Embedded Signup → token exchange → number →
// code by SMS → verify (one wrong try) → register → subscribe → payment.
func TestOnboardingFlow(t *testing.T) {
	e := newEnv(t, Options{})
	st, su := e.call("POST", "/_sim/signup", "", map[string]any{"business_name": "Loja da Ana"})
	if st != 200 {
		t.Fatal(st, su)
	}
	q := "/v23.0/oauth/access_token?client_id=" + su["app_id"].(string) + "&client_secret=" + e.acc.AppSecret + "&code=" + su["code"].(string)
	st, tok := e.call("GET", q, "", nil)
	if st != 200 || tok["token_type"] != "bearer" {
		t.Fatal(st, tok)
	}
	if st, again := e.call("GET", q, "", nil); st != 400 || errCode(again) != 100 {
		t.Errorf("code reuse: %d %v", st, again)
	}
	token, biz, wabaID := tok["access_token"].(string), su["business_id"].(string), su["waba_id"].(string)
	g := func(method, path string, body any) (int, map[string]any) {
		return e.call(method, "/v23.0/"+path, token, body)
	}
	_, dbg := g("GET", "debug_token?input_token="+token, nil)
	scopes := dbg["data"].(map[string]any)["granular_scopes"].([]any)[0].(map[string]any)["target_ids"].([]any)
	if len(scopes) != 1 || scopes[0] != wabaID {
		t.Errorf("debug_token = %v", dbg)
	}
	_, list := g("GET", biz+"/owned_whatsapp_business_accounts", nil)
	if len(list["data"].([]any)) != 1 {
		t.Errorf("owned wabas = %v", list)
	}
	// The token's system user sees exactly its business portfolio.
	_, me := g("GET", "me", nil)
	_, mine := g("GET", me["id"].(string)+"/businesses?fields=name,permitted_roles", nil)
	if bs := mine["data"].([]any); len(bs) != 1 || bs[0].(map[string]any)["id"] != biz ||
		bs[0].(map[string]any)["name"] != "Loja da Ana" || bs[0].(map[string]any)["permitted_roles"] == nil {
		t.Errorf("/{user-id}/businesses = %v", mine)
	}
	if st, r := g("POST", "me/businesses", nil); st != 400 {
		t.Errorf("POST /me/businesses = %d %v", st, r)
	}
	st, created := g("POST", biz+"/whatsapp_business_accounts", map[string]any{"name": "Outra", "currency": "BRL", "timezone_id": 25})
	if st != 200 || created["id"] == nil {
		t.Fatalf("create waba: %d %v", st, created)
	}
	if _, w := g("GET", created["id"].(string)+"?fields=timezone_id,currency", nil); w["timezone_id"] != "25" || w["currency"] != "BRL" {
		t.Errorf("created waba = %v", w)
	}
	if st, r := g("GET", e.acc.PhoneNumberID, nil); st != 400 || errCode(r) != 100 {
		t.Errorf("another business's number is visible: %d %v", st, r)
	}
	st, added := g("POST", wabaID+"/phone_numbers", map[string]any{"cc": "55", "phone_number": "11955550001", "verified_name": "Loja da Ana"})
	if st != 200 {
		t.Fatal(st, added)
	}
	pid := added["id"].(string)
	if st, r := g("POST", pid+"/register", map[string]any{"messaging_product": "whatsapp", "pin": "123456"}); errCode(r) != 133006 {
		t.Errorf("register before verify: %d %v", st, r)
	}
	if st, r := g("POST", pid+"/request_code", map[string]any{"code_method": "SMS", "language": "pt_BR"}); st != 200 {
		t.Fatal(st, r)
	}
	_, code := e.call("GET", "/_sim/codes/"+pid, "", nil)
	if st, r := g("POST", pid+"/verify_code", map[string]any{"code": "000000"}); errCode(r) != 136025 {
		t.Errorf("wrong code: %d %v", st, r)
	}
	if st, r := g("POST", pid+"/verify_code", map[string]any{"code": code["code"]}); st != 200 {
		t.Fatal(st, r)
	}
	if _, c := e.call("GET", "/_sim/codes/"+pid, "", nil); c["failed_attempts"] != float64(1) || c["code_verification_status"] != "VERIFIED" {
		t.Errorf("code info = %v", c)
	}
	if st, r := g("POST", pid+"/register", map[string]any{"messaging_product": "whatsapp", "pin": "123456"}); st != 200 {
		t.Fatal(st, r)
	}
	_, ph := g("GET", pid+"?fields=display_phone_number,verified_name,code_verification_status,quality_rating,name_status,messaging_limit_tier,platform_type,throughput,status", nil)
	want := map[string]any{"display_phone_number": "+55 11 95555-0001", "verified_name": "Loja da Ana", "code_verification_status": "VERIFIED",
		"quality_rating": "GREEN", "name_status": "APPROVED", "messaging_limit_tier": "TIER_250", "platform_type": "CLOUD_API", "status": "CONNECTED"}
	for k, v := range want {
		if ph[k] != v {
			t.Errorf("%s = %v, want %v", k, ph[k], v)
		}
	}
	// Subscribing verifies the override URI first.
	h := newHookSink(t, e.acc.AppSecret)
	if st, r := g("POST", wabaID+"/subscribed_apps", map[string]any{"override_callback_uri": h.srv.URL, "verify_token": "wrong"}); errCode(r) != 2200 {
		t.Errorf("bad verify token accepted: %d %v", st, r)
	}
	if st, r := g("POST", wabaID+"/subscribed_apps", map[string]any{"override_callback_uri": h.srv.URL, "verify_token": "vt"}); st != 200 {
		t.Fatal(st, r)
	}
	_, subs := g("GET", wabaID+"/subscribed_apps", nil)
	if subs["data"].([]any)[0].(map[string]any)["override_callback_uri"] != h.srv.URL {
		t.Errorf("subscribed_apps = %v", subs)
	}
	// No payment method yet: templates fail with 131042, visible on the WABA.
	_, w := g("GET", wabaID+"?fields=name,currency,primary_funding_id", nil)
	if _, has := w["primary_funding_id"]; has || w["currency"] != "USD" {
		t.Errorf("waba = %v", w)
	}
	must(t, e.sim.SetPaymentMethod(wabaID, true))
	if _, w = g("GET", wabaID+"?fields=primary_funding_id", nil); w["primary_funding_id"] == nil {
		t.Errorf("payment method not shown: %v", w)
	}
}

// TestOtherProvider: numbers still registered elsewhere are refused.
func TestOtherProvider(t *testing.T) {
	e := newEnv(t, Options{})
	add := func(num string) (int, map[string]any) {
		return e.graph("POST", e.acc.WABAID+"/phone_numbers", map[string]any{"cc": "55", "phone_number": num, "verified_name": "X"})
	}
	st, r := add("11955559999") // documented pattern: ends in 9999
	if st != 400 || r["error"].(map[string]any)["error_subcode"] != float64(2388001) {
		t.Errorf("pattern: %d %v", st, r)
	}
	e.sim.SetOtherProvider("5511955550002", true)
	if _, r := add("11955550002"); errCode(r) != 100 {
		t.Errorf("flag: %v", r)
	}
	if st, r := add("11955550003"); st != 200 {
		t.Errorf("free number: %d %v", st, r)
	}
	if st, r := e.graph("POST", e.acc.BusinessID+"/owned_whatsapp_business_accounts", map[string]any{"name": "Segunda"}); st != 200 || r["id"] == nil {
		t.Errorf("create waba: %d %v", st, r)
	}
}

// TestMediaRoundTrip: upload, metadata, authenticated download.
func TestMediaRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	id := uploadMedia(t, e, []byte("%PDF-1.4 hello"), "application/pdf")
	st, meta := e.graph("GET", id, nil)
	if st != 200 || meta["mime_type"] != "application/pdf" || meta["file_size"] != float64(14) || meta["messaging_product"] != "whatsapp" {
		t.Fatal(st, meta)
	}
	u := meta["url"].(string)[len(e.srv.URL):]
	if st, _ := e.call("GET", u, "", nil); st != 401 {
		t.Errorf("download without token: %d", st)
	}
	if st, _ := e.call("GET", u, e.acc.AccessToken, nil); st != 200 {
		t.Errorf("download: %d", st)
	}
	e.customer(ana, "oi")
	if st, r := e.send(map[string]any{"to": ana, "type": "document", "document": map[string]any{"id": id}}); st != 200 {
		t.Errorf("send by media id: %d %v", st, r)
	}
}
