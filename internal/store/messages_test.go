package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// inboxFixture is a company with one channel and one contact.
func inboxFixture(t *testing.T, s *store.Store, domain, pnid string) (conversa.Company, conversa.Channel, conversa.Contact) {
	t.Helper()
	ctx := context.Background()
	c, g := newChannelCompany(t, s, domain, 1)
	ch, err := s.CreateChannel(ctx, wabaChannel(c, g, pnid))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := s.UpsertContact(ctx, conversa.Contact{CompanyID: c.ID, ChannelID: ch.ID, WAID: "551187654321", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	return c, ch, ct
}

// Both forms of a Brazilian mobile are one contact; the last form Meta used
// is kept for sending, and an empty profile name keeps the stored one.
func TestContactsUpsertByCanonicalWAID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ch, ct := inboxFixture(t, s, "acme", "111")
		again, err := s.UpsertContact(ctx, conversa.Contact{CompanyID: c.ID, ChannelID: ch.ID, WAID: "5511987654321"})
		if err != nil || again.ID != ct.ID || again.WAID != "5511987654321" || again.Name != "Ana" || again.Phone != "+5511987654321" {
			t.Fatalf("second form = %+v, %v (first %+v)", again, err, ct)
		}
		if got, err := s.ContactByWAID(ctx, c.ID, ch.ID, "551187654321"); err != nil || got.ID != ct.ID {
			t.Fatalf("ContactByWAID = %+v, %v", got, err)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := s.SetContactOptedOut(ctx, c.ID, ct.ID, at); err != nil {
			t.Fatal(err)
		}
		s.SetContactOptedOut(ctx, c.ID, ct.ID, at.Add(time.Hour)) // the first opt-out is kept
		if got, _ := s.Contact(ctx, c.ID, ct.ID); got.OptedOut == nil || !got.OptedOut.Equal(at) {
			t.Fatalf("opted out = %v", got.OptedOut)
		}
		other, _, _ := inboxFixture(t, s, "other", "222")
		wantCode(t, func() error { _, err := s.Contact(ctx, other.ID, ct.ID); return err }(), conversa.ENOTFOUND)
	})
}

func TestConversationsWindowListAndOneActive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ch, ct := inboxFixture(t, s, "acme", "111")
		inbound := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
		conv, err := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService, LastInboundAt: inbound, LastMessageAt: inbound})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationPending, Origin: conversa.OriginMarketing})
		wantCode(t, err, conversa.ECONFLICT)
		got, err := s.Conversation(ctx, c.ID, conv.ID)
		if err != nil || !got.LastInboundAt.Equal(inbound) || got.WindowExpiresAt() == nil || !got.WindowExpiresAt().Equal(inbound.Add(24*time.Hour)) {
			t.Fatalf("Conversation = %+v, %v", got, err)
		}
		got.Status = conversa.ConversationResolved
		if err := s.SaveConversation(ctx, got); err != nil {
			t.Fatal(err)
		}
		for filter, want := range map[string]int{"open": 0, "resolved": 1, "all": 1} {
			rows, err := s.Conversations(ctx, c.ID, store.ConversationFilter{Status: filter, Limit: 10})
			if err != nil || len(rows) != want {
				t.Fatalf("status %s: %d rows, %v", filter, len(rows), err)
			}
		}
		rows, _ := s.Conversations(ctx, c.ID, store.ConversationFilter{Query: "an", Limit: 10})
		if len(rows) != 1 || rows[0].Contact.Name != "Ana" || rows[0].Contact.WAID != "551187654321" {
			t.Fatalf("search = %+v", rows)
		}
		if rows, _ := s.Conversations(ctx, c.ID, store.ConversationFilter{Query: "100%", Limit: 10}); len(rows) != 0 {
			t.Fatalf("LIKE wildcard leaked: %+v", rows)
		}
		latest, err := s.LatestConversation(ctx, c.ID, ct.ID)
		if err != nil || latest.ID != conv.ID {
			t.Fatalf("LatestConversation = %+v, %v", latest, err)
		}
	})
}

// Paging runs newest activity first and never repeats or skips a row.
func TestConversationsCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ch, _ := inboxFixture(t, s, "acme", "111")
		at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
		for i := range 5 {
			ct, _ := s.UpsertContact(ctx, conversa.Contact{CompanyID: c.ID, ChannelID: ch.ID, WAID: "55119876543" + string(rune('0'+i))})
			if _, err := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
				Status: conversa.ConversationOpen, Origin: conversa.OriginService, LastMessageAt: at.Add(time.Duration(i%2) * time.Minute)}); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[int64]bool{}
		f := store.ConversationFilter{Limit: 2}
		for range 4 {
			rows, err := s.Conversations(ctx, c.ID, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if seen[r.ID] {
					t.Fatalf("row %d repeated", r.ID)
				}
				seen[r.ID] = true
			}
			if len(rows) < 2 {
				break
			}
			last := rows[len(rows)-1]
			f.AfterTime, f.AfterID = &last.LastMessageAt, last.ID
		}
		if len(seen) != 5 {
			t.Fatalf("paged through %d of 5", len(seen))
		}
	})
}

func TestMessagesIdempotentByWAMIDAndKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ch, ct := inboxFixture(t, s, "acme", "111")
		conv, _ := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService})
		in := conversa.Message{CompanyID: c.ID, ConversationID: conv.ID, Direction: conversa.Inbound, Type: "text", Text: "Oi",
			Status: conversa.StatusReceived, WAMID: "wamid.1", Payload: []byte(`{"id":"wamid.1"}`)}
		first, inserted, err := s.InsertMessage(ctx, in)
		if err != nil || !inserted {
			t.Fatalf("insert: %v %v", inserted, err)
		}
		if _, inserted, err := s.InsertMessage(ctx, in); err != nil || inserted {
			t.Fatalf("redelivery inserted = %v, %v", inserted, err)
		}
		out := conversa.Message{CompanyID: c.ID, ConversationID: conv.ID, Direction: conversa.Outbound, Type: "text", Text: "Olá",
			Status: conversa.StatusQueued, IdempotencyKey: "k1"}
		sent, inserted, err := s.InsertMessage(ctx, out)
		if err != nil || !inserted {
			t.Fatal(err)
		}
		if _, inserted, _ := s.InsertMessage(ctx, out); inserted {
			t.Fatal("same idempotency key inserted twice")
		}
		if got, err := s.MessageByIdempotencyKey(ctx, c.ID, "k1"); err != nil || got.ID != sent.ID {
			t.Fatalf("by key = %+v, %v", got, err)
		}
		now := time.Now().UTC().Truncate(time.Millisecond)
		sent.Status, sent.WAMID, sent.SendState, sent.AttemptedAt, sent.Billable = conversa.StatusDelivered, "wamid.2", conversa.SendIdle, &now, ptr(true)
		if err := s.SaveMessage(ctx, sent); err != nil {
			t.Fatal(err)
		}
		got, err := s.LockMessageByWAMID(ctx, c.ID, "wamid.2")
		if err != nil || got.Status != conversa.StatusDelivered || got.Billable == nil || !*got.Billable || !got.AttemptedAt.Equal(now) {
			t.Fatalf("by wamid = %+v, %v", got, err)
		}
		sent.WAMID = "wamid.1"
		wantCode(t, s.SaveMessage(ctx, sent), conversa.ECONFLICT)
		list, err := s.Messages(ctx, c.ID, conv.ID, 0, 10)
		if err != nil || len(list) != 2 || list[0].ID != first.ID || string(list[0].Payload) != `{"id":"wamid.1"}` {
			t.Fatalf("thread = %+v, %v", list, err)
		}
		if older, _ := s.Messages(ctx, c.ID, conv.ID, sent.ID, 10); len(older) != 1 {
			t.Fatalf("before cursor: %d", len(older))
		}
	})
}

func TestParkedStatusesAndStuckSends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, ch, ct := inboxFixture(t, s, "acme", "111")
		if err := s.ParkStatus(ctx, c.ID, ch.ID, "wamid.9", []byte(`{"status":"read"}`)); err != nil {
			t.Fatal(err)
		}
		got, err := s.TakeParkedStatuses(ctx, c.ID, "wamid.9")
		if err != nil || len(got) != 1 || string(got[0]) != `{"status":"read"}` {
			t.Fatalf("take = %q, %v", got, err)
		}
		if again, _ := s.TakeParkedStatuses(ctx, c.ID, "wamid.9"); len(again) != 0 {
			t.Fatal("parked status taken twice")
		}
		conv, _ := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService})
		m, _, _ := s.InsertMessage(ctx, conversa.Message{CompanyID: c.ID, ConversationID: conv.ID, Direction: conversa.Outbound,
			Type: "text", Status: conversa.StatusQueued})
		at := time.Now().Add(-time.Hour)
		m.SendState, m.AttemptedAt = conversa.SendAttempting, &at
		s.SaveMessage(ctx, m)
		stuck, err := s.StuckSends(ctx, conversa.SendAttempting, time.Now().Add(-time.Minute), 10)
		if err != nil || len(stuck) != 1 || stuck[0].ID != m.ID {
			t.Fatalf("stuck = %+v, %v", stuck, err)
		}
		if none, _ := s.StuckSends(ctx, conversa.SendReconciling, time.Now(), 10); len(none) != 0 {
			t.Fatal("wrong state listed")
		}
	})
}
