package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Reports (issue 7) read aggregates from covering indexes (migration
// 00009), never wide rows. Message sums are one pass of conditional sums
// per period (the report package asks per local day for series); events
// (conversations, expired windows, opt-outs) come with their 15-minute UTC
// slot (dialect.bucket), which the report package folds into days of the
// company's zone. Durations are projected as one integer per conversation
// so medians and p90 are computed in Go identically on both databases
// (SQLite has no percentile function); the projection is bounded by the
// period, which the report package caps at MaxDays.

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

// MessageSums are the totals of a set of messages. Costs are the
// expected_cost of outbound messages that did not fail: Expected is all of
// them, Billable those Meta confirmed billable, Unconfirmed those without
// pricing news from Meta yet. Delivered counts delivered or read (statuses
// only move forward: conversa.NextStatus).
type MessageSums struct {
	In, Out, Delivered, Read, Failed int64
	Expected, Billable, Unconfirmed  conversa.Money
	Templates                        [3]TemplateSums // by TemplateCategories
}

// TemplateSums are the template sends of one pricing category.
type TemplateSums struct {
	Sent               int64
	Expected, Billable conversa.Money
}

// TemplateCategories are the categories Meta prices templates by, in the
// order of MessageSums.Templates.
var TemplateCategories = [3]conversa.Category{conversa.CategoryMarketing, conversa.CategoryUtility, conversa.CategoryAuthentication}

// outSums is one pass of conditional sums over outbound messages. A GROUP
// BY would make SQLite sort every row of the period (it has no hash
// aggregation), which costs more than the scan; these sums read the
// covering index once. Inbound messages only need counting (inCount), and
// direction leads the index so each direction is its own range.
func outSums() string {
	live := "m.status <> 'failed'"
	cols := []string{"COUNT(*)",
		"SUM(CASE WHEN m.status IN ('delivered', 'read') THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN m.status = 'read' THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN m.status = 'failed' THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN " + live + " THEN m.expected_cost ELSE 0 END)",
		"SUM(CASE WHEN " + live + " AND m.billable THEN m.expected_cost ELSE 0 END)",
		"SUM(CASE WHEN " + live + " AND m.billable IS NULL THEN m.expected_cost ELSE 0 END)"}
	for _, c := range TemplateCategories {
		tmpl := "m.type = 'template' AND m.category = '" + string(c) + "'"
		cols = append(cols, "SUM(CASE WHEN "+tmpl+" THEN 1 ELSE 0 END)",
			"SUM(CASE WHEN "+tmpl+" AND "+live+" THEN m.expected_cost ELSE 0 END)",
			"SUM(CASE WHEN "+tmpl+" AND "+live+" AND m.billable THEN m.expected_cost ELSE 0 END)")
	}
	return strings.Join(cols, ", ") + " FROM messages m WHERE m.direction = 'out' AND "
}

// scanSums reads outSums after the extra leading columns; SUM over no rows
// is NULL, which is zero here.
func scanSums(row interface{ Scan(...any) error }, extra ...any) (MessageSums, error) {
	var m MessageSums
	out := []*int64{&m.Out, &m.Delivered, &m.Read, &m.Failed, (*int64)(&m.Expected), (*int64)(&m.Billable),
		(*int64)(&m.Unconfirmed)}
	for i := range m.Templates {
		t := &m.Templates[i]
		out = append(out, &t.Sent, (*int64)(&t.Expected), (*int64)(&t.Billable))
	}
	raw := make([]sql.NullInt64, len(out))
	dest := append([]any{}, extra...)
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	if err := row.Scan(dest...); err != nil {
		return m, err
	}
	for i, p := range out {
		*p = raw[i].Int64
	}
	return m, nil
}

// ReportMessages sums the messages created in the period.
func (s *Store) ReportMessages(ctx context.Context, companyID int64, f ReportFilter) (MessageSums, error) {
	where, args, err := s.messageWhere(ctx, companyID, f)
	if err != nil {
		return MessageSums{}, err
	}
	m, err := scanSums(s.r.queryRow(ctx, "SELECT "+outSums()+where, args...))
	if err != nil {
		return m, err
	}
	err = s.r.queryRow(ctx, "SELECT COUNT(*) FROM messages m WHERE m.direction = 'in' AND "+where, args...).Scan(&m.In)
	return m, err
}

// ReportMessagesByAuthor sums the period's outbound messages per author
// (0 = automatic sends): one query per user of the company on the
// (company, author, time) index, so no query sorts the period. Authors
// without messages are left out; In is not counted.
func (s *Store) ReportMessagesByAuthor(ctx context.Context, companyID int64, f ReportFilter) (map[int64]MessageSums, error) {
	where, args, err := s.messageWhere(ctx, companyID, f)
	if err != nil {
		return nil, err
	}
	ids, err := s.userIDs(ctx, companyID)
	if err != nil {
		return nil, err
	}
	out := map[int64]MessageSums{}
	for _, id := range append(ids, 0) {
		cond, a := " AND m.author_id = ?", append(args[:len(args):len(args)], id)
		if id == 0 {
			cond, a = " AND m.author_id IS NULL", args
		}
		sums, err := scanSums(s.r.queryRow(ctx, "SELECT "+outSums()+where+cond, a...))
		if err != nil {
			return nil, err
		}
		if sums.Out > 0 {
			out[id] = sums
		}
	}
	return out, nil
}

func (s *Store) userIDs(ctx context.Context, companyID int64) ([]int64, error) {
	return s.r.queryIDs(ctx, "SELECT id FROM users WHERE company_id = ? ORDER BY id", companyID)
}

// ReportMessagesByTemplate sums the period's sends per template name. The
// partial template index is in group order, so this GROUP BY needs no sort.
func (s *Store) ReportMessagesByTemplate(ctx context.Context, companyID int64, f ReportFilter) (map[string]MessageSums, error) {
	where, args, err := s.messageWhere(ctx, companyID, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.query(ctx, "SELECT m.template_name, "+outSums()+where+
		" AND m.template_name IS NOT NULL GROUP BY m.template_name", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]MessageSums{}
	for rows.Next() {
		var name string
		sums, err := scanSums(rows, &name)
		if err != nil {
			return nil, err
		}
		out[name] = sums
	}
	return out, rows.Err()
}

// ConversationFact is one conversation in a report: the slot of the event
// counted (opened or resolved), its assignee (0 = none) and the duration
// measured for that event in milliseconds (nil when there is none).
type ConversationFact struct {
	Slot       int64
	AssigneeID int64
	Millis     *int64
}

// ReportOpened lists the conversations created in the period with their
// first response time. Only customer-initiated conversations have one: a
// business-initiated thread "responds" when it is created.
func (s *Store) ReportOpened(ctx context.Context, companyID int64, f ReportFilter) ([]ConversationFact, error) {
	dur := "CASE WHEN c.origin = 'service' THEN " + s.d.millisBetween("c.created_at", "c.first_response_at") + " END"
	return s.conversationFacts(ctx, companyID, f, "c.created_at", dur)
}

// ReportResolved lists the conversations resolved in the period with the
// time from opening to resolution. A reopened conversation counts again
// when it is resolved again (resolved_at holds the latest resolution).
func (s *Store) ReportResolved(ctx context.Context, companyID int64, f ReportFilter) ([]ConversationFact, error) {
	return s.conversationFacts(ctx, companyID, f, "c.resolved_at", s.d.millisBetween("c.created_at", "c.resolved_at"))
}

func (s *Store) conversationFacts(ctx context.Context, companyID int64, f ReportFilter, at, dur string) ([]ConversationFact, error) {
	where, args, err := s.conversationWhere(ctx, companyID, f, at)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.query(ctx, "SELECT "+s.d.bucket(at)+", COALESCE(c.assignee_id, 0), "+dur+
		" FROM conversations c WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConversationFact
	for rows.Next() {
		var fact ConversationFact
		var ms sql.NullInt64
		if err := rows.Scan(&fact.Slot, &fact.AssigneeID, &ms); err != nil {
			return nil, err
		}
		if ms.Valid {
			fact.Millis = &ms.Int64
		}
		out = append(out, fact)
	}
	return out, rows.Err()
}

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
	closes := s.d.plusDay("m.created_at")
	q := "SELECT " + s.d.bucket(closes) + ", " + assignee + ", COUNT(*) FROM messages m" + join + `
		WHERE ` + where + ` AND m.direction = 'in' AND NOT EXISTS (SELECT 1 FROM messages n
			WHERE n.company_id = m.company_id AND n.conversation_id = m.conversation_id
			AND n.created_at >= m.created_at AND n.created_at <= ` + closes + ` AND n.id <> m.id
			AND (n.created_at > m.created_at OR n.id > m.id)) GROUP BY 1, 2`
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
