package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

const customer = "5511987654321"

// world is the real thing end to end: the simulator on a loopback listener
// sharing the app's clock, the real API (webhook intake included) over a
// real store, River workers, and the inbox.
type world struct {
	t       *testing.T
	st      *store.Store
	clock   *conversa.ShiftClock
	sim     *metasim.Sim
	acc     metasim.Account
	svc     *inbox.Service
	hub     *realtime.Hub
	api     string // base URL
	token   string
	company conversa.Company
	channel conversa.Channel
}

func newWorld(t *testing.T, st *store.Store, pub func(*realtime.Hub) realtime.Publisher) *world {
	t.Helper()
	w := &world{t: t, st: st, clock: conversa.NewShiftClock(), hub: realtime.NewHub()}
	st.SetClock(w.clock)
	box, _ := secrets.New(make([]byte, 32))
	st.SetSealer(box)
	w.startSim()
	graph, err := whatsapp.New(whatsapp.Config{BaseURL: w.acc.GraphURL, RetryBaseDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	publisher := realtime.Publisher(w.hub)
	if pub != nil {
		publisher = pub(w.hub)
	}
	w.svc = inbox.New(inbox.Options{Store: st, Graph: graph, Templates: st, Prices: st, Publisher: publisher,
		Clock: w.clock, Logger: slog.New(slog.DiscardHandler), DataDir: t.TempDir()})
	in := intake.New(st, intake.Options{Clock: w.clock, Logger: slog.New(slog.DiscardHandler), Sinks: intake.Sinks{Messages: w.svc}})
	w.startJobs(in)
	authSvc := w.seedCompany()
	api := httpapi.New(httpapi.Config{Store: st, Auth: authSvc, Logger: slog.New(slog.DiscardHandler), Webhooks: in, Inbox: w.svc, Events: w.hub})
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	w.api = srv.URL
	if err := w.sim.SetCallback(srv.URL+"/webhooks/whatsapp", "verify-me"); err != nil {
		t.Fatal(err)
	}
	w.token = w.login()
	return w
}

func (w *world) startSim() {
	sim, err := metasim.New(metasim.Options{Clock: w.clock, WebhookRetryBase: 50 * time.Millisecond})
	if err != nil {
		w.t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	w.t.Cleanup(func() { sim.Close(); srv.Close() })
	w.sim, w.acc = sim, sim.TestAccount()
}

func (w *world) startJobs(in *intake.Intake) {
	if _, err := jobs.Migrate(ctx, w.st); err != nil {
		w.t.Fatal(err)
	}
	q, err := jobs.New(ctx, w.st, jobs.Options{Logger: slog.New(slog.DiscardHandler), Clock: w.clock, SessionIdle: time.Hour,
		PollInterval: 50 * time.Millisecond, Register: []func(*river.Workers){in.Register, w.svc.Register},
		Queues: map[string]int{intake.Queue: intake.QueueWorkers}})
	if err != nil {
		w.t.Fatal(err)
	}
	w.svc.SetQueue(q)
	runCtx, cancel := context.WithCancel(ctx)
	if err := q.Start(runCtx); err != nil {
		w.t.Fatal(err)
	}
	if err := in.Start(runCtx, q); err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() {
		stop, done := context.WithTimeout(ctx, 10*time.Second)
		defer done()
		in.Stop(stop)
		q.Stop(stop)
		cancel()
	})
}

// seedCompany creates the company, its admin, the channel for the
// simulator's test number and our copies of its approved templates.
func (w *world) seedCompany() *auth.Service {
	authSvc, err := auth.New(w.st, w.clock, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		w.t.Fatal(err)
	}
	w.company, _, err = authSvc.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Acme", MaxChannels: 2, MaxAgents: 2},
		conversa.User{Email: "admin@acme.com", Name: "Admin"}, "password-123")
	if err != nil {
		w.t.Fatal(err)
	}
	g, err := w.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: w.company.ID, Name: "Atendimento"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.channel, err = w.st.CreateChannel(ctx, conversa.Channel{CompanyID: w.company.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
		Name: "Sim", Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: w.acc.WABAID, PhoneNumberID: w.acc.PhoneNumberID,
			AccessToken: w.acc.AccessToken, AppSecret: w.acc.AppSecret, VerifyToken: "verify-me"}})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, t := range []conversa.Template{
		{Name: "pedido_enviado", Category: conversa.CategoryUtility, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado.", Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "#1"}}}}}},
		{Name: "promocao_semana", Category: conversa.CategoryMarketing, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "Oi {{1}}! Esta semana tem {{2}} de desconto para você.", Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "20%"}}}}}},
	} {
		t.CompanyID, t.ChannelID, t.Language, t.Status = w.company.ID, w.channel.ID, "pt_BR", conversa.TemplateApproved
		if _, _, err := w.st.SaveTemplate(ctx, t, nil); err != nil {
			w.t.Fatal(err)
		}
	}
	return authSvc
}

func (w *world) login() string {
	var out struct{ Token string }
	w.call("POST", "/api/v1/auth/login", map[string]string{"domain": "acme", "email": "admin@acme.com", "password": "password-123"}, nil, http.StatusOK, &out)
	return out.Token
}

// call sends a JSON request and checks the status; out receives the body.
func (w *world) call(method, path string, body any, header map[string]string, want int, out any) []byte {
	w.t.Helper()
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, w.api+path, r)
	req.Header.Set("Content-Type", "application/json")
	if w.token != "" {
		req.Header.Set("Authorization", "Bearer "+w.token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		w.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			w.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return raw
}

// eventually polls cond until it holds or 30 s pass; state describes
// what was seen, for the failure message.
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
