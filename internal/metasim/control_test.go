package metasim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestControlAPI drives every /_sim/ endpoint over HTTP.
func TestControlAPI(t *testing.T) {
	e := newEnv(t, Options{})
	pid, waba := e.acc.PhoneNumberID, e.acc.WABAID
	h := newHookSink(t, e.acc.AppSecret)
	ok := func(method, path string, body any) map[string]any {
		t.Helper()
		st, r := e.call(method, path, "", body)
		if st != 200 {
			t.Fatalf("%s %s: %d %v", method, path, st, r)
		}
		return r
	}
	if r := ok("GET", "/_sim/account", nil); r["access_token"] != e.acc.AccessToken || r["app_id"] == "" {
		t.Errorf("account = %v", r)
	}
	ok("POST", "/_sim/webhooks/config", map[string]any{"callback_url": h.srv.URL, "verify_token": "vt"})
	r := ok("POST", "/_sim/customers/messages", map[string]any{"from": ana, "name": "Ana", "text": "NÃO"})
	if r["id"] == "" {
		t.Fatal(r)
	}
	waitFor(t, "inbound via app callback", func() bool { return len(h.values("messages")) == 1 })
	st, resp := e.send(text(ana, "Ok, removido."))
	if st != 200 {
		t.Fatal(st, resp)
	}
	chat := ok("GET", "/_sim/chats/"+pid+"/"+ana, nil)
	if msgs := chat["messages"].([]any); len(msgs) != 2 || chat["window_open"] != true || chat["name"] != "Ana" {
		t.Errorf("chat = %v", chat)
	}
	if r := ok("POST", "/_sim/chats/"+pid+"/"+ana+"/read", nil); r["read"] != float64(1) {
		t.Errorf("read = %v", r)
	}
	if r := ok("GET", "/_sim/sent/"+pid+"/"+ana, nil); r["count"] != float64(1) {
		t.Errorf("sent = %v", r)
	}
	before := e.sim.now()
	ok("POST", "/_sim/clock", map[string]any{"advance": "25h"})
	if d := e.sim.now().Sub(before); d < 25*time.Hour {
		t.Errorf("clock moved %v", d)
	}
	if _, r := e.send(text(ana, "fechou")); errCode(r) != 131047 {
		t.Errorf("after clock move: %v", r)
	}
	ok("POST", "/_sim/templates/status", map[string]any{"waba_id": waba, "name": "hello_world", "language": "en_US", "status": "PAUSED"})
	ok("POST", "/_sim/wabas/"+waba+"/payment-method", map[string]any{"present": false})
	ok("POST", "/_sim/wabas/"+waba+"/account-update", map[string]any{"event": "ACCOUNT_VIOLATION"})
	ok("POST", "/_sim/phones/"+pid+"/quality", map[string]any{"quality_rating": "YELLOW"})
	ok("POST", "/_sim/phones/"+pid+"/tier", map[string]any{"tier": "TIER_10K"})
	ok("POST", "/_sim/phones/"+pid+"/throughput", map[string]any{"mps": 1000})
	if st, _ := e.call("POST", "/_sim/phones/"+pid+"/throughput", "", map[string]any{"mps": 5000}); st != 400 {
		t.Error("mps above 1000 accepted")
	}
	ok("POST", "/_sim/phones/"+pid+"/pair-rate", map[string]any{"per_minute": 60})
	ok("POST", "/_sim/phones/"+pid+"/errors", map[string]any{"code": 368, "count": 2})
	for range 2 {
		if _, r := e.send(tpl(ana, "pedido_enviado", "pt_BR", bodyParams("a", "b"))); errCode(r) != 368 {
			t.Errorf("injected: %v", r)
		}
	}
	ok("PUT", "/_sim/customers/5511911110000", map[string]any{"on_whatsapp": false})
	ok("PUT", "/_sim/other-provider/5511911119999", map[string]any{"registered": true})
	if r := ok("GET", "/_sim/phones", nil); r != nil {
		t.Errorf("phones should be a list")
	}
	for _, f := range []string{"message_template_status_update", "account_update", "phone_number_quality_update"} {
		waitFor(t, f, func() bool { return len(h.values(f)) > 0 })
	}
	if q := h.values("phone_number_quality_update"); q[0]["display_phone_number"] != e.acc.DisplayPhoneNumber {
		t.Errorf("quality update = %v", q[0])
	}
	st, deliveries := e.call("GET", "/_sim/webhooks", "", nil)
	if st != 200 || deliveries != nil { // a JSON array, not an object
		t.Errorf("webhooks: %d", st)
	}
	if len(e.sim.Deliveries()) == 0 {
		t.Error("no deliveries listed")
	}
	ok("POST", "/_sim/reset", nil)
	if e.sim.TestAccount() != e.acc {
		t.Error("reset changed the test account")
	}
	if st, r := e.send(tpl(ana, "hello_world", "en_US")); st != 200 {
		t.Errorf("after reset: %d %v", st, r)
	}
}

// TestSnapshot: state survives Close and New with the same file.
func TestSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	s1, err := New(Options{SnapshotPath: path})
	must(t, err)
	acc := s1.TestAccount()
	if _, err := s1.CustomerSend(CustomerMessage{From: ana, Name: "Ana", Text: "oi"}); err != nil {
		t.Fatal(err)
	}
	must(t, s1.SetTemplateStatus(acc.WABAID, "hello_world", "en_US", "PAUSED", ""))
	must(t, s1.Close())
	s2, err := New(Options{SnapshotPath: path, Clock: s1.Clock()})
	must(t, err)
	defer s2.Close()
	if s2.TestAccount() != acc {
		t.Errorf("account changed: %+v vs %+v", s2.TestAccount(), acc)
	}
	c, err := s2.Chat(acc.PhoneNumberID, ana)
	must(t, err)
	if len(c.Messages) != 1 || !c.WindowOpen || c.Name != "Ana" {
		t.Errorf("chat = %+v", c)
	}
	res, merr := s2.send(acc.PhoneNumberID, &sendRequest{MessagingProduct: "whatsapp", To: ana, Type: "template",
		Template: &sendTemplate{Name: "hello_world", Language: struct {
			Code   string `json:"code"`
			Policy string `json:"policy"`
		}{Code: "en_US"}}})
	if merr == nil || merr.Code != 132015 {
		t.Errorf("paused template after reload: %v %v", res, merr)
	}
}

// TestPhonePage: the page is served, self-contained, with the base path.
func TestPhonePage(t *testing.T) {
	sim, err := New(Options{BasePath: "/sim"})
	must(t, err)
	defer sim.Close()
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/sim/_sim/phone")
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	if resp.StatusCode != 200 || !strings.Contains(page, `const BASE = "/sim"`) || strings.Contains(page, "<script src") {
		t.Fatalf("%d %s", resp.StatusCode, page[:200])
	}
	// The same handler also answers under the prefix for the control API.
	resp2, err := http.Get(srv.URL + "/sim/_sim/account")
	must(t, err)
	resp2.Body.Close()
	if resp2.StatusCode != 200 {
		t.Errorf("control API under base path: %d", resp2.StatusCode)
	}
}
