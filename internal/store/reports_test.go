package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// reportWorld is a company with two channels in one group and two agents,
// written to the way the inbox, campaigns and webhooks write.
type reportWorld struct {
	t       *testing.T
	s       *store.Store
	ctx     context.Context
	company conversa.Company
	group   conversa.ChannelGroup
	ch      [2]conversa.Channel
	users   [2]conversa.User
	n       int
}

func newReportWorld(t *testing.T, s *store.Store) *reportWorld {
	t.Helper()
	w := &reportWorld{t: t, s: s, ctx: context.Background()}
	w.company, w.group = newChannelCompany(t, s, "rollup", 2)
	for i := range w.ch {
		ch, err := s.CreateChannel(w.ctx, wabaChannel(w.company, w.group, fmt.Sprintf("pn-%d", i)))
		w.check(err)
		w.ch[i] = ch
		u, err := s.CreateUser(w.ctx, conversa.User{CompanyID: w.company.ID, Email: fmt.Sprintf("u%d@rollup.com", i),
			Name: fmt.Sprintf("Agente %d", i), Role: conversa.RoleSupervisor, Active: true}, "hash")
		w.check(err)
		w.users[i] = u
	}
	return w
}

func (w *reportWorld) check(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *reportWorld) conversation(ch int) conversa.Conversation {
	w.t.Helper()
	w.n++
	ct, err := w.s.UpsertContact(w.ctx, conversa.Contact{CompanyID: w.company.ID, ChannelID: w.ch[ch].ID,
		WAID: fmt.Sprintf("5511988%06d", w.n)})
	w.check(err)
	c, err := w.s.CreateConversation(w.ctx, conversa.Conversation{CompanyID: w.company.ID, ChannelID: w.ch[ch].ID,
		ContactID: ct.ID, Status: conversa.ConversationOpen, Origin: conversa.OriginService})
	w.check(err)
	return c
}

// message inserts a message; out messages are by agent author (-1 = none)
// and start sent, as a send records them.
func (w *reportWorld) message(c conversa.Conversation, dir conversa.Direction, at time.Time, author int, template string) conversa.Message {
	w.t.Helper()
	w.n++
	m := conversa.Message{CompanyID: c.CompanyID, ConversationID: c.ID, Direction: dir, Type: "text", Status: conversa.StatusReceived,
		WAMID: fmt.Sprintf("wamid.r%d", w.n), CreatedAt: at}
	if dir == conversa.Outbound {
		m.Status = conversa.StatusSent
	}
	if author >= 0 {
		m.AuthorID = &w.users[author].ID
	}
	if template != "" {
		m.Type, m.Category, m.ExpectedCost = "template", conversa.CategoryMarketing, 62500
		m.Payload = fmt.Appendf(nil, `{"type":"template","template":{"name":%q}}`, template)
	}
	m, _, err := w.s.InsertMessage(w.ctx, m)
	w.check(err)
	return m
}

// status applies a status webhook as the inbox does: statuses only move
// forward, and a redelivered one changes nothing.
func (w *reportWorld) status(m *conversa.Message, st conversa.MessageStatus, billable *bool) {
	w.t.Helper()
	m.Status = conversa.NextStatus(m.Status, st)
	if billable != nil {
		m.Billable = billable
	}
	w.check(w.s.SaveMessage(w.ctx, *m))
}

// exec runs SQL no store method issues yet (bulk updates, moves, deletes);
// %t in it is replaced by the times given, as literals of the dialect.
func (w *reportWorld) exec(q string, times ...time.Time) {
	w.t.Helper()
	for _, at := range times {
		lit := "'" + at.UTC().Format("2006-01-02 15:04:05.000") + "'"
		if w.s.Postgres() {
			lit = "TIMESTAMPTZ " + strings.TrimSuffix(lit, "'") + "+00'"
		}
		q = strings.Replace(q, "%t", lit, 1)
	}
	_, err := w.s.WriterDB().ExecContext(w.ctx, q)
	w.check(err)
}

const rollupSums = `SUM(n_in), SUM(n_out), SUM(n_delivered), SUM(n_read), SUM(n_failed), SUM(cost_expected),
	SUM(cost_billable), SUM(cost_unconfirmed), SUM(marketing_sent), SUM(marketing_expected), SUM(marketing_billable),
	SUM(utility_sent), SUM(utility_expected), SUM(utility_billable), SUM(authentication_sent),
	SUM(authentication_expected), SUM(authentication_billable)`

// invariants fails the test unless the rollup equals the facts view summed
// from scratch and every inbound message's followed flag is what its thread
// says.
func (w *reportWorld) invariants(step string) {
	w.t.Helper()
	bucket, widths := "unixepoch(f.created_at) / w.width", "(SELECT 3600 AS width UNION ALL SELECT 86400) w"
	if w.s.Postgres() {
		bucket, widths = "CAST(floor(extract(epoch FROM f.created_at) / w.width) AS BIGINT)", "(VALUES (3600), (86400)) AS w (width)"
	}
	want := w.rows(6, `SELECT f.company_id, w.width, `+bucket+`, c.channel_id, COALESCE(f.author_id, 0),
		COALESCE(f.template_name, ''), `+rollupSums+` FROM report_message_facts f JOIN conversations c
		ON c.id = f.conversation_id CROSS JOIN `+widths+` GROUP BY 1, 2, 3, 4, 5, 6`)
	got := w.rows(6, `SELECT company_id, width, bucket, channel_id, author_id, template, `+
		strings.NewReplacer("SUM(", "", ")", "").Replace(rollupSums)+` FROM report_message_rollup`)
	for k, v := range got {
		if strings.Trim(v, "0 ") == "" { // rows emptied by later changes stay behind as zeros
			delete(got, k)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Errorf("%s: rollup drifted\n got %v\nwant %v", step, got, want)
	}
	plusDay := "strftime('%Y-%m-%d %H:%M:%f', m.created_at, '+1 day')"
	if w.s.Postgres() {
		plusDay = "m.created_at + interval '24 hours'"
	}
	wrong := w.rows(1, `SELECT m.id, m.followed FROM messages m WHERE m.direction = 'in' AND m.followed <> EXISTS (SELECT 1
		FROM messages n WHERE n.company_id = m.company_id AND n.conversation_id = m.conversation_id
		AND n.created_at >= m.created_at AND n.created_at <= `+plusDay+` AND n.id <> m.id
		AND (n.created_at > m.created_at OR n.id > m.id))`)
	if len(wrong) > 0 {
		w.t.Errorf("%s: followed is wrong for messages (id: flag) %v", step, wrong)
	}
}

// rows reads a query's rows as text: the first keys columns -> the rest.
func (w *reportWorld) rows(keys int, q string) map[string]string {
	w.t.Helper()
	rows, err := w.s.WriterDB().QueryContext(w.ctx, q)
	w.check(err)
	defer rows.Close()
	cols, err := rows.Columns()
	w.check(err)
	out := map[string]string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		w.check(rows.Scan(ptrs...))
		text := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			text[i] = fmt.Sprint(v)
		}
		out[strings.Join(text[:keys], " ")] = strings.Join(text[keys:], " ")
	}
	w.check(rows.Err())
	return out
}

// Every way messages are written keeps the rollup and the followed flags
// exact: sends and their status webhooks (redelivered, out of order),
// pricing news, inbound messages stored late, bulk failures, moves and
// deletes.
func TestReportRollupFollowsEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newReportWorld(t, s)
		t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		yes, no := true, false

		c1 := w.conversation(0)
		w.message(c1, conversa.Inbound, t0, -1, "")
		reply := w.message(c1, conversa.Outbound, t0.Add(time.Minute), 0, "")
		w.invariants("inbound answered")
		w.status(&reply, conversa.StatusRead, nil)
		w.status(&reply, conversa.StatusDelivered, nil) // late and redelivered: no change
		w.status(&reply, conversa.StatusDelivered, &yes)
		w.invariants("statuses out of order, pricing")

		c2 := w.conversation(1)
		promo := w.message(c2, conversa.Outbound, t0.Add(2*time.Hour), -1, "promo")
		other := w.message(c2, conversa.Outbound, t0.Add(2*time.Hour+time.Minute), 1, "promo")
		w.message(c2, conversa.Inbound, t0.Add(2*time.Hour-5*time.Minute), -1, "") // stored after a later reply
		w.status(&promo, conversa.StatusFailed, &no)
		w.status(&other, conversa.StatusDelivered, nil)
		w.invariants("templates, failure, late inbound")

		c3 := w.conversation(0)
		first := w.message(c3, conversa.Inbound, t0.Add(30*time.Minute), -1, "")
		w.message(c3, conversa.Outbound, t0.Add(30*time.Minute+25*time.Hour), 1, "") // too late for the window
		w.invariants("reply after 24 hours")
		w.message(c3, conversa.Inbound, t0.Add(30*time.Minute+23*time.Hour), -1, "") // renews the first window
		w.invariants("customer wrote again")

		w.exec(fmt.Sprintf("UPDATE messages SET status = 'failed' WHERE conversation_id IN (%d, %d) AND direction = 'out'", c1.ID, c2.ID))
		w.invariants("bulk failure")
		w.exec(fmt.Sprintf("UPDATE messages SET created_at = %%t WHERE id = %d", first.ID), t0.Add(3*24*time.Hour))
		w.invariants("moved")
		w.exec(fmt.Sprintf("DELETE FROM messages WHERE id = %d", reply.ID))
		w.invariants("message deleted")
		w.exec(fmt.Sprintf("DELETE FROM conversations WHERE id = %d", c2.ID))
		w.invariants("conversation deleted")
		w.exec(fmt.Sprintf("DELETE FROM users WHERE id = %d", w.users[1].ID)) // its messages lose their author
		w.invariants("author deleted")
	})
}

// The rollup answers what the view answers, over whole hours and over
// periods whose edges are not (zones 30 or 45 minutes off UTC): a group
// filter covering both channels reads the view for the whole period.
func TestReportRollupMatchesView(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newReportWorld(t, s)
		t0 := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		yes := true
		for i := range 12 {
			c := w.conversation(i % 2)
			at := t0.Add(time.Duration(i*47) * time.Minute)
			w.message(c, conversa.Inbound, at, -1, "")
			m := w.message(c, conversa.Outbound, at.Add(7*time.Minute), i%3-1, []string{"", "promo", "aviso"}[i%3])
			w.status(&m, []conversa.MessageStatus{conversa.StatusRead, conversa.StatusDelivered, conversa.StatusFailed}[i%3], &yes)
		}
		periods := [][2]time.Duration{{0, 10 * time.Hour}, {-30 * time.Minute, 5*time.Hour + 30*time.Minute},
			{15 * time.Minute, 45 * time.Minute}, {45 * time.Minute, 3*time.Hour + 15*time.Minute}, {-48 * time.Hour, 48 * time.Hour}}
		for _, p := range periods {
			for _, f := range []store.ReportFilter{{}, {ChannelID: w.ch[1].ID}, {Template: "promo"}} {
				f.From, f.To = t0.Add(p[0]), t0.Add(p[1])
				view := f
				view.GroupID = w.group.ID
				what := fmt.Sprintf("%v..%v channel %d template %q", p[0], p[1], f.ChannelID, f.Template)
				got, err := s.ReportMessages(w.ctx, w.company.ID, f)
				want, err2 := s.ReportMessages(w.ctx, w.company.ID, view)
				if err != nil || err2 != nil || got != want || want.Out == 0 && p[1]-p[0] > time.Hour {
					t.Errorf("%s: rollup %+v, view %+v (%v, %v)", what, got, want, err, err2)
				}
				gotA, err := s.ReportMessagesByAuthor(w.ctx, w.company.ID, f)
				wantA, err2 := s.ReportMessagesByAuthor(w.ctx, w.company.ID, view)
				if err != nil || err2 != nil || fmt.Sprint(gotA) != fmt.Sprint(wantA) {
					t.Errorf("%s: by author rollup %+v, view %+v (%v, %v)", what, gotA, wantA, err, err2)
				}
				gotT, err := s.ReportMessagesByTemplate(w.ctx, w.company.ID, f)
				wantT, err2 := s.ReportMessagesByTemplate(w.ctx, w.company.ID, view)
				if err != nil || err2 != nil || fmt.Sprint(gotT) != fmt.Sprint(wantT) {
					t.Errorf("%s: by template rollup %+v, view %+v (%v, %v)", what, gotT, wantT, err, err2)
				}
			}
		}
		// Local days of zones 3 h behind and 5:30 and 5:45 ahead of UTC.
		for _, zone := range []string{"America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "UTC"} {
			loc, err := time.LoadLocation(zone)
			w.check(err)
			var cuts []time.Time
			for d := time.Date(2026, 3, 1, 0, 0, 0, 0, loc); len(cuts) < 4; d = d.AddDate(0, 0, 1) {
				cuts = append(cuts, d.UTC())
			}
			for _, f := range []store.ReportFilter{{}, {ChannelID: w.ch[0].ID}} {
				view := f
				view.GroupID = w.group.ID
				got, err := s.ReportMessagesBetween(w.ctx, w.company.ID, f, cuts)
				want, err2 := s.ReportMessagesBetween(w.ctx, w.company.ID, view, cuts)
				if err != nil || err2 != nil || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("days in %s, channel %d: rollup %+v\nview %+v (%v, %v)", zone, f.ChannelID, got, want, err, err2)
				}
			}
		}
	})
}
