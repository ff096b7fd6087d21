package campaigns_test

import (
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func TestImportReportsRejectedRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 80)
		opted, err := st.UpsertContact(ctx, conversa.Contact{CompanyID: e.company(), ChannelID: e.channel().ID, WAID: "5511977776666"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetContactOptedOut(ctx, e.company(), opted.ID, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		csv := "Name;Phone;Pedido;Tags\n" +
			"Ana;(11) 98765-4321;#1;vip|sp\n" + // line 2: accepted, E.164 +5511987654321
			"Ana de novo;+55 11 8765-4321;#2;\n" + // line 3: the same person without the 9th digit
			"Bruno;12;#3;\n" + // line 4: not a phone number
			"Carla;11 97777-6666;#4;\n" + // line 5: opted out
			"Davi;+1 415 555 0100;#5;\n" // line 6: accepted, another country
		l, err := e.svc.ImportList(ctx, e.company(), campaigns.ListImport{Name: "Clientes", CSV: csv})
		if err != nil {
			t.Fatal(err)
		}
		if l.Members != 2 || len(l.Columns) != 1 || l.Columns[0] != "pedido" {
			t.Fatalf("list = %+v", l)
		}
		want := map[int]string{3: "duplicate", 4: "invalid_phone", 5: "opted_out"}
		if len(l.Rejected) != len(want) {
			t.Fatalf("rejected = %+v", l.Rejected)
		}
		for _, r := range l.Rejected {
			if want[r.Line] != r.Reason || r.DetailPT == "" {
				t.Errorf("line %d rejected as %s (%q), want %s", r.Line, r.Reason, r.DetailPT, want[r.Line])
			}
		}
		members, err := st.ListMembers(ctx, e.company(), l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if members[0].Phone != "+5511987654321" || members[0].Variables["pedido"] != "#1" || len(members[0].Tags) != 2 {
			t.Fatalf("member = %+v", members[0])
		}
		stored, err := st.ContactList(ctx, e.company(), l.ID)
		if err != nil || len(stored.Rejected) != 3 {
			t.Fatalf("stored report = %+v, %v", stored.Rejected, err)
		}
	})
}

func TestCampaignSendsEveryoneOnceWithEstimate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(1, 300)+"Sem desconto,+5511900000999,\n", campaigntest.Marketing)
		// The company's own prices, not Meta's defaults, price the estimate
		// and every message sent.
		table := conversa.DefaultPriceTable()
		br := table.Rates["BR"]
		br.Marketing = 123_456 // micro-USD
		table.Rates["BR"] = br
		if err := st.SetPriceTable(ctx, e.company(), table); err != nil {
			t.Fatal(err)
		}
		est, err := e.svc.Estimate(ctx, e.company(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCost := br.Marketing * 300
		if est.Recipients != 300 || est.Excluded["missing_variable"] != 1 || est.ExpectedCost != wantCost ||
			len(est.ByCountry) != 1 || est.ByCountry[0].Country != "BR" {
			t.Fatalf("estimate = %+v, want 300 recipients costing %v", est, wantCost)
		}
		got := e.run(c, campaigns.EngineOptions{})
		if got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
		}
		if sent := e.assertOnce(c.ID); sent != 300 {
			t.Fatalf("simulator got %d messages, want 300", sent)
		}
		rs := e.recipients(c.ID)
		m, err := st.Message(ctx, e.company(), *rs[0].MessageID)
		if err != nil || m.WAMID == "" || !strings.Contains(m.Text, "Cliente 0") || m.Category != conversa.CategoryMarketing ||
			m.ExpectedCost != br.Marketing {
			t.Fatalf("message = %+v, %v", m, err)
		}
	})
}

// Pacing: the send times the engine produced, over the steady part of the
// run (after the initial burst), are within ±5 % of the number's rate.
func TestPacingHoldsTheNumbersThroughput(t *testing.T) {
	st := storetest.SQLite(t)
	// A rate a -race build on a busy 2-core machine sustains easily, so a
	// miss means the pacer is wrong, not that the machine was slow.
	const mps, n = 50, 160
	e := newEnv(t, st, mps)
	c := e.campaign(campaigntest.CSV(2, n), campaigntest.Utility)
	if got := e.run(c, campaigns.EngineOptions{}); got.Status != conversa.CampaignCompleted {
		t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
	}
	times := e.graph.sendTimes()
	burst := mps / 10
	span := times[len(times)-1].Sub(times[burst]).Seconds()
	rate := float64(len(times)-1-burst) / span
	if rate < mps*0.95 || rate > mps*1.05 {
		t.Fatalf("measured %.1f msg/s over %.2fs, want %d ±5%%", rate, span, mps)
	}
	if e.assertOnce(c.ID) != n {
		t.Fatal("not everyone got the message")
	}
}

func TestTierLimitPausesWithReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		if _, err := st.ModifyChannel(ctx, e.company(), e.channel().ID, func(ch *conversa.Channel) error {
			ch.WABA.Health.MessagingLimitTier = "TIER_250"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		c := e.campaign(campaigntest.CSV(3, 300), campaigntest.Utility)
		est, err := e.svc.Estimate(ctx, e.company(), c.ID)
		if err != nil || est.TierLimit != 250 || est.TierRemaining != 250 {
			t.Fatalf("estimate = %+v, %v", est, err)
		}
		got := e.run(c, campaigns.EngineOptions{Batch: 64})
		if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, "messaging limit") || got.PauseReasonPT == "" {
			t.Fatalf("status = %s (%q)", got.Status, got.PauseReason)
		}
		if sent := e.assertOnce(c.ID); sent != 250 {
			t.Fatalf("sent %d, want exactly the tier's 250", sent)
		}
	})
}

func TestOptOutExcludedAtSendTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(4, 20), campaigntest.Marketing)
		// The customer writes "PARAR" after the campaign was created.
		ct, err := st.UpsertContact(ctx, conversa.Contact{CompanyID: e.company(), ChannelID: e.channel().ID,
			WAID: strings.TrimPrefix(campaigntest.Phone(4, 7), "+")})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetContactOptedOut(ctx, e.company(), ct.ID, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if got := e.run(c, campaigns.EngineOptions{}); got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s", got.Status)
		}
		if n := e.sim.Sent(e.pid(), campaigntest.Phone(4, 7)); n != 0 {
			t.Fatalf("opted-out contact got %d messages", n)
		}
		if sent := e.assertOnce(c.ID); sent != 19 {
			t.Fatalf("sent %d, want 19", sent)
		}
		counts, _ := st.CampaignCounts(ctx, e.company(), c.ID)
		if counts["excluded"] != 1 {
			t.Fatalf("counts = %v", counts)
		}
	})
}

func TestAutoPauseOnFailuresAndSpamLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(5, 400), campaigntest.Utility)
		if err := e.sim.InjectError(e.pid(), 131026, 40, false); err != nil {
			t.Fatal(err)
		}
		got := e.run(c, campaigns.EngineOptions{FailureWindow: 100, FailureRate: 0.3, Workers: 4, Batch: 20})
		if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, "failed") {
			t.Fatalf("status = %s (%q)", got.Status, got.PauseReason)
		}
		e.assertOnce(c.ID)
		counts, _ := st.CampaignCounts(ctx, e.company(), c.ID)
		if counts["pending"] == 0 {
			t.Fatalf("paused only after sending everyone: %v", counts)
		}

		// Resumed, the next send meets Meta's spam limit: paused at once.
		if err := e.sim.InjectError(e.pid(), 131048, 1, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Resume(ctx, e.company(), c.ID); err != nil {
			t.Fatal(err)
		}
		got = e.drive(c, campaigns.EngineOptions{Workers: 1, Batch: 5})
		if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, "131048") {
			t.Fatalf("status = %s (%q)", got.Status, got.PauseReason)
		}
		e.assertOnce(c.ID)
	})
}

func TestQualityRedPauses(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st, 1000)
	if _, err := st.ModifyChannel(ctx, e.company(), e.channel().ID, func(ch *conversa.Channel) error {
		ch.WABA.Health.QualityRating = "RED"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := e.campaign(campaigntest.CSV(6, 10), campaigntest.Utility)
	got := e.run(c, campaigns.EngineOptions{})
	if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, "RED") {
		t.Fatalf("status = %s (%q)", got.Status, got.PauseReason)
	}
	if e.assertOnce(c.ID) != 0 {
		t.Fatal("sent with quality RED")
	}
}

func TestCancelledNeverStarts(t *testing.T) {
	st := storetest.SQLite(t)
	e := newEnv(t, st, 1000)
	c := e.campaign(campaigntest.CSV(7, 5), campaigntest.Utility)
	if _, err := e.svc.Cancel(ctx, e.company(), c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Start(ctx, e.company(), c.ID); conversa.ErrorCode(err) != conversa.ECONFLICT {
		t.Fatalf("start after cancel: %v", err)
	}
}
