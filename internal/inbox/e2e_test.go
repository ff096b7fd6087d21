package inbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

type apiMessage struct {
	ID        int64   `json:"id"`
	Direction string  `json:"direction"`
	Type      string  `json:"type"`
	Text      string  `json:"text"`
	Status    string  `json:"status"`
	WAMID     *string `json:"wamid"`
	Error     *string `json:"error"`
}

type apiConversation struct {
	ID              int64   `json:"id"`
	Status          string  `json:"status"`
	WindowExpiresAt *string `json:"window_expires_at"`
	WindowOpen      bool    `json:"window_open"`
	Unread          int     `json:"unread"`
	Contact         struct {
		ID   int64  `json:"id"`
		WAID string `json:"wa_id"`
		Name string `json:"name"`
	} `json:"contact"`
}

func (w *world) messages(convID int64) []apiMessage {
	var out struct{ Data []apiMessage }
	w.call("GET", fmt.Sprintf("/api/v1/conversations/%d/messages", convID), nil, nil, http.StatusOK, &out)
	return out.Data
}

func (w *world) message(convID, id int64) apiMessage {
	for _, m := range w.messages(convID) {
		if m.ID == id {
			return m
		}
	}
	w.t.Fatalf("message %d not in conversation %d", id, convID)
	return apiMessage{}
}

func (w *world) conversation(id int64) apiConversation {
	var c apiConversation
	w.call("GET", fmt.Sprintf("/api/v1/conversations/%d", id), nil, nil, http.StatusOK, &c)
	return c
}

func (w *world) waitStatus(convID, msgID int64, want string) {
	w.t.Helper()
	last := ""
	eventually(w.t, fmt.Sprintf("message %d %s", msgID, want), func() bool {
		last = w.message(convID, msgID).Status
		return last == want
	}, func() string { return "status " + last + "; simulator webhooks: " + fmt.Sprint(w.sim.WebhookStats()) })
}

func text(body string) map[string]any {
	return map[string]any{"type": "text", "text": map[string]string{"body": body}}
}

func template(name string, params ...string) map[string]any {
	return map[string]any{"type": "template", "template": map[string]any{"name": name, "language": "pt_BR", "parameters": params}}
}

// The walk-through against the simulator: start with a template,
// the customer replies, a free-form reply is delivered and read, the clock
// moves 24 h, free-form is refused without calling Meta while templates
// still go, and the customer writing again reopens the window.
func TestEndToEndWindowAgainstSimulator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, nil)
		pn := w.acc.PhoneNumberID
		var started struct {
			ConversationID int64 `json:"conversation_id"`
			MessageID      int64 `json:"message_id"`
		}
		body := template("pedido_enviado", "Ana", "#123")
		body["channel_id"], body["to"] = w.channel.ID, "+55 (11) 98765-4321"
		w.call("POST", "/api/v1/messages", body, nil, http.StatusCreated, &started)
		w.waitStatus(started.ConversationID, started.MessageID, "delivered")
		if m := w.message(started.ConversationID, started.MessageID); m.Text != "Olá Ana, seu pedido #123 foi enviado." || m.WAMID == nil {
			t.Fatalf("template message = %+v", m)
		}
		conv := w.conversation(started.ConversationID)
		if conv.WindowExpiresAt != nil || conv.Status != "pending" || conv.Contact.WAID != customer {
			t.Fatalf("before the customer wrote: %+v", conv)
		}
		path := fmt.Sprintf("/api/v1/conversations/%d/messages", conv.ID)
		sent := w.sim.Sent(pn, customer)
		w.call("POST", path, text("Oi?"), nil, http.StatusUnprocessableEntity, nil)

		if _, err := w.sim.CustomerSend(metasim.CustomerMessage{From: customer, Name: "Ana Souza", Text: "Oi, onde está meu pedido?"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the window to open", func() bool { return w.conversation(conv.ID).WindowOpen })
		if c := w.conversation(conv.ID); c.Status != "open" || c.Contact.Name != "Ana Souza" || c.Unread != 1 {
			t.Fatalf("after the reply: %+v", c)
		}
		// The agent opens the thread: read here, blue ticks on the phone.
		var read apiConversation
		w.call("POST", fmt.Sprintf("/api/v1/conversations/%d/read", conv.ID), nil, nil, http.StatusOK, &read)
		if read.Unread != 0 {
			t.Fatalf("after reading: %+v", read)
		}
		eventually(t, "the customer's message to show read on the phone", func() bool {
			chat, _ := w.sim.Chat(pn, customer)
			for _, m := range chat.Messages {
				if m.Direction == "in" && m.Status == "read" {
					return true
				}
			}
			return false
		})
		var reply apiMessage
		w.call("POST", path, text("Já saiu para entrega!"), nil, http.StatusCreated, &reply)
		if reply.Status != "queued" || reply.Direction != "out" {
			t.Fatalf("reply = %+v", reply)
		}
		w.waitStatus(conv.ID, reply.ID, "delivered")
		if _, err := w.sim.ReadChat(pn, customer); err != nil {
			t.Fatal(err)
		}
		w.waitStatus(conv.ID, reply.ID, "read")

		w.clock.Advance(24*time.Hour + time.Minute)
		w.token = w.login() // a day later the agent's session has ended too
		sent = w.sim.Sent(pn, customer)
		before := len(w.messages(conv.ID))
		raw := w.call("POST", path, text("Ainda aí?"), nil, http.StatusUnprocessableEntity, nil)
		if !strings.Contains(string(raw), `"code":"window_closed"`) {
			t.Fatalf("refusal = %s", raw)
		}
		if n := w.sim.Sent(pn, customer); n != sent || len(w.messages(conv.ID)) != before {
			t.Fatalf("refused send reached Meta (%d → %d sends) or was stored", sent, n)
		}
		var tmpl apiMessage
		w.call("POST", path, template("pedido_enviado", "Ana", "#124"), nil, http.StatusCreated, &tmpl)
		w.waitStatus(conv.ID, tmpl.ID, "delivered")

		if _, err := w.sim.CustomerSend(metasim.CustomerMessage{From: customer, Text: "Recebi, obrigada"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the window to reopen", func() bool { return w.conversation(conv.ID).WindowOpen })
		w.call("POST", path, text("Por nada!"), nil, http.StatusCreated, nil)
	})
}
