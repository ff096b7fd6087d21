package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// simEnv is env with the Cloud API simulator in-process (over httptest)
// sharing the env's clock, and Conversa reachable over HTTP so the
// simulator can run Meta's webhook handshake against it.
type simEnv struct {
	*env
	sim        *metasim.Sim
	graph      *whatsapp.Client
	webhookURL string
}

func eachSim(t *testing.T, fn func(t *testing.T, e *simEnv)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newSimEnv(t, st)) })
}

func newSimEnv(t *testing.T, st *store.Store) *simEnv {
	se := &simEnv{}
	withSim := func(e *env, c *httpapi.Config) {
		sim, err := metasim.New(metasim.Options{Clock: e.clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sim.Close() })
		graphSrv := httptest.NewServer(sim.Handler())
		t.Cleanup(graphSrv.Close)
		sim.SetPublicURL(graphSrv.URL)
		graph, err := whatsapp.New(whatsapp.Config{BaseURL: graphSrv.URL, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		app := httptest.NewServer(webhookStub(e))
		t.Cleanup(app.Close)
		se.sim, se.graph, se.webhookURL = sim, graph, app.URL+"/webhooks/whatsapp"
		acc := sim.TestAccount()
		c.Channels = channels.New(channels.Config{Store: st, Graph: graph, Clock: e.clock, WebhookURL: se.webhookURL,
			AppID: sim.AppID(), AppSecret: acc.AppSecret, Logger: slog.New(slog.DiscardHandler)})
	}
	se.env = newEnv(t, st, auth.Config{}, withSim)
	return se
}

// webhookStub serves Meta's GET handshake the way the intake does (a live
// channel's verify token), so these tests need not wait for it, and
// acknowledges POSTed webhooks; everything else goes to the API.
func webhookStub(e *env) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /webhooks/whatsapp", func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("hub.verify_token")
		list, err := e.st.ChannelsByVerifyToken(r.Context(), token)
		if err != nil || len(list) == 0 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		challenge, ok := whatsapp.VerifyChallenge(r.URL.Query(), token)
		if !ok {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		w.Write([]byte(challenge))
	})
	mux.HandleFunc("POST /webhooks/whatsapp", func(w http.ResponseWriter, r *http.Request) {})
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.h.ServeHTTP(w, r) }))
	return mux
}

// adminWithStepUp logs alpha's admin in and confirms the password.
func (e *env) adminWithStepUp() string {
	e.t.Helper()
	tok := e.login("alpha", "admin@alpha.com")
	e.reauth(tok)
	return tok
}

func (e *env) reauth(tok string) {
	e.t.Helper()
	wantStatus(e.t, e.do(req{method: "POST", path: "/api/v1/auth/reauth", token: tok, body: map[string]string{"password": pass}}), http.StatusOK)
}

// Fixtures of company alpha for the isolation table, created on first use.

func alphaGroup(e *env) int64 {
	gs, err := e.st.Groups(ctx, e.alpha.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(gs) > 0 {
		return gs[0].ID
	}
	g, err := e.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: e.alpha.ID, Name: "Vendas"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.AddGroupMember(ctx, e.alpha.ID, g.ID, alphaAgent(e)); err != nil {
		e.t.Fatal(err)
	}
	return g.ID
}

func alphaChannel(e *env) int64 {
	chs, err := e.st.Channels(ctx, e.alpha.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(chs) > 0 {
		return chs[0].ID
	}
	ch, err := e.st.CreateChannel(ctx, conversa.Channel{CompanyID: e.alpha.ID, GroupID: alphaGroup(e), Type: conversa.ChannelWABA,
		Name: "Alpha WhatsApp", Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "alpha-waba",
			PhoneNumberID: "alpha-number", AccessToken: "alpha-token", AppSecret: "alpha-secret", VerifyToken: "alpha-verify"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return ch.ID
}

func alphaOnboarding(e *env) int64 {
	os, err := e.st.Onboardings(ctx, e.alpha.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(os) > 0 {
		return os[0].ID
	}
	o, err := e.st.CreateOnboarding(ctx, conversa.Onboarding{CompanyID: e.alpha.ID, UserID: e.users["admin@alpha.com"].ID,
		GroupID: alphaGroup(e), ChannelName: "Alpha guided", Step: conversa.StepSignup})
	if err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}

// checkAlphaChannelsUnchanged: after beta's attempts alpha's group, channel
// and onboarding are as they were.
func checkAlphaChannelsUnchanged(t *testing.T, e *env) {
	t.Helper()
	g, _ := e.st.Group(ctx, e.alpha.ID, alphaGroup(e))
	members, _ := e.st.GroupMembers(ctx, e.alpha.ID, g.ID)
	ch, _ := e.st.Channel(ctx, e.alpha.ID, alphaChannel(e))
	o, _ := e.st.Onboarding(ctx, e.alpha.ID, alphaOnboarding(e))
	if g.Name != "Vendas" || len(members) != 1 || ch.Name != "Alpha WhatsApp" || ch.Status != conversa.ChannelConnected ||
		o.Step != conversa.StepSignup || o.LastError != nil {
		t.Fatalf("alpha changed: group %+v members %v channel %+v onboarding %+v", g, members, ch, o)
	}
}

// noSecrets fails when a response body carries a credential.
func noSecrets(t *testing.T, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			t.Fatalf("response leaks a secret %q: %s", s, body)
		}
	}
}
