package report_test

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// fill writes contacts, conversations and their messages: every
// conversation starts with an inbound (or, one in ten, a marketing
// template), then alternates replies a few minutes apart. The INSERTs fire
// the triggers that keep the report rollup and messages.followed, as the
// store's writes do.
func (l *loader) fill(companyID int64, users, channels []int64) {
	rng := rand.New(rand.NewPCG(7, 7))
	const chunk = 5_000
	nextMsg := int64(1)
	for base := 0; base < benchConversations; base += chunk {
		var contacts, convs, msgs [][]any
		for i := base; i < base+chunk; i++ {
			id := int64(i + 1)
			ch := channels[i%len(channels)]
			created := benchStart.Add(time.Duration(rng.Int64N(int64(benchDays * 24 * time.Hour))))
			var optedOut any
			if i%50 == 0 {
				optedOut = l.t(created.Add(time.Hour))
			}
			contacts = append(contacts, []any{id, companyID, ch, fmt.Sprintf("k%d", id), fmt.Sprintf("55119%08d", id), optedOut,
				l.t(created), l.t(created)})
			template := i%10 == 0
			origin, assignee := "service", any(users[i%len(users)])
			if template {
				origin = "marketing"
			}
			if i%7 == 0 {
				assignee = nil
			}
			first := created.Add(time.Duration(1+rng.IntN(30)) * time.Minute)
			var resolved any
			if i%5 != 0 {
				resolved = l.t(created.Add(time.Duration(10+rng.IntN(600)) * time.Minute))
			}
			status := "open"
			if resolved != nil {
				status = "resolved"
			}
			last := created.Add(benchPerConv * 3 * time.Minute)
			convs = append(convs, []any{id, companyID, ch, id, status, origin, assignee, l.t(last), l.t(last), l.t(first),
				resolved, l.t(created), l.t(created)})
			for k := range benchPerConv {
				at := created.Add(time.Duration(k*3) * time.Minute)
				msgs = append(msgs, l.message(rng, nextMsg, companyID, id, k, template, assignee, at))
				nextMsg++
			}
		}
		l.insert("contacts", "id, company_id, channel_id, wa_key, wa_id, opted_out_at, created_at, updated_at", contacts)
		l.insert("conversations", `id, company_id, channel_id, contact_id, status, origin, assignee_id, last_message_at,
			last_inbound_at, first_response_at, resolved_at, created_at, updated_at`, convs)
		l.insert("messages", `id, company_id, conversation_id, direction, type, payload, status, author_id, category,
			expected_cost, billable, delivered_at, read_at, created_at, updated_at`, msgs)
		if l.pg {
			// What autovacuum would do as the tables grow (the CI server runs
			// without it): fresh statistics, and plans of the triggers'
			// statements made for the tables' size, not for empty ones.
			l.flush()
			l.exec("ANALYZE")
		}
	}
	l.flush()
}

func (l *loader) message(rng *rand.Rand, id, companyID, conv int64, k int, template bool, agent any, at time.Time) []any {
	dir, typ, payload, status, category, cost := "in", "text", "{}", "received", "", int64(0)
	var author, billable, delivered, read any
	// Customer-initiated threads alternate in/out; template ones start out.
	if out := k%2 == 1; out != template {
		dir, status, author = "out", "read", agent
		delivered, read = l.t(at.Add(time.Second)), l.t(at.Add(time.Minute))
		if rng.IntN(20) == 0 {
			status, delivered, read = "failed", nil, nil
		}
	}
	if template && k == 0 {
		typ, category, cost, author = "template", "marketing", 62500, nil
		payload = fmt.Sprintf(`{"type":"template","template":{"name":"promo_%d","language":{"code":"pt_BR"}}}`, conv%20)
		billable = status != "failed"
	}
	return []any{id, companyID, conv, dir, typ, payload, status, author, category, cost, billable, delivered, read, l.t(at), l.t(at)}
}
