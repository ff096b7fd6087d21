// Package report computes the supervisors' reports (PRODUCT.md §10, issue
// 7): conversations opened and resolved, first response and resolution
// times, messages, template sends by category, delivery rates, windows that
// expired without a reply, opt-outs and spend, per period and filter.
//
// The store returns message sums per period (asked per local day for
// series), events with their 15-minute UTC slot and one duration per
// conversation; this package folds slots into days of the company's time
// zone and computes medians and p90 in Go, so both databases give the same
// numbers by construction. Every view (JSON, CSV, the web page) is built
// from the same structs and formatted by the same Cell code.
package report

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Store is what reports read.
type Store interface {
	ReportMessages(ctx context.Context, companyID int64, f store.ReportFilter) (store.MessageSums, error)
	ReportMessagesByAuthor(ctx context.Context, companyID int64, f store.ReportFilter) (map[int64]store.MessageSums, error)
	ReportMessagesByTemplate(ctx context.Context, companyID int64, f store.ReportFilter) (map[string]store.MessageSums, error)
	ReportOpened(ctx context.Context, companyID int64, f store.ReportFilter) ([]store.ConversationFact, error)
	ReportResolved(ctx context.Context, companyID int64, f store.ReportFilter) ([]store.ConversationFact, error)
	ReportExpiredWindows(ctx context.Context, companyID int64, f store.ReportFilter, now time.Time, byAssignee bool) ([]store.SlotCount, error)
	ReportOptOuts(ctx context.Context, companyID int64, f store.ReportFilter) ([]store.SlotCount, error)
	CompanyTimeZone(ctx context.Context, companyID int64) (string, error)
	Users(ctx context.Context, companyID int64) ([]conversa.User, error)
}

// Service answers report queries.
type Service struct {
	store Store
	clock conversa.Clock
}

// New returns a Service.
func New(s Store, clock conversa.Clock) *Service {
	if clock == nil {
		clock = conversa.SystemClock{}
	}
	return &Service{store: s, clock: clock}
}

// Amount is money in the price table's currency (USD): exact micro-units
// for programs and the four-decimal text Meta's rate cards use.
type Amount struct {
	Micros conversa.Money `json:"micros"`
	USD    string         `json:"usd"`
}

func amount(m conversa.Money) Amount { return Amount{Micros: m, USD: m.String()} }

// Spend compares what we expected to pay with what Meta confirmed.
type Spend struct {
	Expected    Amount `json:"expected"`
	Billable    Amount `json:"billable"`
	Unconfirmed Amount `json:"unconfirmed"` // no pricing webhook yet
}

// Delivery counts outbound messages by outcome; rates are fractions of Out.
type Delivery struct {
	Out           int64   `json:"out"`
	Delivered     int64   `json:"delivered"`
	Read          int64   `json:"read"`
	Failed        int64   `json:"failed"`
	DeliveredRate float64 `json:"delivered_rate"`
	ReadRate      float64 `json:"read_rate"`
	FailedRate    float64 `json:"failed_rate"`
}

func (d *Delivery) rates() {
	d.DeliveredRate, d.ReadRate, d.FailedRate = ratio(d.Delivered, d.Out), ratio(d.Read, d.Out), ratio(d.Failed, d.Out)
}

func ratio(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// CategoryCount is the templates sent in one pricing category.
type CategoryCount struct {
	Category conversa.Category `json:"category"`
	Sent     int64             `json:"sent"`
	Expected Amount            `json:"expected"`
	Billable Amount            `json:"billable"`
}

// Summary is the period's totals.
type Summary struct {
	Period         Period          `json:"period"`
	Opened         int64           `json:"conversations_opened"`
	Resolved       int64           `json:"conversations_resolved"`
	FirstResponse  Durations       `json:"first_response"`
	Resolution     Durations       `json:"resolution"`
	MessagesIn     int64           `json:"messages_in"`
	MessagesOut    int64           `json:"messages_out"`
	Templates      []CategoryCount `json:"templates_by_category"`
	Delivery       Delivery        `json:"delivery"`
	ExpiredWindows int64           `json:"windows_expired"`
	OptOuts        int64           `json:"opt_outs"`
	Spend          Spend           `json:"spend"`
}

// Summary returns the period's totals.
func (s *Service) Summary(ctx context.Context, companyID int64, q Query) (Summary, error) {
	f := q.filter()
	out := Summary{Period: q.Period()}
	msgs, err := s.store.ReportMessages(ctx, companyID, f)
	if err != nil {
		return out, err
	}
	t := totals{msgs}
	out.MessagesIn, out.MessagesOut, out.Delivery, out.Spend, out.Templates = t.In, t.Out, t.delivery(), t.spend(), t.categories()
	opened, resolved, err := s.conversations(ctx, companyID, f)
	if err != nil {
		return out, err
	}
	out.Opened, out.FirstResponse = int64(len(opened)), durations(opened)
	out.Resolved, out.Resolution = int64(len(resolved)), durations(resolved)
	expired, optOuts, err := s.counts(ctx, companyID, f)
	out.ExpiredWindows, out.OptOuts = sum(expired), sum(optOuts)
	return out, err
}

func (s *Service) conversations(ctx context.Context, companyID int64, f store.ReportFilter) (opened, resolved []store.ConversationFact, err error) {
	if opened, err = s.store.ReportOpened(ctx, companyID, f); err != nil {
		return nil, nil, err
	}
	resolved, err = s.store.ReportResolved(ctx, companyID, f)
	return opened, resolved, err
}

func (s *Service) counts(ctx context.Context, companyID int64, f store.ReportFilter) (expired, optOuts []store.SlotCount, err error) {
	if expired, err = s.store.ReportExpiredWindows(ctx, companyID, f, s.clock.Now(), false); err != nil {
		return nil, nil, err
	}
	optOuts, err = s.store.ReportOptOuts(ctx, companyID, f)
	return expired, optOuts, err
}

func sum(cs []store.SlotCount) (n int64) {
	for _, c := range cs {
		n += c.N
	}
	return n
}
