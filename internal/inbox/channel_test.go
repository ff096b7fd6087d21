package inbox_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// simUnit is the inbox over the real simulator with the send jobs
// recorded, not run: a test delivers each one when it chooses, so it can
// change the channel while sends wait in the queue.
type simUnit struct {
	t        *testing.T
	st       *store.Store
	clock    *conversa.ShiftClock
	sim      *metasim.Sim
	acc      metasim.Account
	graph    *whatsapp.Client
	queue    *fakeQueue
	svc      *inbox.Service
	channels *channels.Service
	company  int64
	channel  int64
}

func newSimUnit(t *testing.T, st *store.Store) *simUnit {
	t.Helper()
	u := &simUnit{t: t, st: st, clock: conversa.NewShiftClock(), queue: &fakeQueue{}}
	st.SetClock(u.clock)
	box, _ := secrets.New(make([]byte, 32))
	st.SetSealer(box)
	sim, err := metasim.New(metasim.Options{Clock: u.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	u.sim, u.acc = sim, sim.TestAccount()
	if u.graph, err = whatsapp.New(whatsapp.Config{BaseURL: u.acc.GraphURL}); err != nil {
		t.Fatal(err)
	}
	c, err := st.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Acme", MaxChannels: 1, MaxAgents: 1})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "G"})
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "Vendas",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: u.acc.WABAID, PhoneNumberID: u.acc.PhoneNumberID,
			AccessToken: u.acc.AccessToken, AppSecret: u.acc.AppSecret, VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	u.company, u.channel = c.ID, ch.ID
	tpl := conversa.Template{CompanyID: c.ID, ChannelID: ch.ID, Name: "pedido_enviado", Language: "pt_BR", Category: conversa.CategoryUtility,
		Status: conversa.TemplateApproved, Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado."}}}
	if _, _, err := st.SaveTemplate(ctx, tpl, nil); err != nil {
		t.Fatal(err)
	}
	u.svc = inbox.New(inbox.Options{Store: st, Graph: u.graph, Templates: st, Prices: st, Clock: u.clock,
		Logger: slog.New(slog.DiscardHandler), DataDir: t.TempDir()})
	u.svc.SetQueue(u.queue)
	u.channels = channels.New(channels.Config{Store: st, Graph: u.graph, Clock: u.clock, Logger: slog.New(slog.DiscardHandler)})
	return u
}

// start queues a pedido_enviado template to number.
func (u *simUnit) start(number string) (conversa.Message, error) {
	return u.svc.StartConversation(ctx, inbox.Sender{CompanyID: u.company}, inbox.Start{ChannelID: u.channel, To: number,
		Message: inbox.Outgoing{Type: "template", Template: &inbox.TemplateSend{Name: "pedido_enviado",
			TemplateValues: conversa.TemplateValues{Body: []string{"Ana", "#1"}}}}})
}

func (u *simUnit) deliver(m conversa.Message) conversa.Message {
	u.t.Helper()
	if err := u.svc.Deliver(ctx, u.company, m.ID); err != nil {
		u.t.Fatal(err)
	}
	got, err := u.st.Message(ctx, u.company, m.ID)
	if err != nil {
		u.t.Fatal(err)
	}
	return got
}

func (u *simUnit) ch() conversa.Channel {
	u.t.Helper()
	ch, err := u.st.Channel(ctx, u.company, u.channel)
	if err != nil {
		u.t.Fatal(err)
	}
	return ch
}

// A send that was queued before the channel was disconnected ends failed
// with the reason, and never reaches Meta.
func TestQueuedSendFailsOnceChannelIsDisconnected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newSimUnit(t, st)
		const ana, bia = "5511987654321", "5511976543210"
		first, err := u.start("+" + ana)
		if err != nil {
			t.Fatal(err)
		}
		second, err := u.start("+" + bia)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.deliver(first); got.Status != conversa.StatusAccepted || u.sim.Sent(u.acc.PhoneNumberID, ana) != 1 {
			t.Fatalf("before the disconnection: %s, sim %d", got.Status, u.sim.Sent(u.acc.PhoneNumberID, ana))
		}
		if _, _, err := u.channels.Disconnect(ctx, u.company, 0, u.channel); err != nil {
			t.Fatal(err)
		}
		got := u.deliver(second)
		if got.Status != conversa.StatusFailed || !strings.Contains(got.Error, "disconnected") || !strings.Contains(got.ErrorPT, "desconectado") {
			t.Fatalf("queued send after the disconnection: %s %q / %q", got.Status, got.Error, got.ErrorPT)
		}
		if n := u.sim.Sent(u.acc.PhoneNumberID, bia); n != 0 {
			t.Fatalf("the simulator got %d messages from a disconnected channel", n)
		}
		jobs := len(u.queue.jobs)
		if _, err := u.start("+5511965432109"); conversa.ErrorCode(err) != conversa.ECHANNELUNAVAILABLE || len(u.queue.jobs) != jobs {
			t.Fatalf("new send: %v, %d → %d jobs", err, jobs, len(u.queue.jobs))
		}
		// The history stays.
		if m, err := st.Message(ctx, u.company, first.ID); err != nil || m.Status != conversa.StatusAccepted {
			t.Fatalf("history: %+v, %v", m, err)
		}
	})
}

// Meta refusing a send for a reason about the channel itself turns the
// channel red with the fix; what waits in the queue then fails without
// calling Meta, new sends are refused, and the checklist says why.
func TestChannelProblemFromASendTurnsTheChannelRed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newSimUnit(t, st)
		pid := u.acc.PhoneNumberID
		if err := u.sim.InjectError(pid, 368, 1, false); err != nil {
			t.Fatal(err)
		}
		blocked, err := u.start("+5511987654321")
		if err != nil {
			t.Fatal(err)
		}
		waiting, err := u.start("+5511976543210")
		if err != nil {
			t.Fatal(err)
		}
		if got := u.deliver(blocked); got.Status != conversa.StatusFailed || got.ErrorCode != 368 {
			t.Fatalf("the refused send: %+v", got)
		}
		ch := u.ch()
		if h := ch.WABA.Health; ch.Status != conversa.ChannelError || h.ProblemCode != 368 || !strings.Contains(h.Problem.PT, "violação de política") {
			t.Fatalf("channel after 368: %s %+v", ch.Status, h)
		}
		if got := u.deliver(waiting); got.Status != conversa.StatusFailed || !strings.Contains(got.ErrorPT, "violação de política") ||
			u.sim.Sent(pid, "5511976543210") != 0 {
			t.Fatalf("the queued send: %+v (sim %d)", got, u.sim.Sent(pid, "5511976543210"))
		}
		if _, err := u.start("+5511965432109"); conversa.ErrorCode(err) != conversa.ECHANNELUNAVAILABLE {
			t.Fatalf("new send on a red channel: %v", err)
		}
		rd, err := u.channels.Readiness(ctx, u.company, u.channel, "pt-BR")
		if err != nil {
			t.Fatal(err)
		}
		if it := rd.Items[0]; rd.Ready || it.Key != "account_status" || it.OK || !strings.Contains(it.Detail, "violação de política") {
			t.Fatalf("checklist: ready %v, %+v", rd.Ready, it)
		}
	})
}

// An expired token (190) turns the channel red; the readiness check, whose
// live read works again with the token, turns it back.
func TestTokenProblemClearsWhenTheTokenWorksAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newSimUnit(t, st)
		if err := u.sim.InjectError(u.acc.PhoneNumberID, 190, 1, false); err != nil {
			t.Fatal(err)
		}
		m, err := u.start("+5511987654321")
		if err != nil {
			t.Fatal(err)
		}
		if got := u.deliver(m); got.Status != conversa.StatusFailed || got.ErrorCode != 190 {
			t.Fatalf("send: %+v", got)
		}
		if ch := u.ch(); ch.Status != conversa.ChannelError || !strings.Contains(ch.WABA.Health.Problem.Message, "token") {
			t.Fatalf("after 190: %s %+v", ch.Status, ch.WABA.Health.Problem)
		}
		rd, err := u.channels.Readiness(ctx, u.company, u.channel, "en")
		if err != nil {
			t.Fatal(err)
		}
		if ch := u.ch(); ch.Status != conversa.ChannelConnected || ch.WABA.Health.Problem != nil || !rd.Items[0].OK {
			t.Fatalf("after a working read: %s %+v %+v", ch.Status, ch.WABA.Health.Problem, rd.Items[0])
		}
		if _, err := u.start("+5511987654321"); err != nil {
			t.Fatalf("send after recovery: %v", err)
		}
	})
}

// Disconnecting a channel (through the API's service) stops the API's
// sends: both endpoints refuse before storing or queuing anything, and the
// conversation's history stays readable.
func TestDisconnectedChannelRefusesSendsOverTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, nil)
		if _, err := w.sim.CustomerSend(metasim.CustomerMessage{From: customer, Name: "Ana", Text: "Oi"}); err != nil {
			t.Fatal(err)
		}
		var conv conversa.Conversation
		eventually(t, "the inbound message", func() bool {
			ct, err := st.ContactByWAID(ctx, w.company.ID, w.channel.ID, customer)
			if err == nil {
				conv, err = st.LatestConversation(ctx, w.company.ID, ct.ID)
			}
			return err == nil
		})
		graph, _ := whatsapp.New(whatsapp.Config{BaseURL: w.acc.GraphURL})
		chans := channels.New(channels.Config{Store: st, Graph: graph, Clock: w.clock})
		if _, _, err := chans.Disconnect(ctx, w.company.ID, 0, w.channel.ID); err != nil {
			t.Fatal(err)
		}
		before := w.messages(conv.ID)
		path := fmt.Sprintf("/api/v1/conversations/%d/messages", conv.ID)
		start := template("pedido_enviado", "Ana", "#1")
		start["channel_id"], start["to"] = w.channel.ID, "+5511976543210"
		for _, c := range []struct {
			path string
			body map[string]any
		}{{path, text("Ainda aí?")}, {path, template("pedido_enviado", "Ana", "#1")}, {"/api/v1/messages", start}, {"/api/v1/messages/preview", start}} {
			raw := w.call("POST", c.path, c.body, map[string]string{"Accept-Language": "pt-BR"}, http.StatusUnprocessableEntity, nil)
			var e struct {
				Error struct{ Code, Message string }
			}
			_ = json.Unmarshal(raw, &e)
			if e.Error.Code != conversa.ECHANNELUNAVAILABLE || !strings.Contains(e.Error.Message, "desconectado") {
				t.Fatalf("POST %s: %s", c.path, raw)
			}
		}
		if after := w.messages(conv.ID); len(after) != len(before) || len(after) != 1 || after[0].Direction != "in" {
			t.Fatalf("messages after refused sends: %+v", after)
		}
		if _, err := st.ContactByWAID(ctx, w.company.ID, w.channel.ID, "5511976543210"); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Fatalf("a refused start created a contact: %v", err)
		}
		time.Sleep(100 * time.Millisecond) // a job, had one been queued, would have run by now
		if n, m := w.sim.Sent(w.acc.PhoneNumberID, customer), w.sim.Sent(w.acc.PhoneNumberID, "5511976543210"); n+m != 0 {
			t.Fatalf("the simulator got %d + %d messages", n, m)
		}
	})
}

// Meta's 131042 (no valid payment method) arrives in a failed status: it
// holds templates on the channel, not free replies (Meta still delivers
// those), shows on the checklist, and clears once a live read finds a
// payment method again.
func TestPaymentFailureHoldsTemplatesNotReplies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, nil)
		if err := w.sim.SetPaymentMethod(w.acc.WABAID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := w.sim.CustomerSend(metasim.CustomerMessage{From: customer, Name: "Ana", Text: "Oi"}); err != nil {
			t.Fatal(err)
		}
		var conv conversa.Conversation
		eventually(t, "the inbound message", func() bool {
			ct, err := st.ContactByWAID(ctx, w.company.ID, w.channel.ID, customer)
			if err == nil {
				conv, err = st.LatestConversation(ctx, w.company.ID, ct.ID)
			}
			return err == nil
		})
		path := fmt.Sprintf("/api/v1/conversations/%d/messages", conv.ID)
		var first apiMessage
		w.call("POST", path, template("pedido_enviado", "Ana", "#1"), nil, http.StatusCreated, &first)
		w.waitStatus(conv.ID, first.ID, "failed")
		channel := func() conversa.Channel {
			ch, err := st.Channel(ctx, w.company.ID, w.channel.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ch
		}
		eventually(t, "the channel to note the billing refusal", func() bool { return channel().WABA.Health.PaymentRefused })
		if ch := channel(); ch.Status != conversa.ChannelConnected {
			t.Fatalf("a billing refusal turned the channel %s", ch.Status)
		}
		raw := w.call("POST", path, template("pedido_enviado", "Ana", "#2"), nil, http.StatusUnprocessableEntity, nil)
		if !strings.Contains(string(raw), `"code":"channel_unavailable"`) || !strings.Contains(string(raw), "131042") {
			t.Fatalf("template on a billing hold: %s", raw)
		}
		var reply apiMessage
		w.call("POST", path, text("Já vejo seu pedido."), nil, http.StatusCreated, &reply)
		w.waitStatus(conv.ID, reply.ID, "delivered")

		graph, _ := whatsapp.New(whatsapp.Config{BaseURL: w.acc.GraphURL})
		chans := channels.New(channels.Config{Store: st, Graph: graph, Clock: w.clock})
		rd, err := chans.Readiness(ctx, w.company.ID, w.channel.ID, "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range rd.Items {
			if it.Key == "payment_method" && (it.OK || !strings.Contains(it.Detail, "131042")) {
				t.Fatalf("payment item: %+v", it)
			}
		}
		if err := w.sim.SetPaymentMethod(w.acc.WABAID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := chans.Readiness(ctx, w.company.ID, w.channel.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if channel().WABA.Health.PaymentRefused {
			t.Fatal("a read that found the card did not lift the hold")
		}
		var again apiMessage
		w.call("POST", path, template("pedido_enviado", "Ana", "#3"), nil, http.StatusCreated, &again)
		w.waitStatus(conv.ID, again.ID, "delivered")
	})
}
