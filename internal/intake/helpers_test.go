package intake_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

// The ids of Meta's documented examples in whatsapp/testdata/webhooks.
const (
	goldenWABA  = "102290129340398"
	goldenPhone = "106540352242922"
	appSecret   = "app-secret-alpha"
	verifyToken = "verify-alpha"
)

// env is the real intake behind the real HTTP handler, on a real store and
// job queue, with company alpha holding the golden number.
type env struct {
	t       *testing.T
	st      *store.Store
	in      *intake.Intake
	h       http.Handler
	q       *jobs.Queue
	sink    *recordingSink
	alpha   conversa.Company
	channel conversa.Channel
}

type envOptions struct {
	opts     intake.Options
	noStart  bool // leave the batch writers stopped (backpressure tests)
	noWorker bool // no job queue workers (benchmarks measure the intake alone)
}

func newEnv(t testing.TB, st *store.Store, eo envOptions) *env {
	t.Helper()
	box, err := secrets.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	st.SetSealer(box)
	e := &env{st: st, sink: newRecordingSink()}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	e.alpha, e.channel = createChannel(t, st, "alpha", goldenPhone, goldenWABA, appSecret, verifyToken)
	opts := eo.opts
	opts.Logger = slog.New(slog.DiscardHandler)
	if opts.Sinks == (intake.Sinks{}) {
		opts.Sinks = intake.Sinks{Messages: e.sink.kind("messages"), Templates: e.sink.kind("templates"), Account: e.sink.kind("account")}
	}
	e.in = intake.New(st, opts)
	e.q = startQueue(t, st, e.in, !eo.noWorker)
	if !eo.noStart {
		if err := e.in.Start(ctx, e.q); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.in.Stop(ctx) })
	}
	srv := httpapi.New(httpapi.Config{Store: st, Logger: slog.New(slog.DiscardHandler), Webhooks: e.in})
	e.h = srv.Handler()
	return e
}

func createChannel(t testing.TB, st *store.Store, domain, phone, waba, secret, token string) (conversa.Company, conversa.Channel) {
	t.Helper()
	c, err := st.CreateCompany(ctx, conversa.Company{Domain: domain, Name: domain, MaxChannels: 5, MaxAgents: 5})
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Vendas"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "WhatsApp",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{PhoneNumberID: phone, WABAID: waba, AppSecret: secret, VerifyToken: token}})
	if err != nil {
		t.Fatal(err)
	}
	return c, ch
}

func startQueue(t testing.TB, st *store.Store, in *intake.Intake, work bool) *jobs.Queue {
	t.Helper()
	if _, err := jobs.Migrate(ctx, st); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(ctx, st, jobs.Options{Logger: slog.New(slog.DiscardHandler), SessionIdle: time.Hour,
		PollInterval: 20 * time.Millisecond, Register: []func(*river.Workers){in.Register},
		Queues: map[string]int{intake.Queue: intake.QueueWorkers}})
	if err != nil {
		t.Fatal(err)
	}
	if !work {
		return q
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(stop)
	})
	return q
}

// post sends body signed with secret ("" = no signature header).
func (e *env) post(body []byte, secret string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(whatsapp.SignatureHeader, whatsapp.Signature(secret, body))
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func (e *env) rows(companyID int64) []store.WebhookEvent {
	e.t.Helper()
	rows, err := e.st.WebhookEvents(ctx, companyID, 0, 10000)
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// waitProcessed waits until the company's n stored rows are all processed.
func (e *env) waitProcessed(companyID int64, n int) []store.WebhookEvent {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		rows := e.rows(companyID)
		done := 0
		for _, r := range rows {
			if r.ProcessedAt != nil {
				done++
			}
		}
		if len(rows) == n && done == n {
			return rows
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("after 15s: %d rows, %d processed; want %d", len(rows), done, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// call is one HandleEvent the recording sink saw.
type call struct {
	kind  string
	route intake.Route
	ev    whatsapp.Event
}

// recordingSink records every call and, like a real sink, keeps one
// "message" per message id or status (id+status), however often it is
// handed the same event.
type recordingSink struct {
	mu       sync.Mutex
	calls    []call
	messages map[string]bool
	fail     func(ev whatsapp.Event) error // optional injected failure
}

func newRecordingSink() *recordingSink { return &recordingSink{messages: map[string]bool{}} }

type kindSink struct {
	r    *recordingSink
	kind string
}

func (r *recordingSink) kind(k string) intake.Sink { return kindSink{r, k} }

func (k kindSink) HandleEvent(_ context.Context, rt intake.Route, ev whatsapp.Event) error {
	k.r.mu.Lock()
	defer k.r.mu.Unlock()
	if k.r.fail != nil {
		if err := k.r.fail(ev); err != nil {
			return err
		}
	}
	k.r.calls = append(k.r.calls, call{k.kind, rt, ev})
	switch {
	case ev.Message != nil:
		k.r.messages["msg:"+ev.Message.ID] = true
	case ev.Status != nil:
		k.r.messages["status:"+ev.Status.ID+":"+ev.Status.Status] = true
	}
	return nil
}

func (r *recordingSink) snapshot() ([]call, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...), len(r.messages)
}

// textPayload is an inbound text message webhook for phone with message id.
func textPayload(waba, phone, id string) []byte {
	return []byte(strings.NewReplacer("WABA", waba, "PHONE", phone, "MSGID", id).Replace(
		`{"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"value":{"messaging_product":"whatsapp",` +
			`"metadata":{"display_phone_number":"15550783881","phone_number_id":"PHONE"},` +
			`"contacts":[{"profile":{"name":"Ana"},"wa_id":"5511987654321"}],` +
			`"messages":[{"from":"5511987654321","id":"MSGID","timestamp":"1739321024","type":"text","text":{"body":"Oi"}}]},` +
			`"field":"messages"}]}]}`))
}

// processed reports whether the stored row carrying message id wamid is
// processed.
func (e *env) processed(wamid string) bool {
	for _, r := range e.rows(e.alpha.ID) {
		if strings.Contains(string(r.Body), `"`+wamid+`"`) {
			return r.ProcessedAt != nil
		}
	}
	return false
}
