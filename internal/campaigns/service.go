// Package campaigns sends one approved template to many people: contact
// lists imported from CSV, campaigns with a cost estimate and a schedule,
// and the sending engine (engine.go) that paces each phone number at Meta's
// throughput, respects the messaging-limit tier and opt-outs, pauses
// itself when things go wrong, and never sends anyone the same campaign
// message twice, even across crashes and nodes.
//
// Campaign messages are ordinary outbound messages (store.messages) with the
// inbox's callback data, so status webhooks, the reconcile sweep and the
// thread view treat them exactly like the inbox's own sends; a customer's
// reply lands in the conversation the campaign opened.
package campaigns

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Graph is the part of the Cloud API client campaigns use.
type Graph interface {
	Send(ctx context.Context, token, phoneNumberID string, m whatsapp.Message) (*whatsapp.SendResult, error)
}

// Options configure the service.
type Options struct {
	Store     *store.Store
	Graph     Graph
	Publisher realtime.Publisher // default: publish nothing
	Clock     conversa.Clock     // default conversa.SystemClock
	Logger    *slog.Logger
}

// Service implements the campaign use cases; Engine sends.
type Service struct {
	store *store.Store
	graph Graph
	pub   realtime.Publisher
	clock conversa.Clock
	log   *slog.Logger
}

// New builds the service.
func New(o Options) *Service {
	s := &Service{store: o.Store, graph: o.Graph, pub: o.Publisher, clock: o.Clock, log: o.Logger}
	if s.pub == nil {
		s.pub = nopPublisher{}
	}
	if s.clock == nil {
		s.clock = conversa.SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, realtime.Event) error { return nil }

// Event types published to the company's browsers.
const (
	EventProgress = "campaign.progress"
	EventUpdated  = "campaign.updated"
)

// publish runs after the change committed; a lost live event only delays
// a browser until its next poll, so failures are logged.
func (s *Service) publish(ctx context.Context, companyID int64, typ string, data any) {
	raw, err := json.Marshal(data)
	if err == nil {
		err = s.pub.Publish(context.WithoutCancel(ctx), realtime.Event{CompanyID: companyID, Type: typ, Data: raw})
	}
	if err != nil {
		s.log.Warn("campaigns: publish failed", "type", typ, "err", err)
	}
}

func invalid(en, pt string) error { return conversa.Errorf(conversa.EINVALID, "%s", en).Pt("%s", pt) }
