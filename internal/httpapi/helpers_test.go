package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/templates"
)

var ctx = context.Background()

const pass = "password-123"

// env is a real API handler over a real store, with two companies:
// alpha (admin, supervisor, agent; licence 1 agent) and beta (admin).
type env struct {
	t     *testing.T
	st    *store.Store
	svc   *auth.Service
	srv   *httpapi.Server
	h     http.Handler
	clock *conversa.ShiftClock
	alpha conversa.Company
	beta  conversa.Company
	users map[string]conversa.User // by e-mail
}

// envOption adjusts the server's config before it is built (e.g. a Graph
// API client for the channel use cases).
type envOption func(e *env, c *httpapi.Config)

func newEnv(t *testing.T, st *store.Store, cfg auth.Config, opts ...envOption) *env {
	t.Helper()
	clock := conversa.NewShiftClock()
	st.SetClock(clock)
	box, err := secrets.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st.SetSealer(box)
	cfg.Params = auth.Params{Memory: 64, Time: 1, Threads: 1}
	svc, err := auth.New(st, clock, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, svc: svc, clock: clock, users: map[string]conversa.User{}}
	// Without a Graph client the channel routes still answer everything
	// that fails before calling Meta (auth, tenancy, validation).
	hc := httpapi.Config{Store: st, Auth: svc, Logger: slog.New(slog.DiscardHandler),
		Channels: channels.New(channels.Config{Store: st, Clock: clock, Logger: slog.New(slog.DiscardHandler)}),
		// Without a Graph client, template routes answer everything short of Meta.
		Templates: templates.New(templates.Config{Store: st, Clock: clock, Logger: slog.New(slog.DiscardHandler)}),
		// Without a Graph client or queue, conversation routes answer everything short of sending.
		Inbox: inbox.New(inbox.Options{Store: st, Clock: clock, Logger: slog.New(slog.DiscardHandler)}),
		// Without an engine, campaigns are created and moved between states but never sent.
		Campaigns: campaigns.New(campaigns.Options{Store: st, Clock: clock, Logger: slog.New(slog.DiscardHandler)})}
	for _, o := range opts {
		o(e, &hc)
	}
	e.srv = httpapi.New(hc)
	e.h = e.srv.Handler()
	e.alpha = e.company("alpha", "admin@alpha.com", 1)
	e.beta = e.company("beta", "admin@beta.com", 1)
	e.user(e.alpha, "sup@alpha.com", conversa.RoleSupervisor)
	e.user(e.alpha, "agent@alpha.com", conversa.RoleAgent)
	return e
}

// each runs fn on SQLite and, when configured, PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newEnv(t, st, auth.Config{})) })
}

func (e *env) company(domain, adminEmail string, agents int) conversa.Company {
	e.t.Helper()
	c, admin, err := e.svc.CreateCompany(ctx, conversa.Company{Domain: domain, Name: strings.ToUpper(domain), MaxChannels: 1, MaxAgents: agents},
		conversa.User{Email: adminEmail, Name: "Admin " + domain}, pass)
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[adminEmail] = admin
	return c
}

func (e *env) user(c conversa.Company, email string, role conversa.Role) conversa.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(ctx, nil, conversa.User{CompanyID: c.ID, Email: email, Name: email, Role: role, Active: true}, pass)
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[email] = u
	return u
}

// req describes one request; token is sent as a bearer token.
type req struct {
	method, path, token string
	body                any // string is sent raw, anything else as JSON
	header              map[string]string
}

func (e *env) do(r req) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, hr)
	return rec
}

// login returns a bearer token for email in the company domain.
func (e *env) login(domain, email string) string {
	e.t.Helper()
	rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"domain": domain, "email": email, "password": pass}})
	if rec.Code != http.StatusOK {
		e.t.Fatalf("login %s/%s: %d %s", domain, email, rec.Code, rec.Body)
	}
	return decode[struct{ Token string }](e.t, rec).Token
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body, err)
	}
	return v
}

type apiError struct {
	Error struct{ Code, Message string }
}

// wantError checks status and error code of a response.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) apiError {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	e := decode[apiError](t, rec)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error %+v, want code %q with a message", e.Error, code)
	}
	return e
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
}

func idPath(format string, id int64) string { return fmt.Sprintf(format, id) }
