package inbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// fakeGraph answers sends from a script and counts calls.
type fakeGraph struct {
	mu    sync.Mutex
	calls int
	next  []error // consumed per call; nil = success
}

func (g *fakeGraph) Send(_ context.Context, _, _ string, m whatsapp.Message) (*whatsapp.SendResult, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	if len(g.next) > 0 {
		err := g.next[0]
		g.next = g.next[1:]
		if err != nil {
			return nil, err
		}
	}
	res := &whatsapp.SendResult{}
	res.Messages = append(res.Messages, struct {
		ID            string `json:"id"`
		MessageStatus string `json:"message_status,omitempty"`
	}{ID: "wamid." + m.BizOpaqueCallbackData})
	return res, nil
}

func (g *fakeGraph) GetMedia(context.Context, string, string) (*whatsapp.MediaInfo, error) {
	return nil, errors.New("no media")
}

func (g *fakeGraph) DownloadMedia(context.Context, string, string) ([]byte, string, error) {
	return nil, "", errors.New("no media")
}

func (g *fakeGraph) UploadMedia(context.Context, string, string, string, string, io.Reader) (string, error) {
	return "", errors.New("no media")
}

func (g *fakeGraph) MarkRead(context.Context, string, string, string, bool) error { return nil }

// fakeQueue records jobs instead of running them.
type fakeQueue struct{ jobs []river.JobArgs }

func (q *fakeQueue) InsertTx(_ context.Context, _ *store.Store, args river.JobArgs, _ *river.InsertOpts) error {
	q.jobs = append(q.jobs, args)
	return nil
}

type unit struct {
	t     *testing.T
	st    *store.Store
	clock *conversa.ShiftClock
	graph *fakeGraph
	queue *fakeQueue
	svc   *inbox.Service
	hub   *realtime.Hub
	route intake.Route
	agent int64
}

func newUnit(t *testing.T, st *store.Store) *unit {
	u := &unit{t: t, st: st, clock: conversa.NewShiftClock(), graph: &fakeGraph{}, queue: &fakeQueue{}, hub: realtime.NewHub()}
	st.SetClock(u.clock)
	box, _ := secrets.New(make([]byte, 32))
	st.SetSealer(box)
	c, err := st.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Acme", MaxChannels: 1, MaxAgents: 1})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "G"})
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "N",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "w", PhoneNumberID: "p", AccessToken: "t", AppSecret: "s"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range []conversa.Template{
		{Name: "promo", Category: conversa.CategoryMarketing, Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Oi {{1}}!"}}},
		{Name: "aviso", Category: conversa.CategoryUtility, Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Pedido {{1}} saiu."}}},
		{Name: "pausado", Category: conversa.CategoryUtility, Status: conversa.TemplatePaused, Components: []conversa.TemplateComponent{{Type: "BODY", Text: "x"}}},
	} {
		tm.CompanyID, tm.ChannelID, tm.Language = c.ID, ch.ID, "pt_BR"
		if tm.Status == "" {
			tm.Status = conversa.TemplateApproved
		}
		if _, _, err := st.SaveTemplate(ctx, tm, nil); err != nil {
			t.Fatal(err)
		}
	}
	u.route = intake.Route{CompanyID: c.ID, ChannelID: ch.ID}
	u.svc = inbox.New(inbox.Options{Store: st, Graph: u.graph, Templates: st, Prices: st, Publisher: u.hub, Clock: u.clock, DataDir: t.TempDir()})
	u.svc.SetQueue(u.queue)
	return u
}

func (u *unit) inbound(wamid, body string, at time.Time) {
	u.t.Helper()
	raw := `{"from":"551187654321","id":"` + wamid + `","timestamp":"` + itoa(at.Unix()) + `","type":"text","text":{"body":` + quote(body) + `}}`
	var m whatsapp.InboundMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		u.t.Fatal(err)
	}
	c := &whatsapp.WebhookContact{WaID: "551187654321"}
	c.Profile.Name = "Ana"
	r := u.route
	r.ReceivedAt = u.clock.Now()
	if err := u.svc.HandleEvent(ctx, r, whatsapp.Event{Message: &m, Contact: c}); err != nil {
		u.t.Fatal(err)
	}
}

func (u *unit) status(wamid, status string, msgID int64) {
	u.t.Helper()
	st := &whatsapp.Status{ID: wamid, Status: status, Timestamp: whatsapp.Timestamp(u.clock.Now().Unix())}
	if msgID > 0 {
		st.BizOpaqueCallbackData = "conversa-msg-" + itoa(msgID)
	}
	if status == "failed" {
		st.Errors = []whatsapp.WebhookError{{Code: 131026, Title: "Message undeliverable"}}
	}
	if err := u.svc.HandleEvent(ctx, u.route, whatsapp.Event{Status: st}); err != nil {
		u.t.Fatal(err)
	}
}

func (u *unit) conversationID() int64 {
	rows, err := u.st.Conversations(ctx, u.route.CompanyID, store.ConversationFilter{Status: "all", Limit: 10})
	if err != nil || len(rows) != 1 {
		u.t.Fatalf("conversations: %d, %v", len(rows), err)
	}
	return rows[0].ID
}

func (u *unit) send(o inbox.Outgoing, key string) (conversa.Message, error) {
	return u.svc.Send(ctx, inbox.Sender{CompanyID: u.route.CompanyID, IdempotencyKey: key}, u.conversationID(), o)
}

func (u *unit) msg(id int64) conversa.Message {
	m, err := u.st.Message(ctx, u.route.CompanyID, id)
	if err != nil {
		u.t.Fatal(err)
	}
	return m
}

func textOut(body string) inbox.Outgoing {
	return inbox.Outgoing{Type: "text", Text: &whatsapp.Text{Body: body}}
}

func itoa(n int64) string   { b, _ := json.Marshal(n); return string(b) }
func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// Redelivery of one inbound message stores it once and publishes once;
// an older message delivered late never shortens the window.
func TestInboundIdempotentAndWindowNeverShrinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		sub := u.hub.Subscribe(u.route.CompanyID, 64)
		defer sub.Close()
		now := u.clock.Now()
		for range 5 {
			u.inbound("wamid.A", "Oi", now)
		}
		u.inbound("wamid.old", "antiga", now.Add(-3*time.Hour))
		msgs, _ := st.Messages(ctx, u.route.CompanyID, u.conversationID(), 0, 10)
		if len(msgs) != 2 || msgs[0].Text != "Oi" || !strings.Contains(string(msgs[0].Payload), `"wamid.A"`) {
			t.Fatalf("messages = %+v", msgs)
		}
		conv, _ := st.Conversation(ctx, u.route.CompanyID, u.conversationID())
		if want := now.Truncate(time.Second).Add(24 * time.Hour); !conv.WindowExpiresAt().Equal(want) {
			t.Fatalf("window = %v, want %v", conv.WindowExpiresAt(), want)
		}
		created := 0
		for len(sub.C) > 0 {
			if e := <-sub.C; e.Type == inbox.EventMessageCreated {
				created++
			}
		}
		if created != 2 {
			t.Fatalf("message.created events = %d, want 2", created)
		}
	})
}

// Statuses in any order, and before the send's wamid is recorded, end in
// the right state; a status for an unknown wamid waits for it.
func TestStatusesOutOfOrderAndParked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		u.inbound("wamid.in", "Oi", u.clock.Now())
		a, err := u.send(textOut("um"), "")
		if err != nil {
			t.Fatal(err)
		}
		u.status("wamid.A", "read", a.ID) // read before delivered, before the worker ran
		u.status("wamid.A", "delivered", a.ID)
		u.status("wamid.A", "sent", 0)
		if m := u.msg(a.ID); m.Status != conversa.StatusRead || m.WAMID != "wamid.A" || m.ReadAt == nil {
			t.Fatalf("a = %+v", m)
		}
		if err := u.svc.Deliver(ctx, a.CompanyID, a.ID); err != nil || u.graph.calls != 0 {
			t.Fatalf("a message Meta reported on was sent again: calls %d, %v", u.graph.calls, err)
		}
		b, _ := u.send(textOut("dois"), "")
		wamidB := "wamid.conversa-msg-" + itoa(b.ID) // what the fake Graph answers
		u.status(wamidB, "delivered", 0)             // no callback data, wamid unknown: parked
		if m := u.msg(b.ID); m.Status != conversa.StatusQueued {
			t.Fatalf("parked status applied early: %+v", m)
		}
		if err := u.svc.Deliver(ctx, b.CompanyID, b.ID); err != nil {
			t.Fatal(err)
		}
		if m := u.msg(b.ID); m.Status != conversa.StatusDelivered || m.WAMID != wamidB || m.SendState != conversa.SendIdle {
			t.Fatalf("b after send = %+v", m)
		}
		u.status(wamidB, "failed", 0) // failed after delivered is ignored
		if m := u.msg(b.ID); m.Status != conversa.StatusDelivered || m.Error != "" {
			t.Fatalf("b after late failure = %+v", m)
		}
	})
}

// The send state machine around Meta's answers.
func TestSendOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		u.inbound("wamid.in", "Oi", u.clock.Now())
		ambiguous := &whatsapp.TransportError{Method: "POST", URL: "x", Err: errors.New("reset"), Written: true}
		transient := &whatsapp.Error{HTTPStatus: 500, Code: 131000, Message: "Something went wrong"}
		closed := &whatsapp.Error{HTTPStatus: 400, Code: whatsapp.CodeReengagement}
		token := &whatsapp.Error{HTTPStatus: 401, Code: whatsapp.CodeAccessToken}
		u.graph.next = []error{ambiguous, ambiguous, transient, nil, closed, token}

		settledByWebhook, _ := u.send(textOut("1"), "")
		u.svc.Deliver(ctx, settledByWebhook.CompanyID, settledByWebhook.ID)
		if m := u.msg(settledByWebhook.ID); m.SendState != conversa.SendReconciling || m.Status != conversa.StatusQueued {
			t.Fatalf("ambiguous = %+v", m)
		}
		u.svc.Deliver(ctx, settledByWebhook.CompanyID, settledByWebhook.ID) // a rerun never resends
		u.status("wamid.X", "sent", settledByWebhook.ID)
		if m := u.msg(settledByWebhook.ID); m.Status != conversa.StatusSent || m.SendState != conversa.SendIdle || m.WAMID != "wamid.X" {
			t.Fatalf("reconciled = %+v", m)
		}

		unconfirmed, _ := u.send(textOut("2"), "")
		u.svc.Deliver(ctx, unconfirmed.CompanyID, unconfirmed.ID)

		retried, _ := u.send(textOut("3"), "")
		var snooze *river.JobSnoozeError
		if err := u.svc.Deliver(ctx, retried.CompanyID, retried.ID); !errors.As(err, &snooze) {
			t.Fatalf("transient error: %v", err)
		}
		if m := u.msg(retried.ID); m.SendState != conversa.SendIdle || m.SendAttempts != 1 {
			t.Fatalf("after transient = %+v", m)
		}
		if err := u.svc.Deliver(ctx, retried.CompanyID, retried.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			want string
		}{{"template"}, {"token"}} {
			m, _ := u.send(textOut(c.want), "")
			u.svc.Deliver(ctx, m.CompanyID, m.ID)
			if got := u.msg(m.ID); got.Status != conversa.StatusFailed || !strings.Contains(got.Error, c.want) {
				t.Fatalf("permanent failure = %+v", got)
			}
		}
		if u.graph.calls != 6 {
			t.Fatalf("calls to Meta = %d, want 6", u.graph.calls)
		}
		u.clock.Advance(inbox.DefaultConfirmTimeout + time.Minute)
		if err := u.svc.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if m := u.msg(unconfirmed.ID); m.Status != conversa.StatusFailed || !strings.Contains(m.Error, "could not be confirmed") {
			t.Fatalf("unconfirmed = %+v", m)
		}
		if m := u.msg(retried.ID); m.Status != conversa.StatusAccepted {
			t.Fatalf("retried = %+v", m)
		}
	})
}

// A job that finds its attempt recorded without an outcome (the process
// died mid-call) never calls Meta again.
func TestCrashedAttemptIsReconciledNotResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		u.inbound("wamid.in", "Oi", u.clock.Now())
		m, _ := u.send(textOut("oi"), "")
		cur := u.msg(m.ID)
		at := u.clock.Now()
		cur.SendState, cur.AttemptedAt, cur.SendAttempts = conversa.SendAttempting, &at, 1
		if err := st.SaveMessage(ctx, cur); err != nil {
			t.Fatal(err)
		}
		// A recent attempt may be another job's call in flight: left to it.
		if err := u.svc.Deliver(ctx, m.CompanyID, m.ID); err != nil || u.graph.calls != 0 {
			t.Fatalf("calls %d, %v", u.graph.calls, err)
		}
		if got := u.msg(m.ID); got.SendState != conversa.SendAttempting {
			t.Fatalf("in flight = %+v", got)
		}
		// Past any call's timeout the attempt is a crashed one.
		u.clock.Advance(4 * time.Minute)
		if err := u.svc.Deliver(ctx, m.CompanyID, m.ID); err != nil || u.graph.calls != 0 {
			t.Fatalf("calls %d, %v", u.graph.calls, err)
		}
		if got := u.msg(m.ID); got.SendState != conversa.SendReconciling {
			t.Fatalf("after crash = %+v", got)
		}
	})
}

func TestSendRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		u.inbound("wamid.in", "Oi", u.clock.Now().Add(-25*time.Hour))
		_, err := u.send(textOut("oi"), "")
		if conversa.ErrorCode(err) != conversa.EWINDOWCLOSED || len(u.queue.jobs) != 0 {
			t.Fatalf("outside the window: %v, %d jobs", err, len(u.queue.jobs))
		}
		tmpl := func(name string, params ...string) inbox.Outgoing {
			return inbox.Outgoing{Type: "template", Template: &inbox.TemplateSend{Name: name, TemplateValues: conversa.TemplateValues{Body: params}}}
		}
		for name, c := range map[string]struct {
			o    inbox.Outgoing
			code string
		}{
			"missing": {tmpl("nope"), conversa.ETEMPLATENOTAPPROVED},
			"paused":  {tmpl("pausado"), conversa.ETEMPLATENOTAPPROVED},
			"params":  {tmpl("aviso"), conversa.ETEMPLATEPARAMS},
		} {
			if _, err := u.send(c.o, ""); conversa.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		first, err := u.send(tmpl("promo", "Ana"), "key-1")
		if err != nil || first.Text != "Oi Ana!" || first.ExpectedCost != conversa.DefaultPriceTable().For("BR").Marketing {
			t.Fatalf("template = %+v, %v", first, err)
		}
		again, err := u.send(tmpl("promo", "Ana"), "key-1")
		if err != nil || again.ID != first.ID || len(u.queue.jobs) != 1 {
			t.Fatalf("same key: %+v, %v, %d jobs", again, err, len(u.queue.jobs))
		}
		// 23:30 in São Paulo is already the next day in UTC.
		sp, _ := time.LoadLocation("America/Sao_Paulo")
		u.clock.Set(time.Date(2026, 11, 2, 23, 30, 0, 0, sp))
		u.inbound("wamid.stop", "Parar!", u.clock.Now())
		by := inbox.Sender{CompanyID: u.route.CompanyID}
		start := func(to string, o inbox.Outgoing) error {
			_, err := u.svc.StartConversation(ctx, by, inbox.Start{ChannelID: u.route.ChannelID, To: to, Message: o})
			return err
		}
		err = start("+55 11 98765-4321", tmpl("promo", "Ana"))
		if conversa.ErrorCode(err) != conversa.EOPTEDOUT || !strings.Contains(conversa.ErrorMessage(err, "pt-BR"), "em 02/11/2026") {
			t.Fatalf("marketing to an opted-out contact: %v (%s)", err, conversa.ErrorMessage(err, "pt-BR"))
		}
		if err := start("(11) 98765-4321", tmpl("aviso", "#1")); err != nil {
			t.Fatalf("utility to an opted-out contact: %v", err)
		}
		if err := start("123", tmpl("aviso", "#1")); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Fatalf("bad number: %v", err)
		}
		if err := start("+55 21 99999-0000", textOut("oi")); conversa.ErrorCode(err) != conversa.EWINDOWCLOSED {
			t.Fatalf("free-form to a new number: %v", err)
		}
	})
}
