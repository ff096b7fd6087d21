package campaigns_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

// env is one company with one simulator number and the campaign service.
type env struct {
	t     *testing.T
	st    *store.Store
	clock *conversa.ShiftClock
	sim   *metasim.Sim
	w     *campaigntest.World
	graph *recordingGraph
	svc   *campaigns.Service
}

func newEnv(t *testing.T, st *store.Store, mps int) *env {
	t.Helper()
	e := &env{t: t, st: st, clock: conversa.NewShiftClock()}
	st.SetClock(e.clock)
	box, _ := secrets.New(make([]byte, 32))
	st.SetSealer(box)
	sim, err := metasim.New(metasim.Options{Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	client, err := whatsapp.New(whatsapp.Config{BaseURL: sim.TestAccount().GraphURL})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sim
	if e.w, err = campaigntest.Setup(ctx, st, sim, client, "acme", 1, mps); err != nil {
		t.Fatal(err)
	}
	e.graph = &recordingGraph{next: client}
	e.svc = campaigns.New(campaigns.Options{Store: st, Graph: e.graph, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
	return e
}

func (e *env) company() int64            { return e.w.Company.ID }
func (e *env) channel() conversa.Channel { return e.w.Channels[0] }
func (e *env) pid() string               { return e.channel().WABA.PhoneNumberID }

// campaign imports csv and creates a draft campaign of tpl over it.
func (e *env) campaign(csv, tpl string) conversa.Campaign {
	e.t.Helper()
	l, err := e.svc.ImportList(ctx, e.company(), campaigns.ListImport{Name: "Lista", CSV: csv})
	if err != nil {
		e.t.Fatal(err)
	}
	in := campaigns.NewCampaign{Name: "Black Friday", ChannelID: e.channel().ID, ListID: l.ID, Variables: []string{"name", "desconto"}}
	in.Template.Name, in.Template.Language = tpl, "pt_BR"
	c, err := e.svc.Create(ctx, e.company(), in)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// run starts the campaign and runs an engine until it is no longer
// running (or 60 s pass).
func (e *env) run(c conversa.Campaign, o campaigns.EngineOptions) conversa.Campaign {
	e.t.Helper()
	if _, err := e.svc.Start(ctx, e.company(), c.ID); err != nil {
		e.t.Fatal(err)
	}
	return e.drive(c, o)
}

func (e *env) drive(c conversa.Campaign, o campaigns.EngineOptions) conversa.Campaign {
	e.t.Helper()
	o.Poll = cmpDur(o.Poll, 20*time.Millisecond)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.svc.NewEngine(o).Run(runCtx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got, err := e.st.Campaign(ctx, e.company(), c.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if got.Status != conversa.CampaignRunning && got.Status != conversa.CampaignScheduled {
			return got
		}
	}
	e.t.Fatalf("campaign %d still running after 60 s", c.ID)
	return c
}

func cmpDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// recipients returns every recipient of a campaign.
func (e *env) recipients(id int64) []conversa.CampaignRecipient {
	e.t.Helper()
	var out []conversa.CampaignRecipient
	for after := int64(0); ; {
		page, err := e.st.Recipients(ctx, e.company(), id, after, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].ID
	}
}

// assertOnce checks against the simulator that nobody got the message
// twice, and that every accepted recipient got it exactly once.
func (e *env) assertOnce(id int64) (sent int) {
	e.t.Helper()
	for _, r := range e.recipients(id) {
		n := e.sim.Sent(e.pid(), r.WAID)
		if n > 1 {
			e.t.Fatalf("recipient %s got the campaign %d times", r.WAID, n)
		}
		if r.Status == conversa.RecipientAccepted && n != 1 {
			e.t.Fatalf("recipient %s accepted but the simulator has %d messages", r.WAID, n)
		}
		sent += n
	}
	return sent
}

// recordingGraph records when each send was made; hook, when set, runs
// before the real call and may replace it.
type recordingGraph struct {
	next  campaigns.Graph
	mu    sync.Mutex
	times []time.Time
	hook  func(n int) (skip bool, err error)
}

func (g *recordingGraph) Send(ctx context.Context, token, pid string, m whatsapp.Message) (*whatsapp.SendResult, error) {
	g.mu.Lock()
	g.times = append(g.times, time.Now())
	n, hook := len(g.times), g.hook
	g.mu.Unlock()
	if hook != nil {
		if skip, err := hook(n); skip {
			return nil, err
		}
	}
	return g.next.Send(ctx, token, pid, m)
}

// setHook swaps the hook while engines may be calling Send.
func (g *recordingGraph) setHook(h func(n int) (skip bool, err error)) {
	g.mu.Lock()
	g.hook = h
	g.mu.Unlock()
}

func (g *recordingGraph) sendTimes() []time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]time.Time(nil), g.times...)
}
