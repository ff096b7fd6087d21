package metasim

import (
	"path/filepath"
	"testing"
	"time"
)

// TestStatusWebhooks: sent → delivered → read, signed, with pricing and the
// echoed biz_opaque_callback_data.
func TestStatusWebhooks(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	body := tpl(ana, "promocao_semana", "pt_BR", bodyParams("Ana", "20%"))
	body["biz_opaque_callback_data"] = "conversa-msg-1"
	st, resp := e.send(body)
	if st != 200 {
		t.Fatal(st, resp)
	}
	id := wamidOf(resp)
	sent := h.waitStatus(t, id, "sent")
	h.waitStatus(t, id, "delivered")
	if sent["biz_opaque_callback_data"] != "conversa-msg-1" || sent["recipient_id"] != ana {
		t.Errorf("sent status = %v", sent)
	}
	p := sent["pricing"].(map[string]any)
	if p["billable"] != true || p["pricing_model"] != "PMP" || p["category"] != "marketing" || p["type"] != "regular" {
		t.Errorf("pricing = %v", p)
	}
	if n, _ := e.sim.ReadChat(e.acc.PhoneNumberID, ana); n != 1 {
		t.Errorf("ReadChat = %d", n)
	}
	h.waitStatus(t, id, "read")
	if h.badSig != 0 {
		t.Errorf("%d deliveries had a bad signature", h.badSig)
	}
	v := h.values("messages")[0]
	md := v["metadata"].(map[string]any)
	if md["phone_number_id"] != e.acc.PhoneNumberID || md["display_phone_number"] != e.acc.DisplayPhoneNumber {
		t.Errorf("metadata = %v", md)
	}
}

// TestPricingRules: service and in-window utility are free; utility outside
// the window and authentication are billable; entry points are free.
func TestPricingRules(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	check := func(body map[string]any, billable bool, category, typ string) {
		t.Helper()
		st, resp := e.send(body)
		if st != 200 {
			t.Fatal(st, resp)
		}
		p := h.waitStatus(t, wamidOf(resp), "sent")["pricing"].(map[string]any)
		if p["billable"] != billable || p["category"] != category || p["type"] != typ {
			t.Errorf("%v: pricing %v, want %v %s %s", body["type"], p, billable, category, typ)
		}
	}
	check(tpl(ana, "hello_world", "en_US"), true, "utility", "regular")
	e.customer(ana, "oi")
	check(tpl(ana, "hello_world", "en_US"), false, "utility", "free_customer_service")
	check(text(ana, "resposta"), false, "service", "free_customer_service")
	check(tpl(ana, "promocao_semana", "pt_BR", bodyParams("Ana", "5%")), true, "marketing", "regular")
	const bia = "5521999990000"
	if _, err := e.sim.CustomerSend(CustomerMessage{From: bia, Text: "vi o anúncio", Referral: true}); err != nil {
		t.Fatal(err)
	}
	e.sim.Clock().Advance(48 * time.Hour) // past 24 h, inside the 72-h entry point
	st, resp := e.send(text(bia, "ainda grátis"))
	if st != 200 {
		t.Fatal(st, resp)
	}
	s := h.waitStatus(t, wamidOf(resp), "sent")
	if s["pricing"].(map[string]any)["type"] != "free_entry_point" || s["conversation"] == nil {
		t.Errorf("entry point status = %v", s)
	}
}

// TestAsyncFailures: accepted sends that fail later, as Meta reports them.
func TestAsyncFailures(t *testing.T) {
	cases := []struct {
		name  string
		setup func(e *env)
		code  int
	}{
		{"not on WhatsApp", func(e *env) { must(t, e.sim.SetCustomer(ana, "", false)) }, 131026},
		{"no payment method", func(e *env) { must(t, e.sim.SetPaymentMethod(e.acc.WABAID, false)) }, 131042},
		{"injected async", func(e *env) { must(t, e.sim.InjectError(e.acc.PhoneNumberID, 131049, 1, true)) }, 131049},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			h := newHookSink(t, e.acc.AppSecret)
			e.subscribe(h)
			c.setup(e)
			st, resp := e.send(tpl(ana, "hello_world", "en_US"))
			if st != 200 {
				t.Fatal(st, resp)
			}
			f := h.waitStatus(t, wamidOf(resp), "failed")
			errs := f["errors"].([]any)[0].(map[string]any)
			if int(errs["code"].(float64)) != c.code || errs["title"] == "" ||
				errs["error_data"].(map[string]any)["details"] == "" {
				t.Errorf("failed status = %v", f)
			}
			if e.sim.Sent(e.acc.PhoneNumberID, ana) != 0 {
				t.Error("a failed message must not count as sent")
			}
		})
	}
}

// TestWebhookRetry: a failing callback gets the same body again, each
// wait twice the one before (base·2^(n-1)), and the delivery records the
// attempts.
func TestWebhookRetry(t *testing.T) {
	const base = 25 * time.Millisecond
	e := newEnv(t, Options{WebhookRetryBase: base})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	h.mu.Lock()
	h.failFor = 3
	h.mu.Unlock()
	id := e.customer(ana, "oi")
	waitFor(t, "inbound after retries", func() bool { return len(h.values("messages")) >= 1 })
	got := h.values("messages")[0]["messages"].([]any)[0].(map[string]any)
	if got["id"] != id {
		t.Errorf("message = %v", got)
	}
	h.mu.Lock()
	at := append([]time.Time(nil), h.attempts...)
	h.mu.Unlock()
	if len(at) != 4 {
		t.Fatalf("%d POSTs, want 4 (3 failures, then success)", len(at))
	}
	// Timers never fire early, so each gap is at least its back-off; a
	// constant or linear back-off fails the third.
	for i, want := range []time.Duration{base, 2 * base, 4 * base} {
		if gap := at[i+1].Sub(at[i]); gap < want {
			t.Errorf("wait before attempt %d = %v, want >= %v", i+2, gap, want)
		}
	}
	var d Delivery
	waitFor(t, "delivery record", func() bool {
		for _, x := range e.sim.Deliveries() {
			if x.Field == "messages" && x.State == "delivered" {
				d = x
				return true
			}
		}
		return false
	})
	if d.Attempts != 4 {
		t.Errorf("attempts = %d, want 4 (%+v)", d.Attempts, d)
	}
}

// TestSnapshotKeepsPendingWebhooks: a delivery still waiting for a retry
// when the simulator stops is saved and delivered after a restart, its
// attempts counted on.
func TestSnapshotKeepsPendingWebhooks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	s1, err := New(Options{SnapshotPath: path, WebhookRetryBase: 300 * time.Millisecond})
	must(t, err)
	h := newHookSink(t, s1.TestAccount().AppSecret)
	h.failFor = 1 << 30
	must(t, s1.SetCallback(h.srv.URL, ""))
	id, err := s1.CustomerSend(CustomerMessage{From: ana, Name: "Ana", Text: "oi"})
	must(t, err)
	waitFor(t, "a failed first attempt", func() bool {
		ds := s1.Deliveries()
		return len(ds) == 1 && ds[0].State == "retrying"
	})
	must(t, s1.Close()) // the retry is not due yet: only the snapshot keeps it
	h.mu.Lock()
	h.failFor = 0
	h.mu.Unlock()

	s2, err := New(Options{SnapshotPath: path})
	must(t, err)
	defer s2.Close()
	waitFor(t, "the saved delivery", func() bool { return len(h.values("messages")) == 1 })
	got := h.values("messages")[0]["messages"].([]any)[0].(map[string]any)
	if got["id"] != id {
		t.Errorf("delivered %v, want message %s", got, id)
	}
	waitFor(t, "delivered record", func() bool {
		ds := s2.Deliveries()
		return len(ds) == 1 && ds[0].State == "delivered" && ds[0].Attempts >= 2
	})
}

// TestSnapshotKeepsQueuedWebhooks: events queued but not yet attempted
// when the simulator closes are delivered after the restart.
func TestSnapshotKeepsQueuedWebhooks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	s1, err := New(Options{SnapshotPath: path})
	must(t, err)
	h := newHookSink(t, s1.TestAccount().AppSecret)
	must(t, s1.SetCallback(h.srv.URL, ""))
	s1.hooks.close() // workers stop: what is emitted now stays queued
	id, err := s1.CustomerSend(CustomerMessage{From: ana, Name: "Ana", Text: "oi"})
	must(t, err)
	s1.closed.Store(true) // Close without stopping the dispatcher twice
	close(s1.stop)
	s1.wg.Wait()
	must(t, s1.saveSnapshot())

	s2, err := New(Options{SnapshotPath: path})
	must(t, err)
	defer s2.Close()
	waitFor(t, "the queued event", func() bool { return len(h.values("messages")) == 1 })
	if got := h.values("messages")[0]["messages"].([]any)[0].(map[string]any); got["id"] != id {
		t.Errorf("delivered %v, want %s", got, id)
	}
}

// TestWebhookDuplicates: with duplicate_rate 1 every body arrives twice.
func TestWebhookDuplicates(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	e.sim.SetDuplicateRate(1)
	e.customer(ana, "oi")
	waitFor(t, "duplicate", func() bool { return len(h.values("messages")) == 2 })
	h.mu.Lock()
	defer h.mu.Unlock()
	if string(h.raw[0]) != string(h.raw[1]) {
		t.Error("duplicate bodies differ")
	}
}

// TestInboundTypes: each customer message type reaches the webhook in
// Meta's shape.
func TestInboundTypes(t *testing.T) {
	e, h, tplID := subscribedAfterTemplate(t)
	msgs := []CustomerMessage{
		{Type: "text", Text: "oi"},
		{Type: "image", Text: "foto"},
		{Type: "button", Text: "Falar com atendente", ContextID: tplID},
		{Type: "interactive", ReplyID: "r1", ReplyTitle: "Um", ReplyKind: "list_reply"},
		{Type: "reaction", MessageID: tplID, Emoji: "❤️"},
		{Type: "location", Latitude: -23.5, Longitude: -46.6, Text: "Casa"},
		{Type: "text", Text: "NÃO"},
	}
	for _, m := range msgs {
		m.From, m.Name = ana, "Ana"
		if _, err := e.sim.CustomerSend(m); err != nil {
			t.Fatal(err)
		}
	}
	var inbound []map[string]any
	waitFor(t, "inbound messages", func() bool {
		inbound = nil
		for _, v := range h.values("messages") {
			if ms, ok := v["messages"].([]any); ok {
				inbound = append(inbound, ms[0].(map[string]any))
			}
		}
		return len(inbound) == len(msgs)
	})
	byType := map[string]map[string]any{}
	for _, m := range inbound {
		byType[m["type"].(string)] = m
	}
	if b := byType["button"]; b["button"].(map[string]any)["text"] != "Falar com atendente" ||
		b["context"].(map[string]any)["id"] != tplID {
		t.Errorf("button reply = %v", b)
	}
	img := byType["image"]["image"].(map[string]any)
	st, media := e.graph("GET", img["id"].(string), nil)
	if st != 200 || media["mime_type"] != "image/png" || media["sha256"] != img["sha256"] {
		t.Errorf("media = %d %v", st, media)
	}
	if byType["interactive"]["interactive"].(map[string]any)["list_reply"] == nil {
		t.Errorf("interactive = %v", byType["interactive"])
	}
}
