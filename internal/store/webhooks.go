package store

import (
	"context"
	"strings"
	"time"
)

// NewWebhookEvent is a signature-verified Meta webhook about to be stored.
type NewWebhookEvent struct {
	CompanyID, ChannelID int64
	Body                 []byte // the raw body exactly as signed
}

// WebhookEvent is a stored Meta webhook.
type WebhookEvent struct {
	ID, CompanyID, ChannelID int64
	ReceivedAt               time.Time
	Body                     []byte
	ProcessedAt              *time.Time
	Attempts                 int
	LastError                string
}

const webhookColumns = "id, company_id, channel_id, received_at, body, processed_at, attempts, last_error"

// InsertWebhookEvents stores webhooks with one INSERT, stamped now, and
// returns their ids (in no particular order). The intake calls it for a
// whole batch of concurrent deliveries, so they share one commit (one
// fsync on PostgreSQL).
func (s *Store) InsertWebhookEvents(ctx context.Context, events []NewWebhookEvent) ([]int64, error) {
	if len(events) == 0 {
		return nil, nil
	}
	if s.d.postgres {
		return s.insertWebhookEventsPG(ctx, events)
	}
	var q strings.Builder
	q.WriteString("INSERT INTO webhook_events (company_id, channel_id, received_at, body) VALUES ")
	args := make([]any, 0, 4*len(events))
	now := s.now()
	for i, e := range events {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?, ?, ?, ?)")
		args = append(args, e.CompanyID, e.ChannelID, now, e.Body)
	}
	q.WriteString(" RETURNING id")
	return s.w.queryIDs(ctx, q.String(), args...)
}

// insertWebhookEventsPG passes the batch as three arrays: one statement
// text (prepared once per connection) whatever the batch size, and three
// parameters to encode instead of four per row.
func (s *Store) insertWebhookEventsPG(ctx context.Context, events []NewWebhookEvent) ([]int64, error) {
	companies, channels := make([]int64, len(events)), make([]int64, len(events))
	bodies := make([][]byte, len(events))
	for i, e := range events {
		companies[i], channels[i], bodies[i] = e.CompanyID, e.ChannelID, e.Body
	}
	return s.w.queryIDs(ctx, "INSERT INTO webhook_events (company_id, channel_id, received_at, body) "+
		"SELECT c, ch, ?, b FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bytea[])) AS t (c, ch, b) RETURNING id",
		s.now(), companies, channels, bodies)
}

// UnprocessedWebhookEvents loads the stored webhooks among ids that are not
// processed yet, oldest first. Unscoped on purpose: the processing job acts
// for whichever companies the rows belong to (each row names its company).
func (s *Store) UnprocessedWebhookEvents(ctx context.Context, ids []int64) ([]WebhookEvent, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(ids)
	return s.queryWebhookEvents(ctx, "SELECT "+webhookColumns+" FROM webhook_events WHERE id IN ("+in+
		") AND processed_at IS NULL ORDER BY id", args...)
}

// UnprocessedWebhookEventIDs lists up to limit ids of rows received before
// t and not processed yet, with id > afterID, in id order (keyset paging).
// Unscoped like UnprocessedWebhookEvents: start-up recovery re-enqueues them.
func (s *Store) UnprocessedWebhookEventIDs(ctx context.Context, before time.Time, afterID int64, limit int) ([]int64, error) {
	return s.r.queryIDs(ctx, "SELECT id FROM webhook_events WHERE processed_at IS NULL AND id > ? AND received_at < ? ORDER BY id LIMIT ?",
		afterID, before, limit)
}

// WebhookEvents lists the company's stored webhooks with id > afterID,
// oldest first, at most limit (keyset paging; support and tests). It walks
// the table by id: no index by company slows the intake's inserts for it.
func (s *Store) WebhookEvents(ctx context.Context, companyID, afterID int64, limit int) ([]WebhookEvent, error) {
	return s.queryWebhookEvents(ctx, "SELECT "+webhookColumns+
		" FROM webhook_events WHERE company_id = ? AND id > ? ORDER BY id LIMIT ?", companyID, afterID, limit)
}

// MarkWebhookEventsProcessed records that every event of these rows reached
// its sink (or needed none). Unscoped like UnprocessedWebhookEvents.
func (s *Store) MarkWebhookEventsProcessed(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(ids)
	_, err := s.w.exec(ctx, "UPDATE webhook_events SET processed_at = ?, attempts = attempts + 1 WHERE id IN ("+in+")",
		append([]any{at}, args...)...)
	return err
}

// RecordWebhookEventFailure counts a failed processing attempt and keeps its
// error for support; the row stays unprocessed so the job's retry takes it
// again. Unscoped like UnprocessedWebhookEvents.
func (s *Store) RecordWebhookEventFailure(ctx context.Context, id int64, failure string) error {
	_, err := s.w.exec(ctx, "UPDATE webhook_events SET attempts = attempts + 1, last_error = ? WHERE id = ?", failure, id)
	return err
}

// PurgeWebhookEvents deletes up to limit processed webhooks received before
// t, oldest first, and says how many went. Unscoped: retention applies to
// every company alike. Unprocessed rows are never deleted, however old.
func (s *Store) PurgeWebhookEvents(ctx context.Context, before time.Time, limit int) (int64, error) {
	return affected(s.w.exec(ctx, "DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events "+
		"WHERE processed_at IS NOT NULL AND received_at < ? ORDER BY id LIMIT ?)", before, limit))
}

func (s *Store) queryWebhookEvents(ctx context.Context, q string, args ...any) ([]WebhookEvent, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookEvent
	for rows.Next() {
		var e WebhookEvent
		if err := rows.Scan(&e.ID, &e.CompanyID, &e.ChannelID, &e.ReceivedAt, &e.Body, &e.ProcessedAt, &e.Attempts, &e.LastError); err != nil {
			return nil, err
		}
		utc(&e.ReceivedAt)
		if e.ProcessedAt != nil {
			utc(e.ProcessedAt)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// inList returns "?, ?, ?" and the ids as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}
