package metasim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Meta's documented examples (internal/whatsapp/testdata, each with its
// source in that folder's README) against the simulator: request bodies
// posted as published to the real handler, and the simulator's webhooks
// compared with the documented payloads (same keys, same JSON types).

const docs = "../whatsapp/testdata"

func docBytes(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(docs, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func docJSON(t *testing.T, name string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(docBytes(t, name), &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// likeDoc fails on every difference between got and a documented payload.
func likeDoc(t *testing.T, doc string, got any, optional ...string) {
	t.Helper()
	expectShape(t, doc, docJSON(t, doc), got, optional)
}

// docTemplateRequests are Meta's documented template creation requests;
// the documented sends use the templates they create.
var docTemplateRequests = []string{"api/template_create_request.json", "api/template_create_named_request.json",
	"api/template_create_lto_request.json", "api/template_create_coupon_request.json"}

// TestMetaRequestExamples posts every documented send request, and the
// template and account creation requests, as published.
func TestMetaRequestExamples(t *testing.T) {
	e := newEnv(t, Options{})
	docRequestsWorld(t, e)
	for _, name := range docTemplateRequests {
		st, r := e.call("POST", "/v23.0/"+e.acc.WABAID+"/message_templates", e.acc.AccessToken, string(docBytes(t, name)))
		if st != 200 {
			t.Fatalf("%s: %d %v", name, st, r)
		}
		likeDoc(t, "api/template_create_response.json", r)
	}
	st, r := e.call("POST", "/v23.0/"+e.acc.BusinessID+"/whatsapp_business_accounts", e.acc.AccessToken,
		string(docBytes(t, "api/waba_create_request.json")))
	if st != 200 {
		t.Fatalf("waba create: %d %v", st, r)
	}
	likeDoc(t, "api/waba_create_response.json", r, "$.payment_account_id") // new accounts have no payment method
	files, _ := filepath.Glob(filepath.Join(docs, "send", "*.json"))
	sent := 0
	for _, f := range files {
		name := "send/" + filepath.Base(f)
		if strings.HasSuffix(name, "response.json") {
			continue
		}
		t.Run(name, func(t *testing.T) { postDocSend(t, e, name) })
		sent++
	}
	if sent < 12 {
		t.Errorf("only %d documented send requests found in %s", sent, docs)
	}
}

// docRequestsWorld sets up what the documented requests presuppose: the
// customers wrote first (open windows), the document they send by id was
// uploaded, the message they mark read came in.
func docRequestsWorld(t *testing.T, e *env) {
	t.Helper()
	for _, c := range []string{"16505551234", "16505555555"} {
		e.customer(c, "Oi")
	}
	doc := docJSON(t, "send/document_id.json").(map[string]any)["document"].(map[string]any)
	e.sim.media.put(&mediaItem{ID: doc["id"].(string), PhoneID: e.acc.PhoneNumberID, MimeType: "application/pdf",
		SHA256: strings.Repeat("0", 64), Data: []byte("%PDF-1.4")})
	read := docJSON(t, "send/mark_read.json").(map[string]any)["message_id"].(string)
	_, err := e.sim.CustomerSend(CustomerMessage{From: "16505551234", Text: "Obrigado", ID: read})
	must(t, err)
}

// postDocSend posts one documented request and checks Meta's answer.
func postDocSend(t *testing.T, e *env, name string) {
	body := docBytes(t, name)
	st, r := e.call("POST", "/v23.0/"+e.acc.PhoneNumberID+"/messages", e.acc.AccessToken, string(body))
	if st != 200 {
		t.Fatalf("%d %v", st, r)
	}
	if name == "send/mark_read.json" {
		likeDoc(t, "send/mark_read_response.json", r)
		if r["success"] != true {
			t.Errorf("mark read = %v", r)
		}
		return
	}
	// message_status is documented for template sends only.
	likeDoc(t, "send/response.json", r, "$.messages[].message_status")
	var req struct {
		To string `json:"to"`
	}
	_ = json.Unmarshal(body, &req)
	if in := r["contacts"].([]any)[0].(map[string]any)["input"]; in != req.To {
		t.Errorf("contacts[0].input = %v, want the request's to %q", in, req.To)
	}
}

// TestMetaErrorExamples: the documented error bodies, from the send path.
func TestMetaErrorExamples(t *testing.T) {
	e := newEnv(t, Options{})
	st, r := e.send(text(ana, "fora da janela")) // the customer never wrote
	if st != 400 || errCode(r) != 131047 {
		t.Fatalf("%d %v", st, r)
	}
	likeDoc(t, "errors/131047.json", r)
	must(t, e.sim.SetThroughput(e.acc.PhoneNumberID, 1))
	e.send(tpl(ana, "hello_world", "en_US"))
	st, r = e.send(tpl("5511911112222", "hello_world", "en_US"))
	if errCode(r) != 130429 {
		t.Fatalf("%d %v", st, r)
	}
	likeDoc(t, "errors/130429.json", r, "$.error.error_subcode") // deprecated: not in v16.0+
}

// TestWebhookExamples: for every inbound type the simulator emits, the
// webhook has the documented payload's shape (template status changes:
// TestTemplateStatusExamples).
func TestWebhookExamples(t *testing.T) {
	e, h, tplID := subscribedAfterTemplate(t)
	for _, c := range inboundCases(tplID) {
		t.Run(c.doc, func(t *testing.T) {
			c.msg.From, c.msg.Name = ana, "Ana"
			id, err := e.sim.CustomerSend(c.msg)
			must(t, err)
			likeDoc(t, "webhooks/"+c.doc, hookBody(t, h, id), c.optional...)
		})
	}
}

type inboundCase struct {
	doc      string
	msg      CustomerMessage
	optional []string
}

// inboundCases: one customer message per documented inbound webhook, with
// the keys Meta's syntax includes only sometimes named optional.
func inboundCases(tplID string) []inboundCase {
	msg := "$.entry[].changes[].value.messages[]."
	return []inboundCase{
		{"text.json", CustomerMessage{Type: "text", Text: "Tem em outra cor?"}, nil},
		{"image.json", CustomerMessage{Type: "image", Text: "Taj Mahal", MimeType: "image/jpeg"}, nil},
		{"audio.json", CustomerMessage{Type: "audio", MimeType: "audio/ogg; codecs=opus"}, nil},
		{"video.json", CustomerMessage{Type: "video", Text: "Olha isso", MimeType: "video/mp4"}, nil},
		{"document.json", CustomerMessage{Type: "document", Text: "Nota fiscal", MimeType: "application/pdf",
			Filename: "nota.pdf"}, nil},
		// The sticker example predates the media url the other media pages added.
		{"sticker.json", CustomerMessage{Type: "sticker", MimeType: "image/webp"}, []string{msg + "sticker.url"}},
		{"location.json", CustomerMessage{Type: "location", Latitude: -23.56, Longitude: -46.65, Text: "Loja Paulista",
			Address: "Av. Paulista, 1000"}, []string{msg + "location.url"}}, // url: only for a business's pin
		{"contacts.json", CustomerMessage{Type: "contacts", Text: "Bia", Payload: "5511955554444"},
			[]string{msg + "contacts[].name.last_name", msg + "contacts[].phones[].wa_id", msg + "contacts[].emails"}},
		{"reaction.json", CustomerMessage{Type: "reaction", MessageID: tplID, Emoji: "👍"}, nil},
		{"button.json", CustomerMessage{Type: "button", Text: "Falar com atendente", ContextID: tplID}, nil},
		{"interactive_button_reply.json", CustomerMessage{Type: "interactive", ReplyID: "change-button",
			ReplyTitle: "Change", ContextID: tplID}, nil},
		{"interactive_list_reply.json", CustomerMessage{Type: "interactive", ReplyKind: "list_reply", ReplyID: "r1",
			ReplyTitle: "Um", ContextID: tplID}, []string{msg + "interactive.list_reply.description"}},
	}
}

// hookBody waits for the webhook POST carrying message id.
func hookBody(t *testing.T, h *hookSink, id string) map[string]any {
	t.Helper()
	return waitBody(t, h, id, func(v map[string]any) bool {
		ms, _ := v["messages"].([]any)
		return len(ms) == 1 && ms[0].(map[string]any)["id"] == id
	})
}

// templateHook waits for the template status webhook with that event, the
// first with other_info (an unpause) or the first without.
func templateHook(t *testing.T, h *hookSink, event string, withInfo bool) map[string]any {
	t.Helper()
	return waitBody(t, h, event, func(v map[string]any) bool { return v["event"] == event && (v["other_info"] != nil) == withInfo })
}

// waitBody waits for the change whose value matches and returns it as a
// POST of its own: under load the simulator batches entries into one POST,
// as Meta does, and the documented examples show one.
func waitBody(t *testing.T, h *hookSink, what string, match func(value map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if b := findChange(h, match); b != nil {
			return b
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no webhook for %s", what)
	return nil
}

func findChange(h *hookSink, match func(map[string]any) bool) map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.bodies {
		for _, en := range b["entry"].([]any) {
			entry := en.(map[string]any)
			for _, ch := range entry["changes"].([]any) {
				if match(ch.(map[string]any)["value"].(map[string]any)) {
					one := map[string]any{}
					for k, v := range entry {
						one[k] = v
					}
					one["changes"] = []any{ch}
					return map[string]any{"object": b["object"], "entry": []any{one}}
				}
			}
		}
	}
	return nil
}
