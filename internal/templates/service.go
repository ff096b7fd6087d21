// Package templates keeps each channel's WhatsApp message templates: it
// creates, edits and deletes them on Meta, syncs them back (on demand and
// every 15 minutes), follows Meta's review through the
// message_template_status_update and template_category_update webhooks (the
// intake's Templates sink), and previews a send with its expected cost.
//
// Ordering: every state Meta reports carries the time Meta was in it (the
// webhook's entry time; for our own calls and syncs, when we looked, minus
// clockSkew). A report older than the stored state is ignored
// (conversa.Template.ApplyStatus), so redelivered and reordered webhooks
// and a slow sync racing a webhook never move a template backwards.
//
// Deletion: a template deleted here or gone from Meta keeps its row with
// status DELETED (hidden from lists), so messages and spend reports keep
// their template; creating the same name and language again revives it.
package templates

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Graph is the part of the Cloud API client templates use
// (*whatsapp.Client).
type Graph interface {
	AllTemplates(ctx context.Context, token, wabaID string, q whatsapp.TemplateQuery) ([]whatsapp.MessageTemplate, error)
	CreateTemplate(ctx context.Context, token, wabaID string, t whatsapp.MessageTemplate) (*whatsapp.TemplateCreated, error)
	EditTemplate(ctx context.Context, token, templateID string, e whatsapp.TemplateEdit) error
	DeleteTemplate(ctx context.Context, token, wabaID, name, templateID string) error
}

// Windows tells whether a customer's 24-hour service window is open on a
// channel (the inbox owns conversations). waID is the customer's canonical
// WhatsApp id.
type Windows interface {
	WindowOpen(ctx context.Context, companyID, channelID int64, waID string) (bool, error)
}

// Config holds the service's dependencies. Publisher and Windows are
// optional: without Windows a preview prices the send as if the window
// were closed (the most it can cost).
type Config struct {
	Store     *store.Store
	Graph     Graph
	Clock     conversa.Clock
	Publisher realtime.Publisher
	Windows   Windows
	Logger    *slog.Logger
	PageSize  int // templates per Graph page when syncing; 0 = 100
}

// Service is the templates use cases.
type Service struct {
	store    *store.Store
	graph    Graph
	clock    conversa.Clock
	pub      realtime.Publisher
	windows  Windows
	log      *slog.Logger
	pageSize int
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = conversa.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	return &Service{store: cfg.Store, graph: cfg.Graph, clock: cfg.Clock, pub: cfg.Publisher, windows: cfg.Windows,
		log: cfg.Logger, pageSize: cfg.PageSize}
}

// clockSkew is how far our clock may run ahead of Meta's. States we
// observe ourselves are stamped this much earlier, so a webhook Meta sent
// just after our look is never taken for an older one.
const clockSkew = 30 * time.Second

// observedAt is the stamp for a state we see on Meta at now.
func (s *Service) observedAt(now time.Time) time.Time { return now.Add(-clockSkew) }

// channel returns a WhatsApp channel of the company that can call the
// Graph API.
func (s *Service) channel(ctx context.Context, companyID, channelID int64) (conversa.Channel, error) {
	ch, err := s.store.Channel(ctx, companyID, channelID)
	if err != nil {
		return ch, err
	}
	if s.graph == nil {
		return ch, conversa.Errorf(conversa.EUNAVAILABLE, "The WhatsApp connection is not configured on this server.").
			Pt("A conexão com o WhatsApp não está configurada neste servidor.")
	}
	if ch.Type != conversa.ChannelWABA || ch.WABA == nil || ch.WABA.WABAID == "" || ch.WABA.AccessToken == "" {
		return ch, conversa.Errorf(conversa.EINVALID, "Channel %q is not a connected WhatsApp account.", ch.Name).
			Pt("O canal %q não é uma conta do WhatsApp conectada.", ch.Name)
	}
	if ch.Status == conversa.ChannelDisconnected {
		return ch, conversa.Errorf(conversa.ECONFLICT, "Channel %q is disconnected.", ch.Name).
			Pt("O canal %q está desconectado.", ch.Name)
	}
	return ch, nil
}

// templateEvent is the realtime payload of "template.updated".
type templateEvent struct {
	ID        int64  `json:"id"`
	ChannelID int64  `json:"channel_id"`
	Name      string `json:"name"`
	Language  string `json:"language"`
	Status    string `json:"status"`
	Category  string `json:"category"`
}

// publish tells open screens a template changed. It runs after the commit
// and a failure is only logged: the row is already right, and screens
// catch up on their next load.
func (s *Service) publish(ctx context.Context, t conversa.Template) {
	if s.pub == nil {
		return
	}
	data, _ := json.Marshal(templateEvent{ID: t.ID, ChannelID: t.ChannelID, Name: t.Name, Language: t.Language,
		Status: string(t.Status), Category: metaCategory(t.Category)})
	if err := s.pub.Publish(ctx, realtime.Event{CompanyID: t.CompanyID, Type: "template.updated", Data: data}); err != nil {
		s.log.WarnContext(ctx, "publish template update", "template_id", t.ID, "err", err)
	}
}
