package web

import (
	"bytes"
	"html"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// renderThread renders the thread's messages as the inbox does, for
// messages as the API would give them (with "content").
func renderThread(t *testing.T, lang string, msgs []apiMessage) string {
	t.Helper()
	u, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/app/inbox/7/messages", nil)
	r.Header.Set("Accept-Language", lang)
	v := u.newView(r)
	v.P = &auth.Principal{User: conversa.User{ID: 1, Name: "Otto", Role: conversa.RoleAgent}}
	td := &threadData{Me: 1, now: time.Now(), zone: v.zone}
	td.C.ID, td.C.Contact.Name, td.C.Contact.WAID = 7, "Ana Cliente", "5511987654321"
	td.Messages = foldReactions(msgs)
	v.Data = td
	var b bytes.Buffer
	if err := u.pages.sets["inbox.html"].ExecuteTemplate(&b, "thread-messages", v); err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(b.String())
}

func wamid(s string) *string { return &s }

// Locations, shared contacts, documents, chosen buttons and list rows,
// and unsupported messages show what they hold, in both languages; a
// reaction sits on the bubble it is about, or on a line of its own when
// that message isn't in the thread.
func TestThreadContent(t *testing.T) {
	at := time.Date(2026, 3, 9, 18, 5, 0, 0, time.UTC)
	msgs := []apiMessage{
		{ID: 1, Direction: "out", Type: "text", Text: "Seu pedido saiu.", Status: "read", WAMID: wamid("wamid.out1"), CreatedAt: at},
		{ID: 2, Direction: "in", Type: "location", Text: "Loja Paulista", Status: "received", WAMID: wamid("wamid.in1"), CreatedAt: at,
			Content: &apiContent{Location: &apiLocation{Latitude: -23.5614, Longitude: -46.6559, Name: "Loja Paulista", Address: "Av. Paulista, 1000"}}},
		{ID: 3, Direction: "in", Type: "contacts", Status: "received", CreatedAt: at,
			Content: &apiContent{Contacts: []apiSharedContact{{Name: "Bruno Lima", Phones: []string{"+55 11 91234-5678"}}}}},
		{ID: 4, Direction: "in", Type: "document", Status: "received", HasMedia: true, MediaStored: true, CreatedAt: at,
			Content: &apiContent{Filename: "nota-fiscal.pdf"}},
		{ID: 5, Direction: "in", Type: "interactive", Text: "Terça", Status: "received", CreatedAt: at,
			Content: &apiContent{Reply: &apiReply{Kind: "list_reply", Title: "Terça", Details: "das 9h às 12h"}}},
		{ID: 6, Direction: "in", Type: "unsupported", Status: "received", CreatedAt: at, Content: &apiContent{Unsupported: true}},
		{ID: 7, Direction: "in", Type: "reaction", Text: "👍", Status: "received", CreatedAt: at,
			Content: &apiContent{Reaction: &apiReaction{MessageID: "wamid.out1", Emoji: "👍"}}},
		{ID: 8, Direction: "in", Type: "reaction", Text: "❤️", Status: "received", CreatedAt: at,
			Content: &apiContent{Reaction: &apiReaction{MessageID: "wamid.older", Emoji: "❤️"}}},
		{ID: 9, Direction: "out", Type: "text", Text: "Obrigado!", Status: "delivered", WAMID: wamid("wamid.out2"), CreatedAt: at},
	}
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{langPT, []string{`<h3 class="day-divider"><time datetime="2026-03-09T18:05:00Z">09/03/2026</time></h3>`, "Abrir no mapa", "Escolheu na lista:", "O cliente enviou um tipo de mensagem que o WhatsApp não entrega",
			"Ana Cliente reagiu com ❤️ a uma mensagem anterior.", `aria-label="Lida"`, `aria-label="Entregue"`, "Reação do cliente: 👍"}},
		{langEN, []string{`<h3 class="day-divider"><time datetime="2026-03-09T18:05:00Z">Mar 9, 2026</time></h3>`, "Open in map", "Picked from the list:", "The customer sent a kind of message WhatsApp doesn't deliver",
			"Ana Cliente reacted ❤️ to an earlier message.", `aria-label="Read"`, `aria-label="Delivered"`, "The customer's reaction: 👍"}},
	} {
		page := renderThread(t, tc.lang, msgs)
		mustContain(t, page, tc.want...)
		mustContain(t, page, `href="https://www.openstreetmap.org/?mlat=-23.561400&mlon=-46.655900#map=17/-23.561400/-46.655900"`,
			"Loja Paulista", "Av. Paulista, 1000", "-23.56140, -46.65590",
			"Bruno Lima", `<a href="tel:+5511912345678">+55 11 91234-5678</a>`,
			`<span class="filename">nota-fiscal.pdf</span>`, `href="/api/v1/messages/4/media" download="nota-fiscal.pdf"`,
			"<strong>Terça</strong>", "das 9h às 12h", `class="reaction-line in"`)
		// The reaction to a message in the thread is a badge on it, not a bubble.
		if strings.Contains(page, `id="m-7"`) || !strings.Contains(page, `id="m-8"`) {
			t.Errorf("%s: the folded reaction has a bubble or the unmatched one has no line", tc.lang)
		}
		if strings.Count(page, "day-divider") != 1 {
			t.Errorf("%s: one day's messages have %d dividers", tc.lang, strings.Count(page, "day-divider"))
		}
		if strings.Count(page, "Loja Paulista") != 1 {
			t.Errorf("%s: the location's name shows twice (as text and as the pin's name)", tc.lang)
		}
	}
}

// The latest reaction from each side wins; an empty emoji takes it back.
func TestFoldReactions(t *testing.T) {
	react := func(id int64, dir, emoji string) apiMessage {
		return apiMessage{ID: id, Direction: dir, Type: "reaction", Text: emoji,
			Content: &apiContent{Reaction: &apiReaction{MessageID: "wamid.1", Emoji: emoji}}}
	}
	out := foldReactions([]apiMessage{{ID: 1, Type: "text", WAMID: wamid("wamid.1")},
		react(2, "in", "👍"), react(3, "out", "🙏"), react(4, "in", "❤️"), react(5, "out", "")})
	if len(out) != 1 || len(out[0].Reactions) != 1 || out[0].Reactions[0] != (reactionBadge{"❤️", "in"}) {
		t.Errorf("folded into %+v", out)
	}
	// Without the API's content the reaction stays a line (its text is the emoji).
	lone := foldReactions([]apiMessage{{ID: 1, Type: "text", WAMID: wamid("wamid.1")}, {ID: 2, Type: "reaction", Text: "👍"}})
	if len(lone) != 2 || lone[1].ReactionEmoji() != "👍" {
		t.Errorf("kept %+v", lone)
	}
}

// The thread's day dividers say today, yesterday, or the date, as the
// user's zone counts days (São Paulo here: 01:30 UTC is the day before).
func TestDayNames(t *testing.T) {
	now := time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC) // 9 March, 22:30 in São Paulo
	for _, tc := range []struct {
		lang string
		at   time.Time
		want string
	}{
		{langPT, time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC), "Hoje"},
		{langEN, time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC), "Yesterday"}, // 8 March, 23:00 there
		{langPT, time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC), "07/03/2026"},
		{langEN, time.Date(2025, 12, 31, 12, 0, 0, 0, time.UTC), "Dec 31, 2025"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tc.lang)
		v := &view{locale: localeFor(r, nil), Now: now}
		if got := v.Day(tc.at); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.lang, tc.at, got, tc.want)
		}
	}
}
