package channels_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

// accountEvents parses a Meta webhook with one change and returns its events.
func accountEvent(t *testing.T, field string, at time.Time, value any) whatsapp.Event {
	t.Helper()
	raw, _ := json.Marshal(value)
	body, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{
		"id": "waba-1", "time": at.Unix(), "changes": []any{map[string]any{"field": field, "value": json.RawMessage(raw)}}}}})
	n, err := whatsapp.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	for ev := range n.Events() {
		return ev
	}
	t.Fatal("no event")
	return whatsapp.Event{}
}

func sinkFixture(t *testing.T, s *store.Store) (*channels.AccountSink, intake.Route, conversa.Channel) {
	t.Helper()
	box, _ := secrets.New(make([]byte, 32))
	s.SetSealer(box)
	c, err := s.CreateCompany(ctx, conversa.Company{Domain: "sink", Name: "Sink", MaxChannels: 2, MaxAgents: 1})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Vendas"})
	ch, err := s.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "WA",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "waba-1", PhoneNumberID: "pn-1",
			DisplayPhoneNumber: "+55 11 3000-1000", AccessToken: "t", AppSecret: "s", VerifyToken: "v"}})
	if err != nil {
		t.Fatal(err)
	}
	svc := channels.New(channels.Config{Store: s})
	return svc.AccountSink(), intake.Route{CompanyID: c.ID, ChannelID: ch.ID}, ch
}

func TestAccountSink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sink, route, ch := sinkFixture(t, s)
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		apply := func(ev whatsapp.Event) conversa.Channel {
			t.Helper()
			for range 2 { // Meta redelivers: the second time changes nothing
				if err := sink.HandleEvent(ctx, route, ev); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Channel(ctx, route.CompanyID, route.ChannelID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		flagged := accountEvent(t, "phone_number_quality_update", t0.Add(time.Minute),
			map[string]string{"display_phone_number": "551130001000", "event": "FLAGGED", "current_limit": "TIER_1K"})
		got := apply(flagged)
		if h := got.WABA.Health; h.QualityRating != "RED" || h.MessagingLimitTier != "TIER_1K" {
			t.Fatalf("after FLAGGED: %+v", h)
		}
		// An older UNFLAGGED arriving late does not undo the newer FLAGGED.
		got = apply(accountEvent(t, "phone_number_quality_update", t0,
			map[string]string{"display_phone_number": "551130001000", "event": "UNFLAGGED", "current_limit": "TIER_250"}))
		if got.WABA.Health.QualityRating != "RED" {
			t.Fatalf("stale event applied: %+v", got.WABA.Health)
		}
		// Today's forms: a throughput raise names no messaging limit (its
		// current_limit is the throughput level); the portfolio's limit
		// comes as business_capability_update, for every number.
		got = apply(accountEvent(t, "phone_number_quality_update", t0.Add(90*time.Second),
			map[string]string{"display_phone_number": "551130001000", "event": "THROUGHPUT_UPGRADE", "current_limit": "TIER_UNLIMITED"}))
		if got.WABA.Health.MessagingLimitTier != "TIER_1K" {
			t.Fatalf("a throughput raise changed the messaging limit: %+v", got.WABA.Health)
		}
		got = apply(accountEvent(t, "business_capability_update", t0.Add(100*time.Second),
			map[string]any{"max_daily_conversations_per_business": 10000, "max_phone_numbers_per_business": 20}))
		if got.WABA.Health.MessagingLimitTier != "TIER_10K" {
			t.Fatalf("capability update: %+v", got.WABA.Health)
		}
		// Another number of the same account: not this channel's business.
		got = apply(accountEvent(t, "phone_number_quality_update", t0.Add(2*time.Minute),
			map[string]string{"display_phone_number": "551140004000", "event": "UNFLAGGED"}))
		if got.WABA.Health.QualityRating != "RED" {
			t.Fatalf("other number's event applied: %+v", got.WABA.Health)
		}

		got = apply(accountEvent(t, "phone_number_name_update", t0, map[string]string{
			"display_phone_number": "551130001000", "decision": "APPROVED", "requested_verified_name": "Loja da Ana"}))
		if got.WABA.Health.NameStatus != "APPROVED" || got.WABA.VerifiedName != "Loja da Ana" {
			t.Fatalf("name update: %+v", got.WABA)
		}

		got = apply(accountEvent(t, "account_update", t0, map[string]any{"event": "DISABLED_UPDATE",
			"ban_info": map[string]string{"waba_ban_state": "DISABLE", "waba_ban_date": "March 1, 2026"}}))
		if got.Status != conversa.ChannelError || got.WABA.Health.Problem == nil ||
			got.WABA.Health.Problem.Localize("pt-BR") == got.WABA.Health.Problem.Localize("en") {
			t.Fatalf("ban: %s %+v", got.Status, got.WABA.Health.Problem)
		}
		got = apply(accountEvent(t, "account_update", t0.Add(time.Hour), map[string]any{"event": "DISABLED_UPDATE",
			"ban_info": map[string]string{"waba_ban_state": "REINSTATE", "waba_ban_date": "March 1, 2026"}}))
		if got.Status != conversa.ChannelConnected || got.WABA.Health.Problem != nil {
			t.Fatalf("reinstated: %s %+v", got.Status, got.WABA.Health.Problem)
		}
		// Secrets survive the sink's writes.
		if got.WABA.AccessToken != ch.WABA.AccessToken || got.WABA.VerifyToken != "v" {
			t.Fatalf("credentials changed: %+v", got.WABA)
		}
		// A deleted channel is not an error to retry.
		if err := sink.HandleEvent(ctx, intake.Route{CompanyID: route.CompanyID, ChannelID: 9999}, flagged); err != nil {
			t.Fatalf("unknown channel: %v", err)
		}
	})
}
