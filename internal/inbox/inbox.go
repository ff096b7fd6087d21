// Package inbox is the heart of Conversa's conversations: contacts,
// conversations and messages in both directions under Meta's rules.
//
//   - The Messages sink (HandleEvent) stores inbound customer messages
//     idempotently, restarts the 24-hour window from them, records opt-outs
//     and applies outbound statuses in any order.
//   - Send / StartConversation check the window before anything, validate
//     templates, price them, and store the message as queued together with
//     its River send job (one transaction), so a send is never lost and never
//     made twice.
//   - The send worker calls Meta; the reconcile sweep settles sends whose
//     outcome is unknown (see worker.go for the state machine).
//
// Every change is published to the realtime hub after it commits.
package inbox

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Templates finds a channel's approved template (the templates feature's
// store implements it). A missing template is conversa.ENOTFOUND.
type Templates interface {
	ApprovedTemplate(ctx context.Context, companyID, channelID int64, name, language string) (conversa.Template, error)
}

// Prices returns the company's price table (the templates feature's store
// implements it; DefaultPrices until then).
type Prices interface {
	PriceTable(ctx context.Context, companyID int64) (conversa.PriceTable, error)
}

// DefaultPrices prices every company with Meta's published rates.
type DefaultPrices struct{}

func (DefaultPrices) PriceTable(context.Context, int64) (conversa.PriceTable, error) {
	return conversa.DefaultPriceTable(), nil
}

// Graph is the part of the Cloud API client the inbox uses.
type Graph interface {
	Send(ctx context.Context, token, phoneNumberID string, m whatsapp.Message) (*whatsapp.SendResult, error)
	GetMedia(ctx context.Context, token, mediaID string) (*whatsapp.MediaInfo, error)
	DownloadMedia(ctx context.Context, token, mediaURL string) ([]byte, string, error)
	UploadMedia(ctx context.Context, token, phoneNumberID, filename, mimeType string, r io.Reader) (string, error)
	MarkRead(ctx context.Context, token, phoneNumberID, messageID string, typing bool) error
}

// Queue inserts jobs inside a store transaction (jobs.Queue).
type Queue interface {
	InsertTx(ctx context.Context, tx *store.Store, args river.JobArgs, opts *river.InsertOpts) error
}

// Options configure the service.
type Options struct {
	Store     *store.Store
	Graph     Graph
	Templates Templates
	Prices    Prices             // default DefaultPrices
	Publisher realtime.Publisher // default: publish nothing
	Clock     conversa.Clock     // default conversa.SystemClock
	Logger    *slog.Logger       // default slog.Default
	DataDir   string             // media files go under DataDir/media/<company id>/
	OptOut    []string           // opt-out keywords of companies without their own (optout.go); default conversa.DefaultOptOutKeywords
	// ConfirmTimeout bounds how long a send with an unknown outcome waits
	// for a status webhook before it is failed for a person to check.
	// Default DefaultConfirmTimeout.
	ConfirmTimeout time.Duration
}

// DefaultConfirmTimeout: Meta retries webhooks for days, but an agent must
// not wait that long to learn that a message may not have gone out.
const DefaultConfirmTimeout = 15 * time.Minute

// Service implements the inbox use cases.
type Service struct {
	store     *store.Store
	graph     Graph
	templates Templates
	prices    Prices
	pub       realtime.Publisher
	clock     conversa.Clock
	log       *slog.Logger
	dataDir   string
	optOut    []string
	keywords  keywordCache // companies' own opt-out keywords
	confirm   time.Duration
	queue     Queue
}

// New builds the service. Call SetQueue before sending or receiving media.
func New(o Options) *Service {
	s := &Service{store: o.Store, graph: o.Graph, templates: o.Templates, prices: o.Prices, pub: o.Publisher,
		clock: o.Clock, log: o.Logger, dataDir: o.DataDir, optOut: o.OptOut, confirm: o.ConfirmTimeout}
	if s.prices == nil {
		s.prices = DefaultPrices{}
	}
	if s.pub == nil {
		s.pub = nopPublisher{}
	}
	if s.clock == nil {
		s.clock = conversa.SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.optOut == nil {
		s.optOut = conversa.DefaultOptOutKeywords
	}
	if s.confirm <= 0 {
		s.confirm = DefaultConfirmTimeout
	}
	return s
}

// SetQueue gives the service its job queue. The queue is built after the
// service because the queue needs the service's workers (Register).
func (s *Service) SetQueue(q Queue) { s.queue = q }

// Register adds the inbox's workers to the job queue (jobs.Options.Register).
func (s *Service) Register(w *river.Workers) {
	river.AddWorker(w, &sendWorker{svc: s})
	river.AddWorker(w, &mediaWorker{svc: s})
	river.AddWorker(w, &reconcileWorker{svc: s})
	river.AddWorker(w, &readWorker{svc: s})
}

// Periodic lists the inbox's periodic jobs (jobs.Options.Periodic).
func (s *Service) Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{reconcilePeriodic()}
}
