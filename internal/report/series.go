package report

import (
	"context"
	"slices"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Day is one local day of the daily series.
type Day struct {
	Date           string `json:"date"`
	Opened         int64  `json:"conversations_opened"`
	Resolved       int64  `json:"conversations_resolved"`
	MessagesIn     int64  `json:"messages_in"`
	MessagesOut    int64  `json:"messages_out"`
	Delivered      int64  `json:"delivered"`
	Read           int64  `json:"read"`
	Failed         int64  `json:"failed"`
	ExpiredWindows int64  `json:"windows_expired"`
	OptOuts        int64  `json:"opt_outs"`
	Spend          Spend  `json:"spend"`
}

// Daily is the period day by day, every day present, for charts.
type Daily struct {
	Period Period `json:"period"`
	Days   []Day  `json:"days"`
}

// Daily returns the period's series.
func (s *Service) Daily(ctx context.Context, companyID int64, q Query) (Daily, error) {
	f := q.filter()
	dates := q.days()
	out := Daily{Period: q.Period(), Days: make([]Day, len(dates))}
	var opened, resolved, expired, optOuts []store.SlotCount
	err := concurrently(
		func() error { return s.dayMessages(ctx, companyID, q, out.Days) },
		func() (err error) { opened, err = s.store.ReportOpenedSlots(ctx, companyID, f); return err },
		func() (err error) { resolved, err = s.store.ReportResolvedSlots(ctx, companyID, f); return err },
		func() (err error) { expired, err = s.expired(ctx, companyID, f, false); return err },
		func() (err error) { optOuts, err = s.store.ReportOptOuts(ctx, companyID, f); return err },
	)
	if err != nil {
		return out, err
	}
	index := make(map[string]int, len(dates))
	for i, d := range dates {
		index[d], out.Days[i].Date = i, d
	}
	// at finds a slot's day; a slot outside the period (never, given the
	// query's bounds) is dropped rather than misfiled.
	at := func(slot int64) int {
		if i, ok := index[q.dateOf(slot)]; ok {
			return i
		}
		return -1
	}
	for _, c := range opened {
		if i := at(c.Slot); i >= 0 {
			out.Days[i].Opened += c.N
		}
	}
	for _, c := range resolved {
		if i := at(c.Slot); i >= 0 {
			out.Days[i].Resolved += c.N
		}
	}
	for _, c := range expired {
		if i := at(c.Slot); i >= 0 {
			out.Days[i].ExpiredWindows += c.N
		}
	}
	for _, c := range optOuts {
		if i := at(c.Slot); i >= 0 {
			out.Days[i].OptOuts += c.N
		}
	}
	return out, nil
}

// dayMessages fills each day's message sums. Day bounds come from the
// zone, so DST days are 23 or 25 h.
func (s *Service) dayMessages(ctx context.Context, companyID int64, q Query, days []Day) error {
	cuts := make([]time.Time, len(days)+1)
	for i := range cuts {
		cuts[i] = q.From.AddDate(0, 0, i).UTC()
	}
	sums, err := s.store.ReportMessagesBetween(ctx, companyID, q.filter(), cuts)
	if err != nil {
		return err
	}
	for i, m := range sums {
		t, d := totals{m}, &days[i]
		d.MessagesIn, d.MessagesOut, d.Delivered, d.Read, d.Failed, d.Spend = t.In, t.Out, t.Delivered, t.Read, t.Failed, t.spend()
	}
	return nil
}

// AgentRow is one agent's work in the period: conversations by current
// assignee, messages by author. AgentID 0 collects unassigned
// conversations and messages without an author (automatic sends).
type AgentRow struct {
	AgentID        int64     `json:"agent_id"`
	Name           string    `json:"name"`
	Opened         int64     `json:"conversations_opened"`
	Resolved       int64     `json:"conversations_resolved"`
	FirstResponse  Durations `json:"first_response"`
	Resolution     Durations `json:"resolution"`
	MessagesSent   int64     `json:"messages_sent"`
	ExpiredWindows int64     `json:"windows_expired"`
	Spend          Spend     `json:"spend"`
}

// Agents returns one row per agent with activity in the period, busiest
// first.
func (s *Service) Agents(ctx context.Context, companyID int64, q Query) ([]AgentRow, error) {
	f := q.filter()
	var msgs map[int64]store.MessageSums
	var opened, resolved []store.ConversationTimes
	var expired []store.SlotCount
	var users []conversa.User
	err := concurrently(
		func() (err error) { msgs, err = s.store.ReportMessagesByAuthor(ctx, companyID, f); return err },
		func() (err error) { opened, err = s.store.ReportOpened(ctx, companyID, f, true); return err },
		func() (err error) { resolved, err = s.store.ReportResolved(ctx, companyID, f, true); return err },
		func() (err error) { expired, err = s.expired(ctx, companyID, f, true); return err },
		func() (err error) { users, err = s.store.Users(ctx, companyID); return err },
	)
	if err != nil {
		return nil, err
	}
	return agentRows(users, msgs, byAssignee(opened), byAssignee(resolved), expired), nil
}

func byAssignee(times []store.ConversationTimes) map[int64]store.ConversationTimes {
	out := map[int64]store.ConversationTimes{}
	for _, t := range times {
		out[t.AssigneeID] = t
	}
	return out
}

func agentRows(users []conversa.User, msgs map[int64]store.MessageSums, opened, resolved map[int64]store.ConversationTimes, expired []store.SlotCount) []AgentRow {
	ids := map[int64]bool{}
	for id, m := range msgs {
		if m.Out > 0 {
			ids[id] = true
		}
	}
	exp := map[int64]int64{}
	for _, c := range expired {
		exp[c.AssigneeID] += c.N
		ids[c.AssigneeID] = true
	}
	for id := range opened {
		ids[id] = true
	}
	for id := range resolved {
		ids[id] = true
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	out := []AgentRow{}
	for id := range ids {
		t := totals{msgs[id]}
		out = append(out, AgentRow{AgentID: id, Name: names[id], Opened: opened[id].Count,
			Resolved: resolved[id].Count, FirstResponse: durations(opened[id].Millis), Resolution: durations(resolved[id].Millis),
			MessagesSent: t.Out, ExpiredWindows: exp[id], Spend: t.spend()})
	}
	slices.SortFunc(out, func(a, b AgentRow) int {
		if (a.AgentID == 0) != (b.AgentID == 0) { // "no agent" last
			return map[bool]int{true: 1, false: -1}[a.AgentID == 0]
		}
		if a.Opened != b.Opened {
			return int(b.Opened - a.Opened)
		}
		return compareStrings(a.Name, b.Name)
	})
	return out
}
