package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

const testPass = "password-123"

// stack is the real API (over SQLite) with the UI mounted, as serve wires
// them; a company "acme" has an admin and an agent.
type stack struct {
	t     *testing.T
	h     http.Handler
	clock *conversa.ShiftClock
}

func newStack(t *testing.T) *stack { return newStackWith(t, nil) }

// newStackWith is newStack with more of the API wired by configure (the
// use-case services a screen's test needs).
func newStackWith(t *testing.T, configure func(st *store.Store, clock *conversa.ShiftClock, c *httpapi.Config)) *stack {
	t.Helper()
	st := storetest.SQLite(t)
	clock := conversa.NewShiftClock()
	st.SetClock(clock)
	svc, err := auth.New(st, clock, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, _, err := svc.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Acme Ltda", MaxChannels: 2, MaxAgents: 5},
		conversa.User{Email: "admin@acme.com", Name: "Ada Admin"}, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, nil, conversa.User{CompanyID: c.ID, Email: "agent@acme.com", Name: "Otto Agente",
		Role: conversa.RoleAgent, Active: true}, testPass); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	ui, err := New(Config{Auth: svc, Clock: clock, Logger: log, SimPath: "/sim"})
	if err != nil {
		t.Fatal(err)
	}
	mounts := map[string]http.Handler{}
	for _, p := range Paths {
		mounts[p] = ui
	}
	cfg := httpapi.Config{Store: st, Auth: svc, Logger: log, Mounts: mounts}
	if configure != nil {
		configure(st, clock, &cfg)
	}
	h := httpapi.New(cfg).Handler()
	ui.SetAPI(h)
	return &stack{t: t, h: h, clock: clock}
}

// login returns the session cookie of a user of acme.
func (s *stack) login(email string) *http.Cookie {
	s.t.Helper()
	body, _ := json.Marshal(map[string]string{"domain": "acme", "email": email, "password": testPass})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/auth/login", bytes.NewReader(body)))
	if rec.Code != 200 {
		s.t.Fatalf("login %s: %d %s", email, rec.Code, rec.Body)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	s.t.Fatal("no session cookie")
	return nil
}

// get fetches path with the given cookies and headers ("Name: value").
func (s *stack) get(path string, cookies []*http.Cookie, headers ...string) (*http.Response, string) {
	s.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(b)
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestLoginPageLanguage(t *testing.T) {
	s := newStack(t)
	en := &http.Cookie{Name: langCookie, Value: "en"}
	tests := []struct {
		name    string
		cookies []*http.Cookie
		headers []string
		want    []string
	}{
		{"default pt-BR", nil, nil, []string{`lang="pt-BR"`, "Entrar no Conversa", "Domínio da empresa", "Senha"}},
		{"browser English", nil, []string{"Accept-Language: en-US,en;q=0.9"}, []string{`lang="en"`, "Log in to Conversa", "Company domain"}},
		{"browser Portuguese", nil, []string{"Accept-Language: pt-PT,en;q=0.5"}, []string{`lang="pt-BR"`, "Entrar no Conversa"}},
		{"cookie beats browser", []*http.Cookie{en}, []string{"Accept-Language: pt-BR"}, []string{`lang="en"`, "Password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get("/login", tt.cookies, tt.headers...)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			mustContain(t, body, tt.want...)
			mustContain(t, body, `data-api="/api/v1/auth/login"`, `name="domain"`, `name="email"`, `name="password"`)
		})
	}
}

func TestAnonymousGoesToLogin(t *testing.T) {
	s := newStack(t)
	for _, path := range []string{"/", "/app/inbox", "/app/admin/users"} {
		resp, _ := s.get(path, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s: %d → %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, _ := s.get("/app/admin/users", nil)
	if loc := resp.Header.Get("Location"); loc != "/login?next=%2Fapp%2Fadmin%2Fusers" {
		t.Errorf("next lost: %q", loc)
	}
	// An htmx fragment refresh after the session ended redirects the page.
	resp, _ = s.get("/app/admin/users/list", nil, "HX-Request: true")
	if resp.Header.Get("HX-Redirect") != "/login" {
		t.Errorf("htmx refresh: %d %v", resp.StatusCode, resp.Header)
	}
}

// A fragment refresh after the session ended sends the page to the login
// and, after it, back to that page (not to the fragment, nor elsewhere).
func TestHTMXLoginReturnsToPage(t *testing.T) {
	s := newStack(t)
	for current, want := range map[string]string{
		"http://conversa.example/app/inbox/5?tab=all": "/login?next=%2Fapp%2Finbox%2F5%3Ftab%3Dall",
		"http://conversa.example//evil.example/x":     "/login?next=%2F",
	} {
		resp, _ := s.get("/app/inbox/5/card", nil, "HX-Request: true", "HX-Current-URL: "+current)
		if got := resp.Header.Get("HX-Redirect"); got != want {
			t.Errorf("from %s: HX-Redirect %q, want %q", current, got, want)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	s := newStack(t)
	for next, want := range map[string]string{"/app/inbox": "/app/inbox", "//evil.example/x": "/", "https://evil.example": "/",
		"/\\evil.example": "/", "/%09/evil.example": "/"} {
		resp, _ := s.get("/lang?l=en&next="+url.QueryEscape(next), nil)
		if resp.Header.Get("Location") != want {
			t.Errorf("next %q → %q, want %q", next, resp.Header.Get("Location"), want)
		}
		if c := resp.Cookies(); len(c) != 1 || c[0].Value != "en" {
			t.Errorf("cookie: %v", c)
		}
	}
}

// The login returns only to a page of this site: the form's target is
// safeNext's answer, taken as is by app.js.
func TestLoginNext(t *testing.T) {
	s := newStack(t)
	for next, want := range map[string]string{"/app/templates": "/app/templates", "/\\evil.example": "/app/inbox",
		"//evil.example": "/app/inbox", "/%5C%5Cevil.example": "/app/inbox"} {
		_, body := s.get("/login?next="+url.QueryEscape(next), nil)
		mustContain(t, body, `data-then="next" data-next="`+want+`"`)
	}
}

// The users screen shows what the API gives, in each language, and only
// to admins (the layout's navigation follows the role too).
func TestUsersScreen(t *testing.T) {
	s := newStack(t)
	admin := s.login("admin@acme.com")
	resp, body := s.get("/app/admin/users", []*http.Cookie{admin})
	if resp.StatusCode != 200 {
		t.Fatalf("admin: %d\n%s", resp.StatusCode, body)
	}
	mustContain(t, body, "Usuários e agentes", "Ada Admin", "Otto Agente", "agent@acme.com", "Agentes: 1 de 5",
		"Canais: 0 de 2", `href="/app/admin/channels"`, `href="/sim/_sim/phone"`, "Administrador")
	_, body = s.get("/app/admin/users", []*http.Cookie{admin, {Name: langCookie, Value: "en"}})
	mustContain(t, body, "Users and agents", "Agents: 1 of 5", "Channels: 0 of 2", "Log out")

	agent := s.login("agent@acme.com")
	resp, body = s.get("/app/admin/users", []*http.Cookie{agent})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("agent on admin screen: %d", resp.StatusCode)
	}
	mustContain(t, body, "Esta ação exige o perfil admin")
	if strings.Contains(body, `href="/app/admin/users"`) {
		t.Error("agent's navigation links the admin screens")
	}
}

func TestStaticAssets(t *testing.T) {
	s := newStack(t)
	for _, p := range []string{"/static/htmx.min.js", "/static/app.js", "/static/app.css"} {
		resp, body := s.get(p, nil)
		if resp.StatusCode != 200 || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", p, resp.StatusCode, len(body))
		}
	}
}
