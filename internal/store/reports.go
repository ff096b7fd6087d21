package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Reports (issue 7) must stay fast on a busy company's million messages,
// so they never scan them: message sums come from a rollup by UTC day and
// hour that triggers keep in the write transaction (reports_messages.go,
// migration 00010); conversations are read from covering indexes on
// generated columns, durations as one integer each so medians and p90 are
// computed in Go identically on both databases (reports_conversations.go);
// expired windows read only the inbound messages nothing followed. Events come with
// their 15-minute UTC slot (dialect.bucket), which the report package folds
// into days of the company's zone. Periods are capped by the report package
// at MaxDays, which bounds the per-conversation projection.

// ReportFilter selects what a report counts. From/To is the half-open
// period [From, To) in UTC. Filters select conversations (channel; group:
// the conversation's own group or else its channel's; agent: the current
// assignee) and, for template and campaign, also the messages themselves.
type ReportFilter struct {
	From, To   time.Time
	ChannelID  int64
	GroupID    int64
	AgentID    int64
	Template   string
	CampaignID int64 // messages sent by the campaign (campaign_recipients.message_id)
}

// BucketSeconds is the width of the UTC slots in report rows.
const BucketSeconds = bucketSeconds

// SlotCount is how many events fell in one slot for one assignee.
type SlotCount struct {
	Slot       int64
	AssigneeID int64
	N          int64
}

// ReportExpiredWindows counts customer messages whose 24-hour window closed
// in the period (and before now) with nothing after them in the thread
// within those 24 hours: no reply of ours, and no later customer message
// (which renews the window and is counted itself). The slot is the one
// where the window closed. byAssignee splits the counts by the
// conversation's assignee (AssigneeID is 0 otherwise), which costs a join.
// messages.followed (kept by triggers) says whether anything came after,
// and its partial index holds only the rest, so this reads few rows.
func (s *Store) ReportExpiredWindows(ctx context.Context, companyID int64, f ReportFilter, now time.Time, byAssignee bool) ([]SlotCount, error) {
	day := 24 * time.Hour
	g := f
	g.From, g.To = f.From.Add(-day), minTime(f.To, now).Add(-day)
	if !g.To.After(g.From) {
		return nil, nil
	}
	g.Template, g.CampaignID = "", 0 // an inbound is never a template; filter by conversation instead
	where, args, err := s.messageWhere(ctx, companyID, g)
	if err != nil {
		return nil, err
	}
	if cw, cargs := campaignOrTemplateConversation(companyID, f, "m.conversation_id"); cw != "" {
		where, args = where+" AND "+cw, append(args, cargs...)
	}
	assignee, join := "0", ""
	if byAssignee {
		assignee, join = "COALESCE(c.assignee_id, 0)", " JOIN conversations c ON c.id = m.conversation_id"
	}
	// The window closes a day of slots later (its own date arithmetic per
	// row would cost more than the rest of the query).
	closes := s.d.bucket("m.created_at") + " + " + strconv.Itoa(int(day/time.Second)/bucketSeconds)
	q := "SELECT " + closes + ", " + assignee + ", COUNT(*) FROM messages m" + join +
		" WHERE " + where + " AND m.direction = 'in' AND NOT m.followed GROUP BY 1, 2"
	return s.slotCounts(ctx, q, args...)
}

// ReportOptOuts counts contacts who opted out in the period. Contacts
// belong to a channel, not to an agent or template: only the channel and
// group filters apply.
func (s *Store) ReportOptOuts(ctx context.Context, companyID int64, f ReportFilter) ([]SlotCount, error) {
	conds := []string{"ct.company_id = ?", "ct.opted_out_at >= ?", "ct.opted_out_at < ?"}
	args := []any{companyID, f.From, f.To}
	if f.ChannelID > 0 {
		conds, args = append(conds, "ct.channel_id = ?"), append(args, f.ChannelID)
	}
	if f.GroupID > 0 {
		conds = append(conds, "ct.channel_id IN (SELECT id FROM channels WHERE company_id = ? AND group_id = ?)")
		args = append(args, companyID, f.GroupID)
	}
	return s.slotCounts(ctx, "SELECT "+s.d.bucket("ct.opted_out_at")+", 0, COUNT(*) FROM contacts ct WHERE "+
		strings.Join(conds, " AND ")+" GROUP BY 1", args...)
}

func (s *Store) slotCounts(ctx context.Context, q string, args ...any) ([]SlotCount, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SlotCount
	for rows.Next() {
		var c SlotCount
		if err := rows.Scan(&c.Slot, &c.AssigneeID, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CompanyTimeZone is the IANA zone the company's report days follow.
func (s *Store) CompanyTimeZone(ctx context.Context, companyID int64) (string, error) {
	var tz string
	err := s.r.queryRow(ctx, "SELECT time_zone FROM companies WHERE id = ?", companyID).Scan(&tz)
	return tz, notFound(err, "Company")
}

// SetCompanyTimeZone changes the zone report days follow.
func (s *Store) SetCompanyTimeZone(ctx context.Context, companyID int64, tz string) error {
	n, err := affected(s.w.exec(ctx, "UPDATE companies SET time_zone = ? WHERE id = ?", tz, companyID))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Company")
	}
	return err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
