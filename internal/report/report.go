// Package report computes the supervisors' reports (PRODUCT.md §10, issue
// 7): conversations opened and resolved, first response and resolution
// times, messages, template sends by category, delivery rates, windows that
// expired without a reply, opt-outs and spend, per period and filter.
//
// The store returns message sums per period (per local day for series),
// event counts per 15-minute UTC slot and one duration per conversation;
// this package folds slots into days of the company's time zone and
// computes medians and p90 in Go, so both databases give the same numbers
// by construction. Every view (JSON, CSV, the web page) is built
// from the same structs and formatted by the same Cell code.
package report

import (
	"context"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Store is what reports read.
type Store interface {
	ReportMessages(ctx context.Context, companyID int64, f store.ReportFilter) (store.MessageSums, error)
	ReportMessagesBetween(ctx context.Context, companyID int64, f store.ReportFilter, cuts []time.Time) ([]store.MessageSums, error)
	ReportMessagesByAuthor(ctx context.Context, companyID int64, f store.ReportFilter) (map[int64]store.MessageSums, error)
	ReportMessagesByTemplate(ctx context.Context, companyID int64, f store.ReportFilter) (map[string]store.MessageSums, error)
	ReportOpened(ctx context.Context, companyID int64, f store.ReportFilter, byAssignee bool) ([]store.ConversationTimes, error)
	ReportResolved(ctx context.Context, companyID int64, f store.ReportFilter, byAssignee bool) ([]store.ConversationTimes, error)
	ReportOpenedSlots(ctx context.Context, companyID int64, f store.ReportFilter) ([]store.SlotCount, error)
	ReportResolvedSlots(ctx context.Context, companyID int64, f store.ReportFilter) ([]store.SlotCount, error)
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
	var msgs store.MessageSums
	var opened, resolved []store.ConversationTimes
	var expired, optOuts []store.SlotCount
	err := concurrently(
		func() (err error) { msgs, err = s.store.ReportMessages(ctx, companyID, f); return err },
		func() (err error) { opened, err = s.store.ReportOpened(ctx, companyID, f, false); return err },
		func() (err error) { resolved, err = s.store.ReportResolved(ctx, companyID, f, false); return err },
		func() (err error) { expired, err = s.expired(ctx, companyID, f, false); return err },
		func() (err error) { optOuts, err = s.store.ReportOptOuts(ctx, companyID, f); return err },
	)
	if err != nil {
		return out, err
	}
	t := totals{msgs}
	out.MessagesIn, out.MessagesOut, out.Delivery, out.Spend, out.Templates = t.In, t.Out, t.delivery(), t.spend(), t.categories()
	o, r := all(opened), all(resolved)
	out.Opened, out.FirstResponse, out.Resolved, out.Resolution = o.Count, durations(o.Millis), r.Count, durations(r.Millis)
	out.ExpiredWindows, out.OptOuts = sum(expired), sum(optOuts)
	return out, nil
}

// all merges conversation times of every assignee.
func all(times []store.ConversationTimes) store.ConversationTimes {
	var out store.ConversationTimes
	for _, t := range times {
		out.Count, out.Millis = out.Count+t.Count, append(out.Millis, t.Millis...)
	}
	return out
}

// expired counts the windows that expired unanswered up to now.
func (s *Service) expired(ctx context.Context, companyID int64, f store.ReportFilter, byAssignee bool) ([]store.SlotCount, error) {
	return s.store.ReportExpiredWindows(ctx, companyID, f, s.clock.Now(), byAssignee)
}

// concurrently runs a report's store reads at once and returns the first
// error: they are independent scans, and a report waits for the slowest
// instead of for their sum.
func concurrently(reads ...func() error) error {
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Go(func() { errs[i] = read() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func sum(cs []store.SlotCount) (n int64) {
	for _, c := range cs {
		n += c.N
	}
	return n
}
