package templates_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
	"github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

const reviewDelay = 10 * time.Minute

// env is the templates service against an in-process simulator, with a
// miniature intake that feeds the simulator's webhooks to the sink.
type env struct {
	t       *testing.T
	st      *store.Store
	sim     *metasim.Sim
	acc     metasim.Account
	clock   *conversa.ShiftClock
	svc     *templates.Service
	graph   *whatsapp.Client
	company conversa.Company
	channel conversa.Channel
	graphN  atomic.Int64 // Graph API requests the simulator received
	hooksOn atomic.Bool  // false: webhooks are acknowledged and dropped
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	e := &env{t: t, st: st, clock: conversa.NewShiftClock()}
	e.hooksOn.Store(true)
	sim, err := metasim.New(metasim.Options{Clock: e.clock, ReviewDelay: reviewDelay, WebhookRetryBase: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Path, "/_sim/") {
			e.graphN.Add(1)
		}
		sim.Handler().ServeHTTP(w, r)
	}))
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	e.sim, e.acc = sim, sim.TestAccount()
	client, err := whatsapp.New(whatsapp.Config{BaseURL: e.acc.GraphURL, RetryBaseDelay: time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	st.SetClock(e.clock)
	e.company, e.channel = e.connect()
	e.graph = client
	e.svc = templates.New(templates.Config{Store: st, Graph: client, Clock: e.clock, PageSize: 2})
	hook := httptest.NewServer(http.HandlerFunc(e.intake))
	t.Cleanup(hook.Close)
	if err := sim.SetCallback(hook.URL, "verify-me"); err != nil {
		t.Fatal(err)
	}
	return e
}

// connect creates a company with the simulator's test account as channel.
func (e *env) connect() (conversa.Company, conversa.Channel) {
	box, err := secrets.New(make([]byte, 32))
	if err != nil {
		e.t.Fatal(err)
	}
	e.st.SetSealer(box)
	c, err := e.st.CreateCompany(ctx, conversa.Company{Domain: "loja", Name: "Loja", MaxChannels: 2, MaxAgents: 2})
	if err != nil {
		e.t.Fatal(err)
	}
	g, err := e.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Vendas"})
	if err != nil {
		e.t.Fatal(err)
	}
	ch, err := e.st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "Loja",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: e.acc.WABAID, PhoneNumberID: e.acc.PhoneNumberID,
			AccessToken: e.acc.AccessToken, AppSecret: e.acc.AppSecret, VerifyToken: "verify-me"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, ch
}

// intake is the webhook endpoint in miniature: handshake, signature,
// parse, route by account, hand to the sink.
func (e *env) intake(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		challenge, _ := whatsapp.VerifyChallenge(r.URL.Query(), "verify-me")
		io.WriteString(w, challenge)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if !whatsapp.VerifySignature(e.acc.AppSecret, body, r.Header.Get("X-Hub-Signature-256")) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	n, err := whatsapp.ParseWebhook(body)
	if err != nil || !e.hooksOn.Load() {
		return
	}
	for ev := range n.Events() {
		channels, err := e.st.ChannelsByWABAID(r.Context(), ev.WABAID)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		for _, ch := range channels {
			route := intake.Route{CompanyID: ch.CompanyID, ChannelID: ch.ID, ReceivedAt: e.clock.Now()}
			if err := e.svc.HandleEvent(r.Context(), route, ev); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError) // the simulator redelivers
				return
			}
		}
	}
}

// byName returns the channel's template row.
func (e *env) byName(name, language string) conversa.Template {
	e.t.Helper()
	t, err := e.st.TemplateByName(ctx, e.company.ID, e.channel.ID, name, language)
	if err != nil {
		e.t.Fatalf("template %s/%s: %v", name, language, err)
	}
	return t
}

// waitStatus waits until the webhook brought the template to status.
func (e *env) waitStatus(name string, want conversa.TemplateStatus) conversa.Template {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		t := e.byName(name, "pt_BR")
		if t.Status == want {
			return t
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("template %s is %s, want %s", name, t.Status, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// draft is a valid pt_BR utility template (language left to the default).
func draft(channelID int64, name, body string) templates.Draft {
	return templates.Draft{ChannelID: channelID, Name: name, Category: "UTILITY", Components: []conversa.TemplateComponent{
		{Type: "HEADER", Format: "TEXT", Text: "Seu pedido"},
		{Type: "BODY", Text: body, Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "#123"}}}},
		{Type: "FOOTER", Text: "Loja Exemplo"},
		{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "QUICK_REPLY", Text: "Falar com atendente"}}},
	}}
}

// rawGraphDelete deletes a template on Meta behind Conversa's back (as in
// Meta's manager).
func (e *env) rawGraphDelete(name string) error {
	return e.graph.DeleteTemplate(ctx, e.acc.AccessToken, e.acc.WABAID, name, "")
}
