package metasim

import (
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

// TestWebhookRetry: a failing callback gets the same body again later.
func TestWebhookRetry(t *testing.T) {
	e := newEnv(t, Options{WebhookRetryBase: time.Millisecond})
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
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	st, resp := e.send(tpl(ana, "pedido_enviado", "pt_BR", bodyParams("Ana", "#1")))
	if st != 200 {
		t.Fatal(st, resp)
	}
	tplID := wamidOf(resp)
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
