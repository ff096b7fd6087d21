package httpapi_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
)

// API-CONTRACT.md "Conversations and messages", checked over HTTP against
// the simulator: the exact field names and JSON types, the status filter,
// and every refusal the contract names, with the simulator's count of what
// reached Meta.

const (
	ana      = "5511987654321" // writes first
	bia      = "5511976543210" // writes, then is resolved
	newPhone = "5511955554444" // never wrote: started with a template
)

func TestConversationsContract(t *testing.T) {
	eachLive(t, func(t *testing.T, e *liveEnv) {
		tok := e.login("alpha", "admin@alpha.com")
		open := e.customerSays(ana, "Ana", metasim.CustomerMessage{Text: "Oi, quero saber do meu pedido"})
		resolved := e.customerSays(bia, "Bia", metasim.CustomerMessage{Text: "Obrigada!"})
		wantStatus(t, e.do(req{method: "POST", path: idPath("/api/v1/conversations/%d/resolve", resolved.ID), token: tok}), http.StatusOK)
		started := startTemplate(t, e, tok, "start-1")

		t.Run("list", func(t *testing.T) { checkConversationList(t, e, tok, open.ID, started, resolved.ID) })
		t.Run("messages", func(t *testing.T) { checkMessages(t, e, tok, open.ID) })
		t.Run("start refusals", func(t *testing.T) { checkStartRefusals(t, e, tok) })
		t.Run("window closed", func(t *testing.T) {
			e.clock.Advance(24*time.Hour + time.Minute)
			tok := e.login("alpha", "admin@alpha.com") // the day-old session has ended
			sent := e.sim.Sent(e.acc.PhoneNumberID, ana)
			wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/conversations/%d/messages", open.ID), token: tok,
				body: textBody("Ainda aí?")}), http.StatusUnprocessableEntity, conversa.EWINDOWCLOSED)
			if n := e.sim.Sent(e.acc.PhoneNumberID, ana); n != sent {
				t.Fatalf("a refused send reached Meta: %d → %d", sent, n)
			}
		})
	})
}

func textBody(s string) map[string]any {
	return map[string]any{"type": "text", "text": map[string]string{"body": s}}
}

func templateBody(channelID int64, to, name string, params ...string) map[string]any {
	return map[string]any{"channel_id": channelID, "to": to, "type": "template",
		"template": map[string]any{"name": name, "language": "pt_BR", "parameters": params}}
}

// startTemplate starts a conversation with newPhone twice under one
// Idempotency-Key: both answers name the same conversation and message,
// and the simulator received one message.
func startTemplate(t *testing.T, e *liveEnv, tok, key string) int64 {
	t.Helper()
	start := req{method: "POST", path: "/api/v1/messages", token: tok, header: map[string]string{"Idempotency-Key": key},
		body: templateBody(e.channel.ID, "+55 11 95555-4444", "pedido_enviado", "Ana", "#123")}
	first, second := e.do(start), e.do(start)
	wantStatus(t, first, http.StatusCreated)
	wantStatus(t, second, http.StatusCreated)
	type ids struct {
		ConversationID int64 `json:"conversation_id"`
		MessageID      int64 `json:"message_id"`
	}
	a, b := decode[ids](t, first), decode[ids](t, second)
	if a.ConversationID == 0 || a.MessageID == 0 || a != b {
		t.Fatalf("start answers %s then %s", first.Body, second.Body)
	}
	e.waitStatus(a.MessageID, conversa.StatusDelivered)
	if n := e.sim.Sent(e.acc.PhoneNumberID, newPhone); n != 1 {
		t.Fatalf("the simulator received %d messages for one Idempotency-Key, want 1", n)
	}
	return a.ConversationID
}

var contractConversationKeys = []string{"id", "channel_id", "contact", "status", "window_expires_at", "last_message_at"}

func checkConversationList(t *testing.T, e *liveEnv, tok string, open, pending, resolved int64) {
	for status, want := range map[string][]int64{"open": {open, pending}, "resolved": {resolved}, "all": {open, pending, resolved}} {
		rec := e.do(req{method: "GET", path: "/api/v1/conversations?status=" + status, token: tok})
		wantStatus(t, rec, http.StatusOK)
		var got []int64
		for _, c := range rawObjects(t, rec.Body.Bytes()) {
			id := checkConversationJSON(t, e, c)
			got = append(got, id)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("status=%s lists %v, want %v", status, got, want)
		}
	}
}

// checkConversationJSON checks one conversation of the list against the
// contract and the stored row, and returns its id.
func checkConversationJSON(t *testing.T, e *liveEnv, c map[string]json.RawMessage) int64 {
	t.Helper()
	hasKeys(t, c, contractConversationKeys...)
	id := jsonInt(t, c["id"])
	stored, err := e.st.Conversation(ctx, e.alpha.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if jsonInt(t, c["channel_id"]) != e.channel.ID || jsonString(t, c["status"]) != string(stored.Status) {
		t.Errorf("conversation %d: channel_id %s status %s, stored %+v", id, c["channel_id"], c["status"], stored)
	}
	var contact map[string]json.RawMessage
	if err := json.Unmarshal(c["contact"], &contact); err != nil {
		t.Fatalf("contact %s: %v", c["contact"], err)
	}
	if keys := slices.Sorted(maps.Keys(contact)); !slices.Equal(keys, []string{"id", "name", "wa_id"}) {
		t.Errorf("contact keys %v, want exactly id, wa_id, name", keys)
	}
	if jsonInt(t, contact["id"]) != stored.ContactID || jsonString(t, contact["wa_id"]) == "" {
		t.Errorf("contact %s of conversation %+v", c["contact"], stored)
	}
	jsonString(t, contact["name"])
	want := stored.WindowExpiresAt()
	switch got := c["window_expires_at"]; {
	case want == nil && string(got) != "null":
		t.Errorf("conversation %d never had a customer message but window_expires_at = %s", id, got)
	case want != nil && !jsonTime(t, got).Equal(*want):
		t.Errorf("conversation %d: window_expires_at %s, want %s", id, got, want)
	}
	jsonTime(t, c["last_message_at"])
	return id
}

var contractMessageKeys = []string{"id", "direction", "type", "text", "status", "wamid", "created_at", "error"}

// checkMessages: the customer's message, a reply sent inside the window
// (201, then delivered) and one Meta fails, each with the contract's fields.
func checkMessages(t *testing.T, e *liveEnv, tok string, conv int64) {
	path := idPath("/api/v1/conversations/%d/messages", conv)
	rec := e.do(req{method: "POST", path: path, token: tok, body: textBody("Já saiu para entrega!")})
	wantStatus(t, rec, http.StatusCreated)
	reply := decode[struct {
		ID        int64
		Direction string
		Status    string
	}](t, rec)
	if reply.Direction != "out" || reply.Status != "queued" {
		t.Fatalf("reply = %s", rec.Body)
	}
	e.waitStatus(reply.ID, conversa.StatusDelivered)
	if err := e.sim.InjectError(e.acc.PhoneNumberID, 131026, 1, true); err != nil {
		t.Fatal(err)
	}
	rec = e.do(req{method: "POST", path: path, token: tok, body: textBody("Segue o código de rastreio")})
	wantStatus(t, rec, http.StatusCreated)
	failed := decode[struct{ ID int64 }](t, rec).ID
	e.waitStatus(failed, conversa.StatusFailed)

	rec = e.do(req{method: "GET", path: path, token: tok})
	wantStatus(t, rec, http.StatusOK)
	msgs := rawObjects(t, rec.Body.Bytes())
	if len(msgs) != 3 {
		t.Fatalf("messages = %s", rec.Body)
	}
	want := []struct{ direction, text, status string }{
		{"in", "Oi, quero saber do meu pedido", "received"},
		{"out", "Já saiu para entrega!", "delivered"},
		{"out", "Segue o código de rastreio", "failed"},
	}
	for i, m := range msgs {
		hasKeys(t, m, contractMessageKeys...)
		jsonInt(t, m["id"])
		jsonTime(t, m["created_at"])
		if jsonString(t, m["direction"]) != want[i].direction || jsonString(t, m["type"]) != "text" ||
			jsonString(t, m["text"]) != want[i].text || jsonString(t, m["status"]) != want[i].status || jsonString(t, m["wamid"]) == "" {
			t.Errorf("message %d = %v, want %+v", i, m, want[i])
		}
		if failedOne := want[i].status == "failed"; failedOne == (string(m["error"]) == "null") || failedOne && jsonString(t, m["error"]) == "" {
			t.Errorf("message %d (%s): error = %s", i, want[i].status, m["error"])
		}
	}
}

// checkStartRefusals: every 422 of POST /api/v1/messages the contract
// names, none of which reaches Meta.
func checkStartRefusals(t *testing.T, e *liveEnv, tok string) {
	optedOut := e.customerSays(ana, "", metasim.CustomerMessage{Text: "PARAR"})
	eventually(t, "ana opted out", func() bool {
		ct, err := e.st.Contact(ctx, e.alpha.ID, optedOut.ContactID)
		return err == nil && ct.OptedOut != nil
	})
	sentAna, sentNew := e.sim.Sent(e.acc.PhoneNumberID, ana), e.sim.Sent(e.acc.PhoneNumberID, newPhone)
	tests := []struct {
		name, to, template string
		params             []string
		code               string
	}{
		{"missing template", newPhone, "nao_existe", []string{"x"}, conversa.ETEMPLATENOTAPPROVED},
		{"pending template", newPhone, "em_revisao", []string{"#1"}, conversa.ETEMPLATENOTAPPROVED},
		{"paused template", newPhone, "pausado", []string{"x"}, conversa.ETEMPLATENOTAPPROVED},
		{"too few parameters", newPhone, "pedido_enviado", []string{"Ana"}, conversa.ETEMPLATEPARAMS},
		{"too many parameters", newPhone, "pedido_enviado", []string{"Ana", "#1", "extra"}, conversa.ETEMPLATEPARAMS},
		{"marketing to an opted-out contact", ana, "promocao_semana", []string{"Ana", "20%"}, conversa.EOPTEDOUT},
	}
	for _, tt := range tests {
		rec := e.do(req{method: "POST", path: "/api/v1/messages", token: tok, body: templateBody(e.channel.ID, "+"+tt.to, tt.template, tt.params...)})
		wantError(t, rec, http.StatusUnprocessableEntity, tt.code)
	}
	// The opted-out contact still gets a utility template.
	wantStatus(t, e.do(req{method: "POST", path: "/api/v1/messages", token: tok,
		body: templateBody(e.channel.ID, "+"+ana, "pedido_enviado", "Ana", "#124")}), http.StatusCreated)
	eventually(t, "the utility template sent", func() bool { return e.sim.Sent(e.acc.PhoneNumberID, ana) == sentAna+1 })
	if n := e.sim.Sent(e.acc.PhoneNumberID, newPhone); n != sentNew {
		t.Fatalf("refused starts reached Meta: %d → %d", sentNew, n)
	}
}

func hasKeys(t *testing.T, obj map[string]json.RawMessage, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("missing %q in %v", k, slices.Sorted(maps.Keys(obj)))
		}
	}
}

func jsonInt(t *testing.T, raw json.RawMessage) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		t.Errorf("%s is not an integer", raw)
	}
	return n
}

func jsonString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Errorf("%s is not a string", raw)
	}
	return s
}

// jsonTime parses an RFC 3339 string.
func jsonTime(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, jsonString(t, raw))
	if err != nil {
		t.Errorf("%s is not RFC 3339: %v", raw, err)
	}
	return at
}
