package metasim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The simulator's bodies must have the shape of Meta's published examples
// (testdata/meta-examples, sources in its README).

func loadExample(t *testing.T, name string) any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "meta-examples", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// sameShape reports differences between an example and the simulator's
// output: missing keys, extra keys, different types. A key named optional
// may be missing, or present though the example lacks it.
// Array elements are compared with elementShape.
func sameShape(path string, want, got any, optional map[string]bool) []string {
	var diffs []string
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path + ": want object"}
		}
		for k, wv := range w {
			gv, has := g[k]
			if !has {
				if !optional[path+"."+k] {
					diffs = append(diffs, path+"."+k+": missing")
				}
				continue
			}
			diffs = append(diffs, sameShape(path+"."+k, wv, gv, optional)...)
		}
		for k := range g {
			if _, has := w[k]; !has && !optional[path+"."+k] {
				diffs = append(diffs, path+"."+k+": not in Meta's example")
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{path + ": want array"}
		}
		if len(w) == 0 { // an empty example says nothing of its elements
			break
		}
		elem, opt := elementShape(w, path, optional)
		for _, gv := range g {
			diffs = append(diffs, sameShape(path+"[]", elem, gv, opt)...)
		}
	case string, float64, bool, nil:
		// null is a documented value too (a template's reason when it
		// is scheduled for deletion), not "anything goes".
		if kind(want) != kind(got) {
			diffs = append(diffs, path+": want "+kind(want)+", got "+kind(got))
		}
	}
	return diffs
}

func kind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "null"
}

// elementShape is what each element of an array must look like: a
// one-element example is the shape itself (its keys required unless
// named optional); several elements merge into a union whose keys are all
// optional (a BODY has no "format").
func elementShape(w []any, path string, optional map[string]bool) (any, map[string]bool) {
	if len(w) == 1 {
		return w[0], optional
	}
	union := unionOf(w)
	return union, allOptional(union, path+"[]", optional)
}

// unionOf merges the example's array elements into one shape.
func unionOf(xs []any) any {
	if len(xs) == 0 {
		return nil
	}
	if _, ok := xs[0].(map[string]any); !ok {
		return xs[0]
	}
	u := map[string]any{}
	for _, x := range xs {
		for k, v := range x.(map[string]any) {
			if _, has := u[k]; !has {
				u[k] = v
			}
		}
	}
	return u
}

// allOptional: inside arrays an element need not carry every key the
// union has (a BODY has no "format"), so only extra keys and types count.
func allOptional(union any, path string, base map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k, v := range base {
		out[k] = v
	}
	if m, ok := union.(map[string]any); ok {
		for k := range m {
			out[path+"."+k] = true
		}
	}
	return out
}

func checkShape(t *testing.T, example string, got any, optional ...string) {
	t.Helper()
	expectShape(t, example, loadExample(t, example), got, optional)
}

// expectShape fails the test on every difference between got (any value
// that marshals to JSON) and the example want, named name.
func expectShape(t *testing.T, name string, want, got any, optional []string) {
	t.Helper()
	var g any
	raw, _ := json.Marshal(got)
	_ = json.Unmarshal(raw, &g)
	opt := map[string]bool{}
	for _, o := range optional {
		opt[o] = true
	}
	for _, d := range sameShape("$", want, g, opt) {
		t.Errorf("%s: %s", name, d)
	}
}

func TestShapesGraphAnswers(t *testing.T) {
	e := newEnv(t, Options{})
	_, r := e.send(tpl(ana, "hello_world", "en_US"))
	checkShape(t, "send_template_response.json", r)
	e.customer(ana, "oi")
	_, r = e.send(text(ana, "olá"))
	checkShape(t, "send_message_response.json", r)
	e.sim.Clock().Advance(25 * time.Hour)
	_, r = e.send(text(ana, "fechou"))
	checkShape(t, "error_re_engagement.json", r)
	_, r = e.call("GET", "/v23.0/"+e.acc.PhoneNumberID, "bad-token", nil)
	checkShape(t, "error_invalid_token.json", r)
	_, r = e.graph("POST", e.acc.WABAID+"/message_templates", tplReq("novo_modelo", "MARKETING", body("Oferta nova.")))
	checkShape(t, "template_create_response.json", r)
	_, r = e.graph("GET", e.acc.WABAID+"/message_templates?limit=1", nil)
	checkShape(t, "template_list_response.json", r, "$.paging.previous", "$.data[].rejected_reason")
	_, r = e.graph("GET", e.acc.PhoneNumberID+"?fields=verified_name,code_verification_status,display_phone_number,quality_rating,platform_type,throughput,name_status,messaging_limit_tier,status", nil)
	checkShape(t, "phone_number_get.json", r)
	_, r = e.graph("POST", e.acc.PhoneNumberID+"/request_code", map[string]any{"code_method": "SMS", "language": "pt_BR"})
	checkShape(t, "success.json", r)
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	_, r = e.graph("GET", e.acc.WABAID+"/subscribed_apps", nil)
	checkShape(t, "subscribed_apps_get.json", r)
	up := uploadMediaBody(t, e, []byte("jpeg"), "image/jpeg") // the simulator's own answer, as sent
	checkShape(t, "media_upload_response.json", up)
	_, r = e.graph("GET", up["id"].(string), nil)
	checkShape(t, "media_get.json", r)
	_, r = e.graph("GET", e.acc.WABAID+"?fields=name,currency,timezone_id,message_template_namespace,primary_funding_id", nil)
	checkShape(t, "waba_get.json", r)
	_, r = e.graph("GET", e.acc.BusinessID+"/owned_whatsapp_business_accounts", nil)
	checkShape(t, "owned_whatsapp_business_accounts.json", r)
}

func TestShapesWebhooks(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	last := func() map[string]any {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.bodies[len(h.bodies)-1]
	}
	step := func(example string, act func(), optional ...string) {
		t.Helper()
		h.mu.Lock()
		n := len(h.bodies)
		h.mu.Unlock()
		act()
		waitFor(t, example, func() bool {
			h.mu.Lock()
			defer h.mu.Unlock()
			return len(h.bodies) > n
		})
		time.Sleep(20 * time.Millisecond) // let any follow-up status land first
		checkShape(t, example, firstOf(h, example, last()), optional...)
	}
	step("webhook_text_message.json", func() { e.customer(ana, "oi") })
	step("webhook_image_message.json", func() {
		_, _ = e.sim.CustomerSend(CustomerMessage{From: ana, Type: "image", Text: "foto"})
	})
	body := tpl(ana, "promocao_semana", "pt_BR", bodyParams("Ana", "10%"))
	body["biz_opaque_callback_data"] = "x"
	var tplID string
	step("webhook_status_sent_pmp.json", func() { _, r := e.send(body); tplID = wamidOf(r) },
		"$.entry[].changes[].value.statuses[].conversation")
	step("webhook_button_reply.json", func() {
		_, err := e.sim.CustomerSend(CustomerMessage{From: ana, Type: "button", Text: "NÃO", ContextID: tplID})
		must(t, err)
	})
	step("webhook_interactive_button_reply.json", func() {
		_, _ = e.sim.CustomerSend(CustomerMessage{From: ana, Type: "interactive", ReplyID: "a", ReplyTitle: "A", ContextID: tplID})
	})
	must(t, e.sim.SetCustomer("5511900000001", "", false))
	step("webhook_status_failed.json", func() { e.send(tpl("5511900000001", "hello_world", "en_US")) },
		"$.entry[].changes[].value.statuses[].biz_opaque_callback_data") // only when the send had one
	step("webhook_template_status_update.json", func() {
		must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "hello_world", "en_US", "APPROVED", ""))
	})
	step("webhook_phone_number_quality_update.json", func() { must(t, e.sim.SetThroughput(e.acc.PhoneNumberID, 1000)) })
	step("webhook_account_update.json", func() { must(t, e.sim.AccountUpdate(e.acc.WABAID, "ACCOUNT_VIOLATION")) })
}

// firstOf picks, among received bodies, the first one whose kind matches
// the example (a status "sent" for the sent example, and so on).
func firstOf(h *hookSink, example string, fallback map[string]any) map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	want := map[string]func(map[string]any) bool{
		"webhook_status_sent_pmp.json": func(v map[string]any) bool { return statusIs(v, "sent") },
		"webhook_status_failed.json":   func(v map[string]any) bool { return statusIs(v, "failed") },
	}[example]
	if want == nil {
		return fallback
	}
	for i := len(h.bodies) - 1; i >= 0; i-- {
		v := h.bodies[i]["entry"].([]any)[0].(map[string]any)["changes"].([]any)[0].(map[string]any)["value"].(map[string]any)
		if want(v) {
			return h.bodies[i]
		}
	}
	return fallback
}

func statusIs(v map[string]any, status string) bool {
	sts, _ := v["statuses"].([]any)
	return len(sts) > 0 && sts[0].(map[string]any)["status"] == status
}
