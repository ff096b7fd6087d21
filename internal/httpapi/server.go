// Package httpapi is Conversa's REST API (/api/v1, JSON) plus the
// operational endpoints (/healthz, /readyz, /metrics).
//
// Adding a feature's endpoints: write routes_<feature>.go with a
// func (s *Server) routes<Feature>(m *router) registering its patterns, and
// add that call to Handler. Handlers return an error instead of writing
// one; writeError maps it to a status and the stable body
// {"error":{"code","message"}}. Every route with an {id} must be listed in
// the tenant-isolation test table (isolation_test.go); a test fails when one
// is missing.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
)

// Config holds the server's dependencies.
type Config struct {
	Store  *store.Store
	Auth   *auth.Service
	Logger *slog.Logger
	// Mounts are extra handlers served beside the API by path prefix, e.g.
	// "/sim/" for the embedded Cloud API simulator.
	Mounts map[string]http.Handler
	// Webhooks is the Meta webhook intake (internal/intake); nil = no
	// /webhooks/whatsapp endpoint.
	Webhooks WebhookIntake
	// Channels runs channel groups, channels, onboarding and readiness
	// (internal/channels); nil = no channel endpoints.
	Channels *channels.Service
	// Inbox runs conversations and messages (internal/inbox); nil = no
	// conversation endpoints. Events streams live events (GET /api/v1/events).
	Inbox  *inbox.Service
	Events *realtime.Hub
	// Templates runs message templates (internal/templates); nil = no
	// template endpoints (the price table is served regardless).
	Templates *templates.Service
	// Reports computes supervisors' reports (internal/report); nil = no
	// report endpoints.
	Reports *report.Service
	// Campaigns runs contact lists and campaigns (internal/campaigns); nil
	// = no campaign endpoints.
	Campaigns *campaigns.Service
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client (realip.go); none = the peer is the client.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP API.
type Server struct {
	store     *store.Store
	auth      *auth.Service
	log       *slog.Logger
	mounts    map[string]http.Handler
	metrics   *metrics
	routes    []string // registered patterns, for the isolation test
	webhooks  WebhookIntake
	channels  *channels.Service
	inbox     *inbox.Service
	events    *realtime.Hub
	templates *templates.Service
	reports   *report.Service
	campaigns *campaigns.Service
	trusted   []netip.Prefix
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Server{store: cfg.Store, auth: cfg.Auth, log: cfg.Logger, mounts: cfg.Mounts, metrics: newMetrics(),
		webhooks: cfg.Webhooks, channels: cfg.Channels, inbox: cfg.Inbox, events: cfg.Events,
		templates: cfg.Templates, reports: cfg.Reports, campaigns: cfg.Campaigns, trusted: cfg.TrustedProxies}
}

// Handler builds the whole HTTP handler. Call it once.
func (s *Server) Handler() http.Handler {
	m := &router{ServeMux: http.NewServeMux(), s: s}
	s.routesHealth(m)
	s.routesAuth(m)
	s.routesCompany(m)
	s.routesUsers(m)
	s.routesAudit(m)
	s.routesWebhooks(m)
	s.routesChannels(m)
	s.routesOnboarding(m)
	s.routesConversations(m)
	s.routesMessages(m)
	s.routesTemplates(m)
	s.routesPrices(m)
	s.routesAssignment(m)
	s.routesLabels(m)
	s.routesReports(m)
	s.routesCampaigns(m)
	s.routesMedia(m)
	s.routesConsent(m)
	s.routesOpenAPI(m)
	// Later issues: s.routes<Feature>(m), ...
	m.ServeMux.Handle("GET /metrics", s.metrics.handler())
	for prefix, h := range s.mounts {
		m.ServeMux.Handle(prefix, h)
	}
	m.ServeMux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errNoRoute())
	})
	return s.realIP(s.recover(s.observe(s.csrf(m.ServeMux))))
}

// Routes lists the registered API patterns ("METHOD /path").
func (s *Server) Routes() []string { return s.routes }

// Registry exposes the server's Prometheus metrics (for tests and mounts).
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }
