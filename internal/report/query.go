package report

import (
	"context"
	"slices"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// MaxDays bounds a report's period, which bounds the per-conversation
// projection the percentiles are computed from.
const MaxDays = 366

// Query is a report request: whole days From..To (both included) in Loc,
// and the filters (0 / "" = all).
type Query struct {
	From, To   time.Time // midnight of the first and the last day, in Loc
	Loc        *time.Location
	ChannelID  int64
	GroupID    int64
	AgentID    int64
	Template   string
	CampaignID int64
}

// Period is the query's days as the reports show them.
type Period struct {
	From     string `json:"from"` // 2026-01-31, first day
	To       string `json:"to"`   // last day, included
	TimeZone string `json:"time_zone"`
}

// Params are a query's raw values (from a URL).
type Params struct {
	From, To, TimeZone string
	ChannelID          int64
	GroupID            int64
	AgentID            int64
	Template           string
	CampaignID         int64
}

// ParseQuery checks p. Days are YYYY-MM-DD in the zone given, else the
// company's; without dates the period is the last 7 days up to today.
func (s *Service) ParseQuery(ctx context.Context, companyID int64, p Params) (Query, error) {
	tz := p.TimeZone
	if tz == "" {
		var err error
		if tz, err = s.store.CompanyTimeZone(ctx, companyID); err != nil {
			return Query{}, err
		}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Query{}, invalid("Unknown time zone %q.", "Fuso horário desconhecido: %q.", tz)
	}
	today := day(s.clock.Now().In(loc))
	q := Query{Loc: loc, From: today.AddDate(0, 0, -6), To: today, ChannelID: p.ChannelID, GroupID: p.GroupID,
		AgentID: p.AgentID, Template: p.Template, CampaignID: p.CampaignID}
	if q.From, err = parseDay(p.From, q.From, loc); err != nil {
		return q, err
	}
	if q.To, err = parseDay(p.To, q.To, loc); err != nil {
		return q, err
	}
	if q.To.Before(q.From) {
		return q, invalid("The period ends (%s) before it starts (%s).", "O período termina (%s) antes de começar (%s).",
			q.To.Format(time.DateOnly), q.From.Format(time.DateOnly))
	}
	if len(q.days()) > MaxDays {
		return q, invalid("A report covers at most %d days.", "Um relatório cobre no máximo %d dias.", MaxDays)
	}
	return q, nil
}

func invalid(en, pt string, args ...any) error {
	return conversa.Errorf(conversa.EINVALID, en, args...).Pt(pt, args...)
}

func parseDay(s string, fallback time.Time, loc *time.Location) (time.Time, error) {
	if s == "" {
		return fallback, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return t, invalid("Dates are YYYY-MM-DD, not %q.", "Datas são AAAA-MM-DD, não %q.", s)
	}
	return t, nil
}

// day is midnight of t's day in t's zone.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// days lists the local dates of the period. AddDate keeps midnight across
// DST changes, where adding 24 hours would not.
func (q Query) days() []string {
	var out []string
	for d := q.From; !d.After(q.To); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// Period is the query's days as reports show them.
func (q Query) Period() Period {
	return Period{From: q.From.Format(time.DateOnly), To: q.To.Format(time.DateOnly), TimeZone: q.Loc.String()}
}

func (q Query) filter() store.ReportFilter {
	return store.ReportFilter{From: q.From.UTC(), To: q.To.AddDate(0, 0, 1).UTC(), ChannelID: q.ChannelID,
		GroupID: q.GroupID, AgentID: q.AgentID, Template: q.Template, CampaignID: q.CampaignID}
}

// dateOf is the local date of a store slot.
func (q Query) dateOf(slot int64) string {
	return time.Unix(slot*store.BucketSeconds, 0).In(q.Loc).Format(time.DateOnly)
}

// Durations summarises a set of durations in milliseconds: how many there
// were, and the nearest-rank median and 90th percentile (values that
// occurred, never interpolated, so "p90 = 10 min" names a real wait).
type Durations struct {
	Count    int64  `json:"count"`
	MedianMS *int64 `json:"median_ms"`
	P90MS    *int64 `json:"p90_ms"`
}

// durations summarises ms (reordering it).
func durations(ms []int64) Durations {
	d := Durations{Count: int64(len(ms))}
	if len(ms) == 0 {
		return d
	}
	slices.Sort(ms)
	median, p90 := percentile(ms, 50), percentile(ms, 90)
	d.MedianMS, d.P90MS = &median, &p90
	return d
}

// percentile is the nearest-rank p-th percentile of sorted (non-empty):
// the value at rank ceil(p/100 × n).
func percentile(sorted []int64, p int) int64 {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}
