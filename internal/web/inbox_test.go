package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
)

// inboxFixture is acme with two groups (Vendas, with the agent, and
// Suporte), a channel in each, and Ana writing to both numbers (the second
// time without the 9th digit): on Vendas a quoted reply with a photo.
type inboxFixture struct {
	s                  *stack
	st                 *store.Store
	company            int64
	sales, support     int64 // groups
	salesCh, supportCh int64
	conv, other        int64 // Ana's conversations on Vendas and on Suporte
	contact            int64 // Ana on Vendas
	quoted, photo      int64 // messages
}

func newInboxFixture(t *testing.T) *inboxFixture {
	f := &inboxFixture{}
	dataDir := t.TempDir()
	f.s = newStackWith(t, func(st *store.Store, clock *conversa.ShiftClock, c *httpapi.Config) {
		f.st = st
		log := slog.New(slog.DiscardHandler)
		box, err := secrets.New(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		st.SetSealer(box)
		c.Channels = channels.New(channels.Config{Store: st, Clock: clock, Logger: log})
		c.Inbox = inbox.New(inbox.Options{Store: st, Templates: st, Prices: st, Clock: clock, Logger: log, DataDir: dataDir})
		c.Inbox.SetQueue(heldQueue{})
	})
	f.seed(t, dataDir)
	return f
}

// heldQueue keeps sends queued: the screens show them, nothing calls Meta.
type heldQueue struct{}

func (heldQueue) InsertTx(context.Context, *store.Store, river.JobArgs, *river.InsertOpts) error {
	return nil
}

func (f *inboxFixture) seed(t *testing.T, dataDir string) {
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	co, err := f.st.CompanyByDomain(ctx, "acme")
	must(err)
	f.company = co.ID
	agent, _, err := f.st.UserCredentials(ctx, co.ID, "agent@acme.com")
	must(err)
	channel := func(group, pnid string) (int64, int64) {
		g, err := f.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: co.ID, Name: group})
		must(err)
		ch, err := f.st.CreateChannel(ctx, conversa.Channel{CompanyID: co.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "WhatsApp " + group,
			Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "waba-" + pnid, PhoneNumberID: pnid, AccessToken: "t", AppSecret: "s"}})
		must(err)
		return g.ID, ch.ID
	}
	f.sales, f.salesCh = channel("Vendas", "111")
	f.support, f.supportCh = channel("Suporte", "222")
	must(f.st.AddGroupMember(ctx, co.ID, f.sales, agent.ID))
	now := f.s.clock.Now()
	conv := func(channelID int64, waID string, at time.Time) (int64, int64) {
		ct, err := f.st.UpsertContact(ctx, conversa.Contact{CompanyID: co.ID, ChannelID: channelID, WAID: waID})
		must(err)
		c, err := f.st.CreateConversation(ctx, conversa.Conversation{CompanyID: co.ID, ChannelID: channelID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService, LastInboundAt: at, LastMessageAt: at})
		must(err)
		return c.ID, ct.ID
	}
	f.conv, f.contact = conv(f.salesCh, "5511987654321", now)
	f.other, _ = conv(f.supportCh, "551187654321", now.Add(-48*time.Hour))
	msg := func(m conversa.Message) conversa.Message {
		m.CompanyID, m.ConversationID = co.ID, f.conv
		m, _, err := f.st.InsertMessage(ctx, m)
		must(err)
		return m
	}
	q := msg(conversa.Message{Direction: conversa.Outbound, Type: "text", Text: "Seu pedido 98765 saiu para entrega.",
		Status: conversa.StatusDelivered, WAMID: "wamid.out1", CreatedAt: now.Add(-time.Minute)})
	photo := msg(conversa.Message{Direction: conversa.Inbound, Type: "image", Text: "Chegou assim", Status: conversa.StatusReceived,
		WAMID: "wamid.in1", ReplyTo: "wamid.out1", MediaID: "media-1", MediaMime: "image/png", CreatedAt: now})
	photo.MediaPath = filepath.Join("media", fmt.Sprint(co.ID), "photo.png")
	must(os.MkdirAll(filepath.Join(dataDir, filepath.Dir(photo.MediaPath)), 0o700))
	must(os.WriteFile(filepath.Join(dataDir, photo.MediaPath), []byte("\x89PNG\r\n\x1a\n"), 0o600))
	must(f.st.SaveMessage(ctx, photo))
	f.quoted, f.photo = q.ID, photo.ID
}

func (f *inboxFixture) page(path, lang string, cookie *http.Cookie) string {
	return pageText(f.s.t, f.s.getAs(path, lang, cookie))
}

// The thread shows the customer's photo from the API's media route under
// the message it quotes, and the card, actions, labels, notes, canned
// responses and the number's other conversation, in both languages.
func TestInboxThread(t *testing.T) {
	f := newInboxFixture(t)
	sup, agent := f.s.login("admin@acme.com"), f.s.login("agent@acme.com")
	var label struct{ ID int64 }
	f.s.api("POST", "/api/v1/labels", sup, map[string]string{"name": "Entrega", "color": "#aa0000"}, &label)
	f.s.api("PUT", fmt.Sprintf("/api/v1/conversations/%d/labels/%d", f.conv, label.ID), agent, nil, nil)
	f.s.api("POST", fmt.Sprintf("/api/v1/conversations/%d/notes", f.conv), agent, map[string]string{"body": "Cliente prefere ligação"}, nil)
	f.s.api("POST", "/api/v1/canned-responses", sup, map[string]string{"shortcut": "prazo", "text": "O prazo é de 3 dias úteis."}, nil)
	path := fmt.Sprintf("/app/inbox/%d", f.conv)
	media := fmt.Sprintf("/api/v1/messages/%d/media", f.photo)
	for _, tc := range []struct{ lang, alt, quote, take, notes, history, canned string }{
		{langPT, "Imagem enviada pelo cliente", "Em resposta a:", "Atribuir a mim", "Notas internas", "Outras conversas deste número", "Respostas prontas"},
		{langEN, "Image sent by the customer", "Replying to:", "Assign to me", "Internal notes", "Other conversations with this number", "Canned responses"},
	} {
		page := f.page(path, tc.lang, agent)
		mustContain(t, page, `<img src="`+media+`" alt="`+tc.alt+`"`, `<a class="download" href="`+media+`" download>`,
			`<a class="quote" href="#m-`+fmt.Sprint(f.quoted)+`">`, tc.quote, "Seu pedido 98765 saiu para entrega.",
			`id="take"`, tc.take, `id="resolve"`, `data-label="Entrega"`, `class="note"`, "Cliente prefere ligação", tc.notes, tc.history,
			`data-shortcut="prazo" data-text="O prazo é de 3 dias úteis."`, tc.canned,
			`id="f-channel"`, `id="f-group"`, `id="f-label"`, `id="label-form"`, `id="transfer-form"`, `id="note-form"`)
		mustContain(t, page, fmt.Sprintf(`<option value="Entrega" data-id="%d" disabled>`, label.ID)) // already on it
		if strings.Contains(page, `id="assign-form"`) {
			t.Errorf("%s: an agent is offered assigning to others", tc.lang)
		}
	}
	// The other conversation is on Suporte, outside the agent's groups: a
	// supervisor sees it in the history.
	mustContain(t, f.page(path, langPT, sup), `id="assign-form"`, "Otto Agente", `id="label-hint"`,
		fmt.Sprintf(`href="/app/inbox/%d"`, f.other), "WhatsApp Suporte")
	// The photo the page shows is served by the API to the same session.
	resp, _ := f.s.get(media, []*http.Cookie{agent})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("media route: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// Assign, resolve and reopen follow the conversation's state and the
// viewer's role: an agent takes only an unassigned conversation and sees
// who has it otherwise; a resolved one offers reopen.
func TestInboxActionsFollowState(t *testing.T) {
	f := newInboxFixture(t)
	sup, agent := f.s.login("admin@acme.com"), f.s.login("agent@acme.com")
	base := fmt.Sprintf("/api/v1/conversations/%d", f.conv)
	messages := fmt.Sprintf("/app/inbox/%d/messages", f.conv)
	card := fmt.Sprintf("/app/inbox/%d/card", f.conv)
	mustContain(t, f.page(card, langPT, agent), `id="assignee"><span class="muted">Ninguém</span>`)

	f.s.api("POST", base+"/assign", agent, map[string]any{"user_id": f.userID(t, "agent@acme.com")}, nil)
	page := f.page(messages, langPT, agent)
	mustContain(t, page, `id="give-back"`, "Devolver à fila")
	if strings.Contains(page, `id="take"`) {
		t.Error("the assignee is offered to take their own conversation")
	}
	mustContain(t, f.page(card, langEN, agent), `id="assignee">Otto Agente<`)

	f.s.api("POST", base+"/assign", sup, map[string]any{"user_id": f.userID(t, "admin@acme.com")}, nil)
	if page := f.page(messages, langPT, agent); strings.Contains(page, `id="take"`) || strings.Contains(page, `id="give-back"`) {
		t.Error("an agent is offered to take someone else's conversation")
	}
	mustContain(t, f.page(card, langPT, agent), `id="assignee">Outro agente<`) // the admin is in none of the agent's groups
	mustContain(t, f.page(card, langPT, sup), `id="assignee">Ada Admin<`)
	mustContain(t, f.page(messages, langPT, sup), `id="resolve"`)

	f.s.api("POST", base+"/resolve", sup, nil, nil)
	page = f.page(messages, langEN, sup)
	mustContain(t, page, `id="reopen"`, "Reopen", `id="conv-status">resolved<`)
	if strings.Contains(page, `id="resolve"`) {
		t.Error("a resolved conversation offers resolve")
	}
}

// The card is a live part: the profile name that arrives with a later
// webhook shows on its next refresh, without reloading the page.
func TestInboxCardIsLive(t *testing.T) {
	f := newInboxFixture(t)
	agent := f.s.login("agent@acme.com")
	card := fmt.Sprintf("/app/inbox/%d/card", f.conv)
	page := f.page(fmt.Sprintf("/app/inbox/%d", f.conv), langPT, agent)
	// Each live part names the events it shows and, in a thread, the one
	// conversation they must be about (app.js refreshes only those).
	conv := fmt.Sprint(f.conv)
	mustContain(t, page, `<div id="contact-card" hx-get="`+card+`" hx-trigger="refresh, live[!this.contains(document.activeElement)]" hx-swap="outerHTML"
     data-live="message.created conversation.updated conversation.labels" data-live-conv="`+conv+`"`,
		`data-live="message.created message.status conversation.updated" data-live-conv="`+conv+`"`,
		`data-live="note.created" data-live-conv="`+conv+`"`,
		`id="convs"`, `data-live="message.created conversation.updated conversation.labels">`,
		`<div id="live-announce" class="sr-only" role="status" aria-live="polite"`, `role="log" aria-live="off"`,
		`<h2 id="contact-name">Sem nome</h2>`)
	if _, err := f.st.UpsertContact(context.Background(), conversa.Contact{CompanyID: f.company, ChannelID: f.salesCh,
		WAID: "5511987654321", Name: "Ana Cliente"}); err != nil {
		t.Fatal(err)
	}
	fragment := f.page(card, langPT, agent)
	mustContain(t, fragment, `<h2 id="contact-name">Ana Cliente</h2>`)
	if strings.Contains(fragment, "<html") {
		t.Error("the card refresh is a whole page")
	}
}

// The list filters by channel, by group (through the API's group_id) and
// by label; the tabs keep the filters.
func TestInboxListFilters(t *testing.T) {
	f := newInboxFixture(t)
	sup := f.s.login("admin@acme.com")
	var label struct{ ID int64 }
	f.s.api("POST", "/api/v1/labels", sup, map[string]string{"name": "VIP"}, &label)
	f.s.api("PUT", fmt.Sprintf("/api/v1/conversations/%d/labels/%d", f.other, label.ID), sup, nil, nil)
	shows := func(query string) []int64 {
		page := f.page("/app/inbox/list?"+query, langPT, sup)
		var ids []int64
		for _, id := range []int64{f.conv, f.other} {
			if strings.Contains(page, fmt.Sprintf(`data-conversation="%d"`, id)) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for query, want := range map[string][]int64{
		"":                                      {f.conv, f.other},
		fmt.Sprintf("channel_id=%d", f.salesCh): {f.conv},
		fmt.Sprintf("group_id=%d", f.support):   {f.other},
		fmt.Sprintf("label_id=%d", label.ID):    {f.other},
		fmt.Sprintf("group_id=%d&label_id=%d", f.sales, label.ID): nil,
	} {
		if got := shows(query); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("list?%s shows %v, want %v", query, got, want)
		}
	}
	page := f.page(fmt.Sprintf("/app/inbox?group_id=%d", f.support), langEN, sup)
	mustContain(t, page, fmt.Sprintf(`<option value="%d" selected>Suporte</option>`, f.support), "Filters (1)", `id="clear-filters"`,
		fmt.Sprintf(`href="/app/inbox?group_id=%d&q=&tab=mine"`, f.support))
}

// While a recent attachment is still downloading, the thread says so and
// polls fast; long after, it says the file is unavailable; once stored, it
// shows the file and polls slowly.
func TestInboxMediaPending(t *testing.T) {
	f := newInboxFixture(t)
	agent := f.s.login("agent@acme.com")
	ctx := context.Background()
	m, _, err := f.st.InsertMessage(ctx, conversa.Message{CompanyID: f.company, ConversationID: f.conv, Direction: conversa.Inbound,
		Type: "audio", Status: conversa.StatusReceived, WAMID: "wamid.in2", MediaID: "media-2", CreatedAt: f.s.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	messages := fmt.Sprintf("/app/inbox/%d/messages", f.conv)
	mustContain(t, f.page(messages, langEN, agent), "Downloading the attachment…", "every 2s")
	// Not downloaded long after: the thread says so and stops polling fast.
	f.s.clock.Advance(3 * time.Minute)
	mustContain(t, f.page(messages, langEN, agent), "Attachment unavailable", "every 60s")
	m.MediaPath, m.MediaMime = "media/x/2.ogg", "audio/ogg"
	if err := f.st.SaveMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	page := f.page(messages, langEN, agent)
	mustContain(t, page, fmt.Sprintf(`<audio controls preload="metadata" src="/api/v1/messages/%d/media" aria-label="Audio" id="player-%d" hx-preserve>`, m.ID, m.ID), "every 60s")
}

func (f *inboxFixture) userID(t *testing.T, email string) int64 {
	u, _, err := f.st.UserCredentials(context.Background(), f.company, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
