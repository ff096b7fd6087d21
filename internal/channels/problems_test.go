package channels_test

import (
	"testing"
	"time"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Meta errors met while sending are recorded like the account webhook's
// errors: about the channel only, newest first, billing apart.
func TestRecordSendError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sink, route, ch := sinkFixture(t, s)
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		record := func(at time.Time, code int) conversa.Channel {
			t.Helper()
			if _, err := channels.RecordSendError(ctx, s, route.CompanyID, route.ChannelID, at, &whatsapp.Error{Code: code}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Channel(ctx, route.CompanyID, route.ChannelID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := record(t0, 131026); got.Status != conversa.ChannelConnected || got.WABA.Health.EventTime != nil {
			t.Fatalf("one recipient's error changed the channel: %s %+v", got.Status, got.WABA.Health)
		}
		got := record(t0, whatsapp.CodePayment)
		if got.Status != conversa.ChannelConnected || !got.WABA.Health.PaymentRefused || got.SendBlock(false) != nil || got.SendBlock(true) == nil {
			t.Fatalf("billing: %s %+v", got.Status, got.WABA.Health)
		}
		got = record(t0.Add(time.Minute), 131031)
		if h := got.WABA.Health; got.Status != conversa.ChannelError || h.ProblemCode != 131031 || h.Problem.PT == "" {
			t.Fatalf("account locked: %s %+v", got.Status, h)
		}
		// An older error webhook delivered late does not replace the newer fact.
		old := accountEvent(t, "messages", t0, map[string]any{"messaging_product": "whatsapp",
			"metadata": map[string]string{"phone_number_id": "pn-1"}, "errors": []map[string]any{{"code": 190, "title": "Access token expired"}}})
		if old.Error == nil {
			t.Fatal("no error event")
		}
		if err := sink.HandleEvent(ctx, route, old); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.Channel(ctx, route.CompanyID, route.ChannelID); got.WABA.Health.ProblemCode != 131031 {
			t.Fatalf("a stale error applied: %+v", got.WABA.Health)
		}
		if got.WABA.AccessToken != ch.WABA.AccessToken {
			t.Fatal("credentials changed")
		}
		// A disconnected channel keeps its state: nothing sends from it anyway.
		if _, err := s.ModifyChannel(ctx, route.CompanyID, route.ChannelID, func(c *conversa.Channel) error {
			c.Status, c.WABA.Health = conversa.ChannelDisconnected, conversa.WABAHealth{}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := record(t0.Add(time.Hour), 190); got.Status != conversa.ChannelDisconnected || got.WABA.Health.Problem != nil {
			t.Fatalf("disconnected channel changed: %s %+v", got.Status, got.WABA.Health)
		}
		if _, err := channels.RecordSendError(ctx, s, route.CompanyID, 9999, t0, &whatsapp.Error{Code: 190}); err != nil {
			t.Fatalf("a deleted channel: %v", err)
		}
	})
}
