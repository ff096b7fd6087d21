package metasim

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func body(text string, examples ...string) map[string]any {
	c := map[string]any{"type": "BODY", "text": text}
	if len(examples) > 0 {
		c["example"] = map[string]any{"body_text": [][]string{examples}}
	}
	return c
}

func tplReq(name, cat string, comps ...map[string]any) map[string]any {
	return map[string]any{"name": name, "language": "pt_BR", "category": cat, "components": comps}
}

// TestCreateTemplateValidation: Meta's creation rules, one case each.
func TestCreateTemplateValidation(t *testing.T) {
	long := strings.Repeat("a", 1025)
	cases := []struct {
		name string
		req  map[string]any
		ok   bool
	}{
		{"valid", tplReq("pedido_ok", "UTILITY", body("Olá {{1}}, pedido {{2}} enviado.", "Ana", "#1")), true},
		{"uppercase name", tplReq("Pedido", "UTILITY", body("Oi")), false},
		{"bad category", tplReq("x1", "PROMO", body("Oi")), false},
		{"unknown language", map[string]any{"name": "x2", "language": "xx_XX", "category": "UTILITY", "components": []any{body("Oi")}}, false},
		{"no body", tplReq("x3", "UTILITY", map[string]any{"type": "FOOTER", "text": "f"}), false},
		{"body too long", tplReq("x4", "UTILITY", body(long)), false},
		{"starts with variable", tplReq("x5", "UTILITY", body("{{1}} chegou", "Ana")), false},
		{"ends with variable", tplReq("x6", "UTILITY", body("Olá {{1}}", "Ana")), false},
		{"missing example", tplReq("x7", "UTILITY", body("Olá {{1}}, tudo bem?")), false},
		{"non sequential", tplReq("x8", "UTILITY", body("Olá {{1}} e {{3}}!", "a", "b")), false},
		{"header two vars", tplReq("x9", "UTILITY", map[string]any{"type": "HEADER", "format": "TEXT", "text": "{{1}} {{2}}"}, body("Oi")), false},
		{"header too long", tplReq("x10", "UTILITY", map[string]any{"type": "HEADER", "format": "TEXT", "text": strings.Repeat("h", 61)}, body("Oi")), false},
		{"footer too long", tplReq("x11", "UTILITY", body("Oi"), map[string]any{"type": "FOOTER", "text": strings.Repeat("f", 61)}), false},
		{"too many buttons", tplReq("x12", "MARKETING", body("Oi"), map[string]any{"type": "BUTTONS", "buttons": qr(11)}), false},
		{"two phone buttons", tplReq("x13", "MARKETING", body("Oi"), map[string]any{"type": "BUTTONS", "buttons": []map[string]any{
			{"type": "PHONE_NUMBER", "text": "Ligar", "phone_number": "+5511"}, {"type": "PHONE_NUMBER", "text": "Ligar 2", "phone_number": "+5512"}}}), false},
		{"named ok", map[string]any{"name": "x14", "language": "pt_BR", "category": "UTILITY", "parameter_format": "NAMED",
			"components": []any{map[string]any{"type": "BODY", "text": "Oi {{nome}}!", "example": map[string]any{
				"body_text_named_params": []any{map[string]any{"param_name": "nome", "example": "Ana"}}}}}}, true},
		{"named with number", map[string]any{"name": "x15", "language": "pt_BR", "category": "UTILITY", "parameter_format": "NAMED",
			"components": []any{body("Oi {{1}}!", "Ana")}}, false},
	}
	e := newEnv(t, Options{ReviewDelay: time.Hour})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, resp := e.graph("POST", e.acc.WABAID+"/message_templates", c.req)
			if c.ok != (st == 200) {
				t.Fatalf("got %d %v", st, resp)
			}
			if c.ok && (resp["status"] != "PENDING" || resp["id"] == "" || resp["category"] != c.req["category"]) {
				t.Errorf("response = %v", resp)
			}
			if !c.ok && errCode(resp) != 100 {
				t.Errorf("error code = %v", resp)
			}
		})
	}
	st, resp := e.graph("POST", e.acc.WABAID+"/message_templates", cases[0].req)
	if st != 400 || resp["error"].(map[string]any)["error_subcode"] != float64(subDuplicate) {
		t.Errorf("duplicate: %d %v", st, resp)
	}
}

func qr(n int) []map[string]any {
	var out []map[string]any
	for i := range n {
		out = append(out, map[string]any{"type": "QUICK_REPLY", "text": "B" + string(rune('a'+i))})
	}
	return out
}

// TestReviewLifecycle: PENDING until ReviewDelay passes on the sim clock,
// then APPROVED or REJECTED by the documented rules, each with a webhook.
func TestReviewLifecycle(t *testing.T) {
	e := newEnv(t, Options{ReviewDelay: 10 * time.Minute})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	for _, name := range []string{"aviso_ok", "reject_me", "mismatch_cat"} {
		if st, r := e.graph("POST", e.acc.WABAID+"/message_templates", tplReq(name, "UTILITY", body("Seu pedido chegou."))); st != 200 {
			t.Fatal(st, r)
		}
	}
	status := func(name string) (string, string) {
		_, r := e.graph("GET", e.acc.WABAID+"/message_templates?name="+name+"&fields=name,status,rejected_reason", nil)
		d := r["data"].([]any)[0].(map[string]any)
		return d["status"].(string), d["rejected_reason"].(string)
	}
	if s, _ := status("aviso_ok"); s != "PENDING" {
		t.Fatalf("before review: %s", s)
	}
	if _, r := e.send(tpl(ana, "aviso_ok", "pt_BR")); errCode(r) != 132001 {
		t.Errorf("pending template sent: %v", r)
	}
	e.sim.Clock().Advance(11 * time.Minute)
	want := map[string][2]string{"aviso_ok": {"APPROVED", "NONE"}, "reject_me": {"REJECTED", "INVALID_FORMAT"},
		"mismatch_cat": {"REJECTED", "TAG_CONTENT_MISMATCH"}}
	for name, w := range want {
		if s, r := status(name); s != w[0] || r != w[1] {
			t.Errorf("%s: %s %s, want %v", name, s, r, w)
		}
	}
	waitFor(t, "3 template webhooks", func() bool { return len(h.values("message_template_status_update")) == 3 })
	for _, v := range h.values("message_template_status_update") {
		if _, ok := v["message_template_id"].(float64); !ok || v["message_template_language"] != "pt_BR" {
			t.Errorf("webhook value = %v", v)
		}
	}
	if st, r := e.send(tpl(ana, "aviso_ok", "pt_BR")); st != 200 {
		t.Errorf("approved template: %d %v", st, r)
	}
	// Editing the rejected one sends it back to review.
	_, r := e.graph("GET", e.acc.WABAID+"/message_templates?name=reject_me", nil)
	id := r["data"].([]any)[0].(map[string]any)["id"].(string)
	if st, r := e.graph("POST", id, map[string]any{"components": []any{body("Texto corrigido.")}}); st != 200 {
		t.Fatal(st, r)
	}
	if s, _ := status("reject_me"); s != "PENDING" {
		t.Errorf("after edit: %s", s)
	}
	// PAUSED from the control API, with its webhook.
	must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "aviso_ok", "pt_BR", "PAUSED", ""))
	waitFor(t, "paused webhook", func() bool {
		for _, v := range h.values("message_template_status_update") {
			if v["event"] == "PAUSED" {
				return true
			}
		}
		return false
	})
}

// TestListDeleteTemplates: paging cursors, fields and delete by name/hsm_id.
func TestListDeleteTemplates(t *testing.T) {
	e := newEnv(t, Options{})
	_, r := e.graph("GET", e.acc.WABAID+"/message_templates?limit=2", nil)
	if len(r["data"].([]any)) != 2 {
		t.Fatalf("page 1 = %v", r)
	}
	next := r["paging"].(map[string]any)["next"].(string)
	u, _ := url.Parse(next)
	_, r2 := e.graph("GET", e.acc.WABAID+"/message_templates?"+u.RawQuery, nil)
	if len(r2["data"].([]any)) != 1 || r2["paging"].(map[string]any)["previous"] == nil {
		t.Fatalf("page 2 = %v", r2)
	}
	first := r["data"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "name", "language", "status", "category", "components", "parameter_format"} {
		if _, ok := first[k]; !ok {
			t.Errorf("template lacks %s: %v", k, first)
		}
	}
	if st, r := e.graph("DELETE", e.acc.WABAID+"/message_templates?name=hello_world", nil); st != 200 || r["success"] != true {
		t.Fatal(st, r)
	}
	if st, r := e.graph("DELETE", e.acc.WABAID+"/message_templates?name=hello_world", nil); st != 400 {
		t.Fatal(st, r)
	}
	_, r = e.graph("GET", e.acc.WABAID+"/message_templates?name=pedido_enviado", nil)
	id := r["data"].([]any)[0].(map[string]any)["id"].(string)
	if st, r := e.graph("DELETE", e.acc.WABAID+"/message_templates?name=pedido_enviado&hsm_id="+id, nil); st != 200 {
		t.Fatal(st, r)
	}
	_, r = e.graph("GET", e.acc.WABAID+"/message_templates", nil)
	if len(r["data"].([]any)) != 1 {
		t.Errorf("left = %v", r)
	}
}
