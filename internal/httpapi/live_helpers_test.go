package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// liveEnv is env with the inbox really running for company alpha: the
// Cloud API simulator on a loopback listener sharing the env's clock,
// Meta's webhooks coming back through the real intake, River workers
// sending and downloading, and alpha's channel on the simulator's test
// number. Beta keeps its plain data, for the tenancy checks.
type liveEnv struct {
	*env
	sim     *metasim.Sim
	acc     metasim.Account
	graph   *whatsapp.Client
	dataDir string
	channel conversa.Channel
}

// liveVerifyToken is the verify token of alpha's simulator channel.
const liveVerifyToken = "live-verify"

func eachLive(t *testing.T, fn func(t *testing.T, e *liveEnv)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newLiveEnv(t, st)) })
}

func newLiveEnv(t *testing.T, st *store.Store) *liveEnv {
	le := &liveEnv{dataDir: t.TempDir()}
	var svc *inbox.Service
	var in *intake.Intake
	withInbox := func(e *env, c *httpapi.Config) {
		le.startSim(t, e.clock)
		svc = inbox.New(inbox.Options{Store: st, Graph: le.graph, Templates: st, Prices: st, Clock: e.clock,
			Logger: slog.New(slog.DiscardHandler), DataDir: le.dataDir})
		in = intake.New(st, intake.Options{Clock: e.clock, Logger: slog.New(slog.DiscardHandler), Sinks: intake.Sinks{Messages: svc}})
		c.Inbox, c.Webhooks = svc, in
	}
	le.env = newEnv(t, st, auth.Config{}, withInbox)
	le.startJobs(t, svc, in)
	le.channel = le.connectAlpha(t)
	// Meta's webhooks reach the real handler over HTTP.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { le.h.ServeHTTP(w, r) }))
	t.Cleanup(app.Close)
	if err := le.sim.SetCallback(app.URL+"/webhooks/whatsapp", liveVerifyToken); err != nil {
		t.Fatal(err)
	}
	return le
}

func (le *liveEnv) startSim(t *testing.T, clock *conversa.ShiftClock) {
	sim, err := metasim.New(metasim.Options{Clock: clock, WebhookRetryBase: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	graph, err := whatsapp.New(whatsapp.Config{BaseURL: srv.URL, RetryBaseDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	le.sim, le.acc, le.graph = sim, sim.TestAccount(), graph
}

func (le *liveEnv) startJobs(t *testing.T, svc *inbox.Service, in *intake.Intake) {
	if _, err := jobs.Migrate(ctx, le.st); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(ctx, le.st, jobs.Options{Logger: slog.New(slog.DiscardHandler), Clock: le.clock, SessionIdle: time.Hour,
		PollInterval: 50 * time.Millisecond, Register: []func(*river.Workers){in.Register, svc.Register},
		Queues: map[string]int{intake.Queue: intake.QueueWorkers}})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetQueue(q)
	runCtx, cancel := context.WithCancel(ctx)
	if err := q.Start(runCtx); err != nil {
		t.Fatal(err)
	}
	if err := in.Start(runCtx, q); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(ctx, 10*time.Second)
		defer done()
		in.Stop(stop)
		q.Stop(stop)
		cancel()
	})
}

// connectAlpha gives alpha its channel on the simulator's test number, so
// alphaChannel returns it, and our copies of the number's templates: the
// approved ones the simulator also has, and one pending and one paused
// that only we know (they are refused before Meta is called).
func (le *liveEnv) connectAlpha(t *testing.T) conversa.Channel {
	ch, err := le.st.CreateChannel(ctx, conversa.Channel{CompanyID: le.alpha.ID, GroupID: alphaGroup(le.env), Type: conversa.ChannelWABA,
		Name: "Alpha WhatsApp", Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: le.acc.WABAID,
			PhoneNumberID: le.acc.PhoneNumberID, AccessToken: le.acc.AccessToken, AppSecret: le.acc.AppSecret, VerifyToken: liveVerifyToken}})
	if err != nil {
		t.Fatal(err)
	}
	body := func(text string, example ...string) []conversa.TemplateComponent {
		return []conversa.TemplateComponent{{Type: "BODY", Text: text, Example: &conversa.TemplateExample{BodyText: [][]string{example}}}}
	}
	for _, tm := range []conversa.Template{
		{Name: "pedido_enviado", Category: conversa.CategoryUtility, Status: conversa.TemplateApproved,
			Components: body("Olá {{1}}, seu pedido {{2}} foi enviado.", "Ana", "#1")},
		{Name: "promocao_semana", Category: conversa.CategoryMarketing, Status: conversa.TemplateApproved,
			Components: body("Oi {{1}}! Esta semana tem {{2}} de desconto para você.", "Ana", "20%")},
		{Name: "em_revisao", Category: conversa.CategoryUtility, Status: conversa.TemplatePending, Components: body("Pedido {{1}}.", "#1")},
		{Name: "pausado", Category: conversa.CategoryMarketing, Status: conversa.TemplatePaused, Components: body("Oferta {{1}}.", "x")},
	} {
		tm.CompanyID, tm.ChannelID, tm.Language = le.alpha.ID, ch.ID, "pt_BR"
		if _, _, err := le.st.SaveTemplate(ctx, tm, nil); err != nil {
			t.Fatal(err)
		}
	}
	return ch
}

// customerSays makes the simulator's customer write to alpha's number and
// waits until the inbox has stored it; it returns the conversation.
func (le *liveEnv) customerSays(from, name string, m metasim.CustomerMessage) conversa.Conversation {
	le.t.Helper()
	m.From, m.Name = from, name
	wamid, err := le.sim.CustomerSend(m)
	if err != nil {
		le.t.Fatal(err)
	}
	var conv conversa.Conversation
	eventually(le.t, "inbound "+wamid+" stored", func() bool {
		var found bool
		conv, found = le.conversationWith(from, wamid)
		return found
	})
	return conv
}

// conversationWith finds the conversation of customer from on alpha's
// channel holding the message wamid.
func (le *liveEnv) conversationWith(from, wamid string) (conversa.Conversation, bool) {
	ct, err := le.st.ContactByWAID(ctx, le.alpha.ID, le.channel.ID, from)
	if err != nil {
		return conversa.Conversation{}, false
	}
	c, err := le.st.LatestConversation(ctx, le.alpha.ID, ct.ID)
	if err != nil {
		return c, false
	}
	msgs, err := le.st.Messages(ctx, le.alpha.ID, c.ID, 0, 500)
	for _, m := range msgs {
		if m.WAMID == wamid {
			return c, err == nil
		}
	}
	return c, false
}

// message reads one of alpha's messages straight from the store.
func (le *liveEnv) message(id int64) conversa.Message {
	le.t.Helper()
	m, err := le.st.Message(ctx, le.alpha.ID, id)
	if err != nil {
		le.t.Fatal(err)
	}
	return m
}

// waitStatus waits until alpha's message id reaches status.
func (le *liveEnv) waitStatus(id int64, status conversa.MessageStatus) {
	le.t.Helper()
	last := conversa.MessageStatus("")
	eventually(le.t, "message status "+string(status), func() bool {
		last = le.message(id).Status
		return last == status
	}, func() string { return "last " + string(last) })
}

// rawObjects decodes {"data":[{...}]} keeping every value raw, so tests see
// the exact keys and JSON types on the wire.
func rawObjects(t *testing.T, body []byte) []map[string]json.RawMessage {
	t.Helper()
	var page struct{ Data []map[string]json.RawMessage }
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return page.Data
}

// eventually polls cond until it holds or 30 s pass; state says what was
// seen, for the failure message.
func eventually(t *testing.T, what string, cond func() bool, state ...func() string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			for _, s := range state {
				what += " (" + s() + ")"
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
