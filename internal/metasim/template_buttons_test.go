package metasim

import "testing"

// TestCodeButtons: an authentication template's OTP button takes the code
// as a url button's text, and a COPY_CODE button its coupon_code, as at
// Meta; a send without them, or with another sub_type, is refused.
func TestCodeButtons(t *testing.T) {
	e := newEnv(t, Options{})
	for _, req := range []map[string]any{
		{"name": "codigo", "language": "pt_BR", "category": "AUTHENTICATION", "components": []map[string]any{
			{"type": "BODY", "text": "*{{1}}* é seu código de verificação.", "example": map[string]any{"body_text": [][]string{{"123456"}}}},
			{"type": "BUTTONS", "buttons": []map[string]any{{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copiar código"}}}}},
		{"name": "cupom", "language": "pt_BR", "category": "MARKETING", "components": []map[string]any{
			{"type": "BODY", "text": "Seu cupom chegou, aproveite."},
			{"type": "BUTTONS", "buttons": []map[string]any{{"type": "COPY_CODE", "text": "Copiar cupom", "example": []string{"VERAO10"}}}}}},
	} {
		if st, body := e.graph("POST", e.acc.WABAID+"/message_templates", req); st != 200 {
			t.Fatal(st, body)
		}
	}
	code := map[string]any{"type": "body", "parameters": []map[string]any{{"type": "text", "text": "482913"}}}
	otp := func(sub string) map[string]any {
		return map[string]any{"type": "button", "sub_type": sub, "index": "0", "parameters": []map[string]any{{"type": "text", "text": "482913"}}}
	}
	coupon := func(sub string) map[string]any {
		return map[string]any{"type": "button", "sub_type": sub, "index": 0, "parameters": []map[string]any{{"type": "coupon_code", "coupon_code": "VERAO10"}}}
	}
	for _, c := range []struct {
		name  string
		comps []map[string]any
		code  int
	}{
		{"codigo", []map[string]any{code, otp("url")}, 0},
		{"codigo", []map[string]any{code}, 132000},                     // the OTP button needs the code
		{"codigo", []map[string]any{code, otp("quick_reply")}, 132012}, // wrong sub_type
		{"cupom", []map[string]any{coupon("copy_code")}, 0},
		{"cupom", nil, 132000},
		{"cupom", []map[string]any{otp("copy_code")}, 132012}, // text instead of coupon_code
	} {
		st, body := e.send(tpl(ana, c.name, "pt_BR", c.comps...))
		if errCode(body) != c.code || (c.code == 0 && st != 200) {
			t.Errorf("%s %v: got %d %v, want code %d", c.name, c.comps, st, body, c.code)
		}
	}
	chat, _ := e.sim.Chat(e.acc.PhoneNumberID, ana)
	if b := chat.Messages[0].Buttons; len(b) != 1 || b[0].Kind != "otp" || b[0].ID != "482913" {
		t.Errorf("OTP button = %+v", b)
	}
}
