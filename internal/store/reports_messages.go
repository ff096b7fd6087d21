package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Message sums. report_message_facts (a view, migration 00010) is what each
// message adds to a report; report_message_rollup is that view summed per
// UTC hour and per UTC day, channel, author and template by triggers on
// messages, in the same transaction as every write. A period reads the
// rollup's whole days, then whole hours, and the view for the rest: the day
// edges of a zone whose offset isn't whole hours, and filters the rollup has
// no dimension for.

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

// add adds sign × o to m.
func (m *MessageSums) add(o MessageSums, sign int64) {
	m.In, m.Out, m.Delivered, m.Read = m.In+sign*o.In, m.Out+sign*o.Out, m.Delivered+sign*o.Delivered, m.Read+sign*o.Read
	m.Failed, m.Expected = m.Failed+sign*o.Failed, m.Expected+conversa.Money(sign)*o.Expected
	m.Billable, m.Unconfirmed = m.Billable+conversa.Money(sign)*o.Billable, m.Unconfirmed+conversa.Money(sign)*o.Unconfirmed
	for i, x := range o.Templates {
		t := &m.Templates[i]
		t.Sent, t.Expected, t.Billable = t.Sent+sign*x.Sent, t.Expected+conversa.Money(sign)*x.Expected,
			t.Billable+conversa.Money(sign)*x.Billable
	}
}

// sumColumns sums the measures the view and the rollup share, in the order
// scanSums reads them.
var sumColumns = func() string {
	cols := []string{"n_in", "n_out", "n_delivered", "n_read", "n_failed", "cost_expected", "cost_billable", "cost_unconfirmed"}
	for _, c := range TemplateCategories {
		cols = append(cols, string(c)+"_sent", string(c)+"_expected", string(c)+"_billable")
	}
	for i, c := range cols {
		cols[i] = "SUM(" + c + ")"
	}
	return strings.Join(cols, ", ")
}()

// scanSums reads sumColumns after the extra leading columns; SUM over no
// rows is NULL, which is zero here.
func scanSums(row interface{ Scan(...any) error }, extra ...any) (MessageSums, error) {
	var m MessageSums
	out := []*int64{&m.In, &m.Out, &m.Delivered, &m.Read, &m.Failed, (*int64)(&m.Expected), (*int64)(&m.Billable),
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

// sumSource is the table and condition that sum f's messages over sp.
func (s *Store) sumSource(ctx context.Context, companyID int64, f ReportFilter, sp span) (from, where string, args []any, err error) {
	f.From, f.To = sp.from, sp.to
	if sp.width > 0 {
		where, args = rollupWhere(companyID, f, sp.width, "bucket >= ? AND bucket < ?", sp.from.Unix()/sp.width, sp.to.Unix()/sp.width)
		return "report_message_rollup", where, args, nil
	}
	where, args, err = s.messageWhere(ctx, companyID, f)
	return "report_message_facts m", where, args, err
}

// ReportMessages sums the messages created in the period.
func (s *Store) ReportMessages(ctx context.Context, companyID int64, f ReportFilter) (MessageSums, error) {
	var out MessageSums
	for _, sp := range spans(f) {
		m, err := s.spanSums(ctx, companyID, f, sp)
		if err != nil {
			return out, err
		}
		out.add(m, sp.sign)
	}
	return out, nil
}

func (s *Store) spanSums(ctx context.Context, companyID int64, f ReportFilter, sp span) (MessageSums, error) {
	from, where, args, err := s.sumSource(ctx, companyID, f, sp)
	if err != nil {
		return MessageSums{}, err
	}
	return scanSums(s.r.queryRow(ctx, "SELECT "+sumColumns+" FROM "+from+" WHERE "+where, args...))
}

// ReportMessagesBetween sums f's messages in each period [cuts[i],
// cuts[i+1]), ignoring f's own period: a series (local days) that reads
// the rollup once per bucket width instead of once per period.
func (s *Store) ReportMessagesBetween(ctx context.Context, companyID int64, f ReportFilter, cuts []time.Time) ([]MessageSums, error) {
	periods := make([][]span, max(len(cuts)-1, 0))
	for i := range periods {
		f.From, f.To = cuts[i], cuts[i+1]
		periods[i] = spans(f)
	}
	sums, err := s.bucketSums(ctx, companyID, f, periods)
	if err != nil {
		return nil, err
	}
	out := make([]MessageSums, len(periods))
	for i, period := range periods {
		f.From, f.To = cuts[i], cuts[i+1]
		for _, sp := range period {
			if sp.width > 0 {
				for _, b := range sp.buckets() {
					out[i].add(sums[sp.width][b], sp.sign)
				}
				continue
			}
			m, err := s.spanSums(ctx, companyID, f, sp)
			if err != nil {
				return nil, err
			}
			out[i].add(m, sp.sign)
		}
	}
	return out, nil
}

// bucketSums reads f's rollup sums of every bucket the periods use, by
// width and bucket: one query per width.
func (s *Store) bucketSums(ctx context.Context, companyID int64, f ReportFilter, periods [][]span) (map[int64]map[int64]MessageSums, error) {
	need := map[int64][]int64{}
	for _, period := range periods {
		for _, sp := range period {
			if sp.width > 0 {
				need[sp.width] = append(need[sp.width], sp.buckets()...)
			}
		}
	}
	out := map[int64]map[int64]MessageSums{}
	for width, buckets := range need {
		slices.Sort(buckets)
		list, args := inList(slices.Compact(buckets))
		where, args := rollupWhere(companyID, f, width, "bucket IN ("+list+")", args...)
		rows, err := s.r.query(ctx, "SELECT bucket, "+sumColumns+" FROM report_message_rollup WHERE "+where+" GROUP BY bucket", args...)
		out[width] = map[int64]MessageSums{}
		if err = addGrouped(rows, err, out[width], 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportMessagesByAuthor sums the period's messages per author (0 = none:
// customers and automatic sends). Authors without outbound messages are
// left out. The rollup groups by author; what only the view answers is
// read one user at a time on the (company, author, time) index, so no
// query sorts the period's messages.
func (s *Store) ReportMessagesByAuthor(ctx context.Context, companyID int64, f ReportFilter) (map[int64]MessageSums, error) {
	out := map[int64]MessageSums{}
	for _, sp := range spans(f) {
		from, where, args, err := s.sumSource(ctx, companyID, f, sp)
		if err != nil {
			return nil, err
		}
		if sp.width > 0 {
			rows, err := s.r.query(ctx, "SELECT author_id, "+sumColumns+" FROM "+from+" WHERE "+where+" GROUP BY author_id", args...)
			if err = addGrouped(rows, err, out, sp.sign); err != nil {
				return nil, err
			}
			continue
		}
		if err := s.sumsPerUser(ctx, companyID, where, args, out, sp.sign); err != nil {
			return nil, err
		}
	}
	for id, m := range out {
		if m.Out == 0 {
			delete(out, id)
		}
	}
	return out, nil
}

// sumsPerUser adds sign × the view's sums under where for each user of the
// company and for no author (0) to out.
func (s *Store) sumsPerUser(ctx context.Context, companyID int64, where string, args []any, out map[int64]MessageSums, sign int64) error {
	ids, err := s.r.queryIDs(ctx, "SELECT id FROM users WHERE company_id = ? ORDER BY id", companyID)
	if err != nil {
		return err
	}
	for _, id := range append(ids, 0) {
		cond, a := " AND m.author_id = ?", append(args[:len(args):len(args)], id)
		if id == 0 {
			cond, a = " AND m.author_id IS NULL", args
		}
		m, err := scanSums(s.r.queryRow(ctx, "SELECT "+sumColumns+" FROM report_message_facts m WHERE "+where+cond, a...))
		if err != nil {
			return err
		}
		sum := out[id]
		sum.add(m, sign)
		out[id] = sum
	}
	return nil
}

// ReportMessagesByTemplate sums the period's sends per template name.
func (s *Store) ReportMessagesByTemplate(ctx context.Context, companyID int64, f ReportFilter) (map[string]MessageSums, error) {
	out := map[string]MessageSums{}
	for _, sp := range spans(f) {
		from, where, args, err := s.sumSource(ctx, companyID, f, sp)
		if err != nil {
			return nil, err
		}
		name, named := "m.template_name", "m.template_name IS NOT NULL"
		if sp.width > 0 {
			name, named = "template", "template <> ''"
		}
		rows, err := s.r.query(ctx, "SELECT "+name+", "+sumColumns+" FROM "+from+" WHERE "+where+" AND "+named+
			" GROUP BY "+name, args...)
		if err = addGrouped(rows, err, out, sp.sign); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// addGrouped adds sign × rows of (key, sumColumns) to out.
func addGrouped[K comparable](rows *sql.Rows, err error, out map[K]MessageSums, sign int64) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k K
		m, err := scanSums(rows, &k)
		if err != nil {
			return err
		}
		sum := out[k]
		sum.add(m, sign)
		out[k] = sum
	}
	return rows.Err()
}
