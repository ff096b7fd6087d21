// Package web is Conversa's browser UI for agents, supervisors and admins:
// server-rendered html/template pages (a file per screen), htmx fragments
// for the parts that refresh, a small app.js, and live updates from the
// API's SSE stream. Everything is embedded in the binary.
//
// The JSON API stays the single source of behaviour. Pages read through it
// in-process (apiGet: the same handler, the caller's cookie and language, so
// scoping, roles and localized errors are the API's), and every write is a
// fetch from app.js straight to /api/v1. This package owns only
// presentation: layout, i18n, formatting.
package web

import (
	"embed"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Paths are the prefixes the UI serves; the server mounts the UI handler at
// each of them beside the API.
var Paths = []string{"GET /{$}", "GET /favicon.ico", "/login", "/lang", "/static/", "/app/"}

// Config holds the UI's dependencies.
type Config struct {
	Auth   *auth.Service
	Clock  conversa.Clock
	Logger *slog.Logger
	// SimPath is where the embedded Cloud API simulator is mounted ("/sim")
	// in sandbox mode, empty otherwise; it enables the customer-phone link.
	SimPath string
}

// UI is the web app.
type UI struct {
	cfg   Config
	api   atomic.Pointer[http.Handler]
	pages *pages
	mux   *http.ServeMux
}

// New returns the UI. SetAPI must be called before serving.
func New(cfg Config) (*UI, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = conversa.SystemClock{}
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	u := &UI{cfg: cfg, pages: p}
	u.mux = u.routes()
	return u, nil
}

// SetAPI gives the UI the API handler it reads through. The API handler
// mounts the UI, so the two are tied after both exist.
func (u *UI) SetAPI(h http.Handler) { u.api.Store(&h) }

// ServeHTTP serves the UI.
func (u *UI) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.mux.ServeHTTP(w, r) }

func (u *UI) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("GET /static/", u.static())
	// Browsers ask for /favicon.ico on their own, whatever the page links.
	m.Handle("GET /favicon.ico", http.RedirectHandler("/static/favicon.svg", http.StatusMovedPermanently))
	m.HandleFunc("GET /{$}", u.home)
	m.HandleFunc("GET /login", u.loginPage)
	m.HandleFunc("GET /lang", u.switchLang)
	u.routesAdmin(m)
	u.routesTemplates(m)
	u.routesInbox(m)
	u.routesNewConversation(m)
	u.routesReports(m)
	u.routesCampaigns(m)
	u.routesSettings(m)
	m.HandleFunc("/app/", u.page(conversa.RoleAgent, "error.html", func(*http.Request, *view) error {
		return errPageNotFound
	}))
	return m
}

// static serves the embedded assets; they change only with the binary, so
// a short cache is safe and keeps reloads snappy.
func (u *UI) static() http.Handler {
	fs := http.FileServerFS(staticFS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		fs.ServeHTTP(w, r)
	})
}

// home sends signed-in users to the inbox and everyone else to the login.
func (u *UI) home(w http.ResponseWriter, r *http.Request) {
	if _, err := u.principal(r); err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/app/inbox", http.StatusSeeOther)
}
