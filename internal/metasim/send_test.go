package metasim

import (
	"testing"
	"time"
)

const ana = "5511987654321"

// TestSendErrors: every synchronous send error through the real handler.
func TestSendErrors(t *testing.T) {
	cases := []struct {
		name   string
		setup  func(e *env)
		body   map[string]any
		token  string
		status int
		code   int
	}{
		{"free-form before the customer wrote", nil, text(ana, "oi"), "", 400, 131047},
		{"free-form 25 h after the customer wrote", func(e *env) {
			e.customer(ana, "oi")
			e.sim.Clock().Advance(25 * time.Hour)
		}, text(ana, "oi"), "", 400, 131047},
		{"unknown template", nil, tpl(ana, "nao_existe", "pt_BR"), "", 400, 132001},
		{"template in another language", nil, tpl(ana, "hello_world", "pt_BR"), "", 400, 132001},
		{"paused template", func(e *env) {
			must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "hello_world", "en_US", "PAUSED", ""))
		}, tpl(ana, "hello_world", "en_US"), "", 400, 132015},
		{"disabled template", func(e *env) {
			must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "hello_world", "en_US", "DISABLED", ""))
		}, tpl(ana, "hello_world", "en_US"), "", 400, 132016},
		{"rejected template", func(e *env) {
			must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "hello_world", "en_US", "REJECTED", ""))
		}, tpl(ana, "hello_world", "en_US"), "", 400, 132001},
		{"too few body parameters", nil, tpl(ana, "pedido_enviado", "pt_BR", bodyParams("Ana")), "", 400, 132000},
		{"parameters for a template without variables", nil, tpl(ana, "hello_world", "en_US", bodyParams("x")), "", 400, 132000},
		{"wrong parameter type", nil, tpl(ana, "pedido_enviado", "pt_BR", map[string]any{"type": "body",
			"parameters": []map[string]any{{"type": "image", "image": map[string]any{"link": "https://x/y.png"}}, {"type": "text", "text": "b"}}}), "", 400, 132012},
		{"throughput exceeded", func(e *env) {
			must(t, e.sim.SetThroughput(e.acc.PhoneNumberID, 1))
			e.send(tpl(ana, "hello_world", "en_US"))
		}, tpl("5511911112222", "hello_world", "en_US"), "", 400, 130429},
		{"pair rate limit", func(e *env) {
			must(t, e.sim.SetPairRate(e.acc.PhoneNumberID, 1, 1))
			e.send(tpl(ana, "hello_world", "en_US"))
		}, tpl(ana, "hello_world", "en_US"), "", 400, 131056},
		{"invalid to", nil, tpl("abc", "hello_world", "en_US"), "", 400, 100},
		{"missing text body", func(e *env) { e.customer(ana, "oi") }, map[string]any{"to": ana, "type": "text"}, "", 400, 131008},
		{"unknown type", nil, map[string]any{"to": ana, "type": "hologram"}, "", 400, 100},
		{"bad token", nil, text(ana, "oi"), "nope", 401, 190},
		{"unregistered number", func(e *env) {
			e.graph("POST", e.acc.PhoneNumberID+"/deregister", nil)
		}, tpl(ana, "hello_world", "en_US"), "", 400, 133010},
		{"injected 131000", func(e *env) {
			must(t, e.sim.InjectError(e.acc.PhoneNumberID, 131000, 1, false))
		}, tpl(ana, "hello_world", "en_US"), "", 500, 131000},
		{"too many reply buttons", func(e *env) { e.customer(ana, "oi") }, map[string]any{"to": ana, "type": "interactive",
			"interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Escolha"},
				"action": map[string]any{"buttons": []map[string]any{btn("a"), btn("b"), btn("c"), btn("d")}}}}, "", 400, 131009},
		{"unknown media id", func(e *env) { e.customer(ana, "oi") }, map[string]any{"to": ana, "type": "image",
			"image": map[string]any{"id": "123"}}, "", 400, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			if c.setup != nil {
				c.setup(e)
			}
			c.body["messaging_product"] = "whatsapp"
			tok := e.acc.AccessToken
			if c.token != "" {
				tok = c.token
			}
			st, body := e.call("POST", "/v21.0/"+e.acc.PhoneNumberID+"/messages", tok, c.body)
			if st != c.status || errCode(body) != c.code {
				t.Fatalf("got %d %v, want %d code %d", st, body, c.status, c.code)
			}
			if c.code != 190 {
				ed, _ := body["error"].(map[string]any)["error_data"].(map[string]any)
				if ed["messaging_product"] != "whatsapp" || ed["details"] == "" {
					t.Errorf("error_data missing: %v", body)
				}
			}
		})
	}
}

func btn(id string) map[string]any {
	return map[string]any{"type": "reply", "reply": map[string]any{"id": id, "title": "Opção " + id}}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSendAccepted: every message type inside the window succeeds with
// Meta's body; templates carry message_status "accepted".
func TestSendAccepted(t *testing.T) {
	e := newEnv(t, Options{})
	inbound := e.customer(ana, "oi")
	cases := []map[string]any{
		text(ana, "Olá! Como posso ajudar?"),
		tpl(ana, "pedido_enviado", "pt_BR", bodyParams("Ana", "#123")),
		{"to": ana, "type": "image", "image": map[string]any{"link": "https://example.com/a.png", "caption": "foto"}},
		{"to": ana, "type": "document", "document": map[string]any{"link": "https://example.com/a.pdf", "filename": "a.pdf"}},
		{"to": ana, "type": "interactive", "interactive": map[string]any{"type": "button", "body": map[string]any{"text": "Escolha"},
			"action": map[string]any{"buttons": []map[string]any{btn("a"), btn("b")}}}},
		{"to": ana, "type": "interactive", "interactive": map[string]any{"type": "list", "body": map[string]any{"text": "Menu"},
			"action": map[string]any{"button": "Ver", "sections": []map[string]any{{"title": "S", "rows": []map[string]any{{"id": "r1", "title": "Um"}}}}}}},
		{"to": ana, "type": "interactive", "interactive": map[string]any{"type": "cta_url", "body": map[string]any{"text": "Site"},
			"action": map[string]any{"name": "cta_url", "parameters": map[string]any{"display_text": "Abrir", "url": "https://example.com"}}}},
		{"to": ana, "type": "reaction", "reaction": map[string]any{"message_id": inbound, "emoji": "👍"}},
		{"to": ana, "type": "location", "location": map[string]any{"latitude": -23.5, "longitude": -46.6, "name": "Loja"}},
		{"to": ana, "type": "contacts", "contacts": []map[string]any{{"name": map[string]any{"formatted_name": "X"}}}},
		{"to": ana, "type": "text", "text": map[string]any{"body": "reply"}, "context": map[string]any{"message_id": inbound}},
	}
	for i, c := range cases {
		st, body := e.send(c)
		if st != 200 {
			t.Fatalf("case %d: %d %v", i, st, body)
		}
		contacts := body["contacts"].([]any)[0].(map[string]any)
		if body["messaging_product"] != "whatsapp" || contacts["wa_id"] != ana || contacts["input"] != ana {
			t.Errorf("case %d: body %v", i, body)
		}
		msg := body["messages"].([]any)[0].(map[string]any)
		_, hasStatus := msg["message_status"]
		if (c["type"] == "template") != hasStatus {
			t.Errorf("case %d: message_status presence wrong: %v", i, msg)
		}
	}
	if got := e.sim.Sent(e.acc.PhoneNumberID, ana); got != len(cases) {
		t.Errorf("Sent = %d, want %d", got, len(cases))
	}
}

// TestWindowByClock: the window is 24 h from the last inbound message by
// the simulator clock, restarted by each inbound message.
func TestWindowByClock(t *testing.T) {
	e := newEnv(t, Options{})
	clock := e.sim.Clock()
	e.customer(ana, "oi")
	clock.Advance(23 * time.Hour)
	if st, b := e.send(text(ana, "ainda aberto")); st != 200 {
		t.Fatalf("23 h: %d %v", st, b)
	}
	e.customer(ana, "de novo") // restarts the window
	clock.Advance(23 * time.Hour)
	if st, b := e.send(text(ana, "reiniciada")); st != 200 {
		t.Fatalf("46 h (restarted): %d %v", st, b)
	}
	clock.Advance(time.Hour + time.Second)
	if st, b := e.send(text(ana, "fechada")); errCode(b) != 131047 {
		t.Fatalf("after 24 h: %d %v", st, b)
	}
	if st, b := e.send(tpl(ana, "hello_world", "en_US")); st != 200 {
		t.Fatalf("template after window: %d %v", st, b)
	}
}

// TestBrazilNinthDigit: a customer whose wa_id lacks the 9th digit.
func TestBrazilNinthDigit(t *testing.T) {
	e := newEnv(t, Options{})
	must(t, e.sim.SetCustomer("5511987654321", "551187654321", true))
	st, body := e.send(tpl("+55 11 98765-4321", "hello_world", "en_US"))
	if st != 200 {
		t.Fatal(st, body)
	}
	c := body["contacts"].([]any)[0].(map[string]any)
	if c["input"] != "+55 11 98765-4321" || c["wa_id"] != "551187654321" {
		t.Errorf("contacts = %v", c)
	}
	if e.sim.Sent(e.acc.PhoneNumberID, "551187654321") != 1 || e.sim.Sent(e.acc.PhoneNumberID, "5511987654321") != 1 {
		t.Error("typed and wa_id must be the same chat")
	}
}

// TestMarkRead: marking an inbound message read reads it and every
// earlier message of the customer, not the later ones; an unknown id is
// Meta's 131009.
func TestMarkRead(t *testing.T) {
	e := newEnv(t, Options{})
	first, second := e.customer(ana, "oi"), e.customer(ana, "tem em azul?")
	if st, r := e.send(text(ana, "Tem sim!")); st != 200 {
		t.Fatal(st, r)
	}
	third, later := e.customer(ana, "quero dois"), e.customer(ana, "pode entregar amanhã?")
	st, body := e.send(map[string]any{"status": "read", "message_id": third})
	if st != 200 || body["success"] != true {
		t.Fatal(st, body)
	}
	chat, _ := e.sim.Chat(e.acc.PhoneNumberID, ana)
	want := map[string]string{first: "read", second: "read", third: "read", later: "received"}
	for _, m := range chat.Messages {
		if w, ok := want[m.ID]; ok && m.Status != w {
			t.Errorf("%q: status %q, want %q", m.Text, m.Status, w)
		}
		if m.Direction == "out" && m.Status == "read" {
			t.Errorf("the business's own message %q was marked read", m.Text)
		}
	}
	st, body = e.send(map[string]any{"status": "read", "message_id": "wamid.nope"})
	if st != 400 || errCode(body) != 131009 {
		t.Fatal(st, body)
	}
}

// TestTemplateParams: named parameters, header and URL-button parameters.
func TestTemplateParams(t *testing.T) {
	e := newEnv(t, Options{})
	st, body := e.graph("POST", e.acc.WABAID+"/message_templates", map[string]any{
		"name": "boas_vindas", "language": "pt_BR", "category": "UTILITY", "parameter_format": "NAMED",
		"components": []map[string]any{
			{"type": "HEADER", "format": "IMAGE", "example": map[string]any{"header_handle": []string{"4::aW1n"}}},
			{"type": "BODY", "text": "Olá {{first_name}}, seu código é {{code}}.", "example": map[string]any{
				"body_text_named_params": []map[string]any{{"param_name": "first_name", "example": "Ana"}, {"param_name": "code", "example": "42"}}}},
			{"type": "BUTTONS", "buttons": []map[string]any{{"type": "URL", "text": "Rastrear", "url": "https://example.com/r/{{1}}", "example": []string{"abc"}}}},
		}})
	if st != 200 {
		t.Fatal(st, body)
	}
	header := map[string]any{"type": "header", "parameters": []map[string]any{{"type": "image", "image": map[string]any{"link": "https://example.com/a.png"}}}}
	named := map[string]any{"type": "body", "parameters": []map[string]any{
		{"type": "text", "parameter_name": "first_name", "text": "Ana"}, {"type": "text", "parameter_name": "code", "text": "42"}}}
	urlBtn := map[string]any{"type": "button", "sub_type": "url", "index": "0", "parameters": []map[string]any{{"type": "text", "text": "xyz"}}}
	wrongName := map[string]any{"type": "body", "parameters": []map[string]any{
		{"type": "text", "parameter_name": "nome", "text": "Ana"}, {"type": "text", "parameter_name": "code", "text": "42"}}}
	textHeader := map[string]any{"type": "header", "parameters": []map[string]any{{"type": "text", "text": "x"}}}
	for _, c := range []struct {
		comps []map[string]any
		code  int
	}{
		{[]map[string]any{header, named, urlBtn}, 0},
		{[]map[string]any{header, named}, 132000},             // URL button parameter missing
		{[]map[string]any{header, wrongName, urlBtn}, 132000}, // unknown parameter_name
		{[]map[string]any{textHeader, named, urlBtn}, 132012}, // text for an image header
		{[]map[string]any{named, urlBtn}, 132000},             // header parameter missing
	} {
		st, body := e.send(tpl(ana, "boas_vindas", "pt_BR", c.comps...))
		if errCode(body) != c.code || (c.code == 0 && st != 200) {
			t.Errorf("components %v: got %d %v, want code %d", c.comps, st, body, c.code)
		}
	}
	chat, _ := e.sim.Chat(e.acc.PhoneNumberID, ana)
	if got := chat.Messages[0].Text; got != "*[image]*\nOlá Ana, seu código é 42." {
		t.Errorf("rendered text = %q", got)
	}
}

// TestConcurrentUse: sends, customer messages, reads, snapshots and
// control calls at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{SnapshotPath: t.TempDir() + "/s.json"})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	must(t, e.sim.SetThroughput(e.acc.PhoneNumberID, 0))
	done := make(chan bool)
	for g := range 8 {
		go func() {
			defer func() { done <- true }()
			for i := range 25 {
				to := "55119" + string(rune('0'+g)) + "000000" + string(rune('0'+i%10))
				if _, err := e.sim.CustomerSend(CustomerMessage{From: to, Text: "oi"}); err != nil {
					t.Error(err)
				}
				if st, r := e.send(text(to, "olá")); st != 200 {
					t.Errorf("%d %v", st, r)
				}
				_, _ = e.sim.ReadChat(e.acc.PhoneNumberID, to)
				_ = e.sim.takeSnapshot()
				_ = e.sim.Deliveries()
			}
		}()
	}
	for range 8 {
		<-done
	}
}
