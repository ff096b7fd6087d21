package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// A conversation with unread customer messages has a count in the list,
// said in words to screen readers, and its thread tells app.js how many
// to mark read; once read (the API's POST .../read), the count is gone.
func TestInboxUnread(t *testing.T) {
	f := newInboxFixture(t)
	agent := f.s.login("agent@acme.com")
	f.setUnread(t, f.conv, 3)
	row := fmt.Sprintf(`<li class="unread"><a href="/app/inbox/%d?`, f.conv)
	for lang, words := range map[string]string{langPT: "3 mensagens não lidas", langEN: "3 unread messages"} {
		mustContain(t, f.page("/app/inbox/list", lang, agent), row,
			`<span class="unread-count" data-unread="3"><span aria-hidden="true">3</span><span class="sr-only">`+words+`</span></span>`)
	}
	thread := fmt.Sprintf("/app/inbox/%d/messages", f.conv)
	mustContain(t, f.page(thread, langPT, agent), fmt.Sprintf(`data-conv="%d" data-unread="3"`, f.conv))

	f.s.api("POST", fmt.Sprintf("/api/v1/conversations/%d/read", f.conv), agent, nil, nil)
	if list := f.page("/app/inbox/list", langPT, agent); strings.Contains(list, "unread") {
		t.Errorf("a read conversation still shows unread:\n%s", list)
	}
	mustContain(t, f.page(thread, langEN, agent), `data-unread="0"`)
	f.setUnread(t, f.conv, 1)
	mustContain(t, f.page("/app/inbox/list", langEN, agent), `<span class="sr-only">1 unread message</span>`)
}

func (f *inboxFixture) setUnread(t *testing.T, id int64, n int) {
	t.Helper()
	ctx := context.Background()
	c, err := f.st.Conversation(ctx, f.company, id)
	if err == nil {
		c.Unread = n
		err = f.st.SaveConversation(ctx, c)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A failed message of ours shows its reason and a "try again" button tied
// to it, sending the retry once (its Idempotency-Key is the message's);
// other bubbles have none. The API refuses a retry outside the window
// with a sentence in the user's language, which the form shows as is.
func TestInboxRetryButton(t *testing.T) {
	f := newInboxFixture(t)
	agent, admin := f.s.login("agent@acme.com"), f.s.login("admin@acme.com")
	failed := f.failedMessage(t, f.conv)
	for _, tc := range []struct{ lang, button, reason string }{
		{langPT, "Tentar novamente", "O WhatsApp não conseguiu entregar"},
		{langEN, "Try again", "WhatsApp could not deliver"},
	} {
		page := f.page(fmt.Sprintf("/app/inbox/%d/messages", f.conv), tc.lang, agent)
		mustContain(t, page, fmt.Sprintf(`<div class="err" role="note" id="m-%d-err">⚠ %s`, failed, tc.reason),
			fmt.Sprintf(`<form class="retry" data-api="/api/v1/messages/%d/retry" data-nobody data-idempotency="retry-%d"`, failed, failed),
			fmt.Sprintf(`<button type="submit" id="retry-%d" aria-describedby="m-%d-err"><span aria-hidden="true">↻</span> %s</button>`, failed, failed, tc.button),
			fmt.Sprintf(`id="retry-%d-error" hx-preserve`, failed))
		if strings.Count(page, `class="retry"`) != 1 {
			t.Errorf("%s: only the failed bubble offers a retry", tc.lang)
		}
	}
	// Sent again, it offers no second retry but a way to its resend.
	rec := f.s.postAs(fmt.Sprintf("/api/v1/messages/%d/retry", failed), langPT, agent, "Idempotency-Key: retry-0")
	if rec.Code != http.StatusCreated {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	var resend struct{ ID int64 }
	json.Unmarshal(rec.Body.Bytes(), &resend)
	page := f.page(fmt.Sprintf("/app/inbox/%d/messages", f.conv), langPT, agent)
	mustContain(t, page, fmt.Sprintf(`href="#m-%d">Enviada de novo: ver o reenvio</a>`, resend.ID))
	if strings.Contains(page, `class="retry"`) {
		t.Error("a message sent again still offers a retry")
	}
	// Ana's other conversation wrote two days ago: the window is closed.
	old := f.failedMessage(t, f.other)
	rec = f.s.postAs(fmt.Sprintf("/api/v1/messages/%d/retry", old), langPT, admin, "Idempotency-Key: retry-1")
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "janela de atendimento de 24 horas fechou") {
		t.Errorf("retry outside the window: %d %s", rec.Code, rec.Body)
	}
}

// failedMessage stores a free-form message of ours in conversation id that
// Meta refused as undeliverable.
func (f *inboxFixture) failedMessage(t *testing.T, id int64) int64 {
	t.Helper()
	m, _, err := f.st.InsertMessage(context.Background(), conversa.Message{CompanyID: f.company, ConversationID: id,
		Direction: conversa.Outbound, Type: "text", Text: "Posso ajudar em algo mais?", Status: conversa.StatusFailed,
		Payload: []byte(`{"type":"text","text":{"body":"Posso ajudar em algo mais?"}}`), ErrorCode: 131026,
		Error:     "WhatsApp could not deliver to this number: it may not be on WhatsApp, use an old app version or not have accepted the latest terms.",
		ErrorPT:   "O WhatsApp não conseguiu entregar para este número: ele pode não ter WhatsApp, usar uma versão antiga do app ou não ter aceitado os termos mais recentes.",
		CreatedAt: f.s.clock.Now().Add(-time.Second)})
	if err == nil {
		err = f.st.SaveMessage(context.Background(), m) // the failure is recorded by an update, as the send job does
	}
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// postAs POSTs to path without a body, as the browser's fetch does, in
// lang, with extra headers ("Name: value").
func (s *stack) postAs(path, lang string, cookie *http.Cookie, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, nil)
	r.AddCookie(cookie)
	r.Header.Set("Accept-Language", lang)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return rec
}
