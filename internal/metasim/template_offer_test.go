package metasim

import (
	"encoding/json"
	"strings"
	"testing"
)

// docTemplate is a documented creation request, changed by edit before
// it is posted (nil: as published).
func docTemplate(t *testing.T, name string, edit func(req map[string]any, comps []any)) map[string]any {
	t.Helper()
	var req map[string]any
	must(t, json.Unmarshal(docBytes(t, name), &req))
	if edit != nil {
		edit(req, req["components"].([]any))
	}
	return req
}

func compAt(comps []any, i int) map[string]any { return comps[i].(map[string]any) }

func buttonAt(comps []any, c, b int) map[string]any {
	return compAt(comps, c)["buttons"].([]any)[b].(map[string]any)
}

// TestCopyCodeAndOfferCreation: Meta's documented COPY_CODE (a string
// example, no label) and limited-time offer requests are accepted, and
// their documented limits refused.
func TestCopyCodeAndOfferCreation(t *testing.T) {
	e := newEnv(t, Options{})
	const lto, coupon = "api/template_create_lto_request.json", "api/template_create_coupon_request.json"
	for _, c := range []struct {
		name, doc string
		edit      func(req map[string]any, comps []any)
		ok        bool
	}{
		{"coupon as documented", coupon, nil, true},
		{"offer as documented", lto, nil, true},
		{"code of 20", coupon, func(_ map[string]any, cs []any) { buttonAt(cs, 2, 1)["example"] = strings.Repeat("A", 20) }, true},
		{"code of 21", coupon, func(_ map[string]any, cs []any) { buttonAt(cs, 2, 1)["example"] = strings.Repeat("A", 21) }, false},
		{"code without example", coupon, func(_ map[string]any, cs []any) { delete(buttonAt(cs, 2, 1), "example") }, false},
		{"two copy codes", coupon, func(_ map[string]any, cs []any) { buttonAt(cs, 2, 0)["type"] = "COPY_CODE" }, false},
		{"offer code of 16", lto, func(_ map[string]any, cs []any) { buttonAt(cs, 3, 0)["example"] = strings.Repeat("A", 16) }, false},
		{"offer text of 17", lto, func(_ map[string]any, cs []any) {
			compAt(cs, 1)["limited_time_offer"].(map[string]any)["text"] = strings.Repeat("a", 17)
		}, false},
		{"offer without text", lto, func(_ map[string]any, cs []any) { compAt(cs, 1)["limited_time_offer"] = map[string]any{} }, false},
		{"utility offer", lto, func(r map[string]any, _ []any) { r["category"] = "utility" }, false},
		{"offer with footer", lto, func(r map[string]any, cs []any) {
			r["components"] = append(cs, map[string]any{"type": "footer", "text": "Até domingo"})
		}, false},
		{"offer with a text header", lto, func(_ map[string]any, cs []any) {
			cs[0] = map[string]any{"type": "header", "format": "text", "text": "Promoção"}
		}, false},
		{"offer body of 601", lto, func(_ map[string]any, cs []any) {
			compAt(cs, 2)["text"] = "Oi {{1}}, " + strings.Repeat("a", 580) + " código {{2}} válido."
		}, false},
	} {
		req := docTemplate(t, c.doc, c.edit)
		req["name"] = strings.ReplaceAll(strings.ToLower(c.name), " ", "_")
		st, r := e.graph("POST", e.acc.WABAID+"/message_templates", req)
		if (st == 200) != c.ok {
			t.Errorf("%s: got %d %v, want accepted=%v", c.name, st, r, c.ok)
		}
	}
}

// TestOfferSend: an offer with has_expiration needs its expiration in the
// send; the chat shows the offer line.
func TestOfferSend(t *testing.T) {
	e := newEnv(t, Options{})
	if st, r := e.graph("POST", e.acc.WABAID+"/message_templates", docTemplate(t, "api/template_create_lto_request.json", nil)); st != 200 {
		t.Fatal(st, r)
	}
	var send map[string]any
	must(t, json.Unmarshal(docBytes(t, "send/template_lto.json"), &send))
	comps := send["template"].(map[string]any)["components"].([]any)
	without := append([]any{}, comps[:2]...)
	without = append(without, comps[3:]...)
	wrong := map[string]any{"type": "limited_time_offer", "parameters": []any{map[string]any{"type": "text", "text": "amanhã"}}}
	for _, c := range []struct {
		name  string
		comps []any
		code  int
	}{
		{"documented", comps, 0},
		{"no offer component", without, 132000},
		{"text for the offer", append(append([]any{}, without...), wrong), 132012},
	} {
		send["template"].(map[string]any)["components"] = c.comps
		st, r := e.send(send)
		if errCode(r) != c.code || (c.code == 0 && st != 200) {
			t.Errorf("%s: got %d %v, want code %d", c.name, st, r, c.code)
		}
	}
	chat, _ := e.sim.Chat(e.acc.PhoneNumberID, "16505555555")
	if got := chat.Messages[0].Text; !strings.HasPrefix(got, "*[image]*\n⏳ Expiring offer! (until 1970-01-15 00:00 UTC)\nGood news, Pablo!") {
		t.Errorf("rendered = %q", got)
	}
	if b := chat.Messages[0].Buttons; b[0].Kind != "copy_code" || b[0].Title != "Copy code" || b[0].ID != "CARIBE25" {
		t.Errorf("buttons = %+v", b)
	}
	// An offer component for a template without an offer.
	if _, r := e.send(tpl("16505555555", "hello_world", "en_US", wrong)); errCode(r) != 132000 {
		t.Errorf("offer for a template without one: %v", r)
	}
}
