package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// Webhook rows: a multi-row insert in one transaction, bodies kept byte for
// byte (even invalid UTF-8), processing bookkeeping, company scoping.
func TestWebhookEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "acme", 2)
		other, og := newChannelCompany(t, s, "other", 1)
		ch, err := s.CreateChannel(ctx, wabaChannel(c, g, "111"))
		if err != nil {
			t.Fatal(err)
		}
		och, err := s.CreateChannel(ctx, wabaChannel(other, og, "222"))
		if err != nil {
			t.Fatal(err)
		}
		bodies := [][]byte{[]byte(`{"a":1}`), {'{', 0xff, 0xfe, '}'}, []byte(`{"b":2}`)}
		var ids []int64
		err = s.InTx(ctx, func(tx *store.Store) error {
			ids, err = tx.InsertWebhookEvents(ctx, []store.NewWebhookEvent{
				{CompanyID: c.ID, ChannelID: ch.ID, Body: bodies[0]},
				{CompanyID: c.ID, ChannelID: ch.ID, Body: bodies[1]},
				{CompanyID: other.ID, ChannelID: och.ID, Body: bodies[2]},
			})
			return err
		})
		if err != nil || len(ids) != 3 {
			t.Fatalf("insert: %v %v", ids, err)
		}
		slices.Sort(ids)
		mine, err := s.WebhookEvents(ctx, c.ID, 0, 10)
		if err != nil || len(mine) != 2 || string(mine[1].Body) != string(bodies[1]) || mine[0].ReceivedAt.IsZero() {
			t.Fatalf("company rows: %+v %v", mine, err)
		}
		if err := s.RecordWebhookEventFailure(ctx, ids[0], "sink down"); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		if err := s.MarkWebhookEventsProcessed(ctx, ids[1:], at); err != nil {
			t.Fatal(err)
		}
		pending, err := s.UnprocessedWebhookEvents(ctx, ids)
		if err != nil || len(pending) != 1 || pending[0].ID != ids[0] || pending[0].Attempts != 1 || pending[0].LastError != "sink down" {
			t.Fatalf("unprocessed: %+v %v", pending, err)
		}
		theirs, _ := s.WebhookEvents(ctx, other.ID, 0, 10)
		if len(theirs) != 1 || theirs[0].ProcessedAt == nil || !theirs[0].ProcessedAt.Equal(at) {
			t.Fatalf("other company's row: %+v", theirs)
		}
	})
}

func TestUnprocessedWebhookEventIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, ids := storedWebhooks(t, s, 5)
		if err := s.MarkWebhookEventsProcessed(ctx, ids[1:2], time.Now()); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Minute)
		page, err := s.UnprocessedWebhookEventIDs(ctx, later, 0, 2)
		if err != nil || !slices.Equal(page, []int64{ids[0], ids[2]}) {
			t.Fatalf("first page %v %v, ids %v", page, err, ids)
		}
		page, _ = s.UnprocessedWebhookEventIDs(ctx, later, page[1], 10)
		if !slices.Equal(page, ids[3:]) {
			t.Fatalf("second page %v", page)
		}
		if page, _ := s.UnprocessedWebhookEventIDs(ctx, time.Now().Add(-time.Minute), 0, 10); len(page) != 0 {
			t.Fatalf("rows received later were listed: %v", page)
		}
	})
}

// Retention deletes processed rows received before the cut-off, oldest
// first and at most limit, and never an unprocessed row.
func TestPurgeWebhookEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ids := storedWebhooks(t, s, 4)
		if err := s.MarkWebhookEventsProcessed(ctx, ids[:3], time.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PurgeWebhookEvents(ctx, time.Now().Add(-time.Minute), 10); err != nil || n != 0 {
			t.Fatalf("rows newer than the cut-off purged: %d %v", n, err)
		}
		later := time.Now().Add(time.Minute)
		if n, err := s.PurgeWebhookEvents(ctx, later, 2); err != nil || n != 2 {
			t.Fatalf("first purge: %d %v, want 2", n, err)
		}
		if n, err := s.PurgeWebhookEvents(ctx, later, 10); err != nil || n != 1 {
			t.Fatalf("second purge: %d %v, want 1", n, err)
		}
		left, err := s.WebhookEvents(ctx, c.ID, 0, 10)
		if err != nil || len(left) != 1 || left[0].ID != ids[3] {
			t.Fatalf("left %v %v, want only the unprocessed row %d", left, err, ids[3])
		}
	})
}

// storedWebhooks stores n empty webhooks for a new company's channel and
// returns the company and the rows' ids in order.
func storedWebhooks(t *testing.T, s *store.Store, n int) (conversa.Company, []int64) {
	t.Helper()
	ctx := context.Background()
	c, g := newChannelCompany(t, s, "acme", 1)
	ch, err := s.CreateChannel(ctx, wabaChannel(c, g, "111"))
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]store.NewWebhookEvent, n)
	for i := range rows {
		rows[i] = store.NewWebhookEvent{CompanyID: c.ID, ChannelID: ch.ID, Body: []byte("{}")}
	}
	ids, err := s.InsertWebhookEvents(ctx, rows)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return c, ids
}
