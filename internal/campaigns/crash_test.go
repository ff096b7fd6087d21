package campaigns_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// The first engine "dies" after 120 calls: from then on every call reaches
// Meta but never returns (the process froze after Meta accepted and before
// the outcome was recorded), and claimed recipients never get their call.
// A second engine takes over when the lease expires and must send every
// pending recipient once and never touch the ones attempted before.
func TestResumeAfterCrashIsExactlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(8, 600), campaigntest.Utility)
		if _, err := e.svc.Start(ctx, e.company(), c.ID); err != nil {
			t.Fatal(err)
		}
		frozen := make(chan struct{})
		var once sync.Once
		crashed := make(chan struct{})
		e.graph.setHook(func(n int) (bool, error) {
			if n <= 120 {
				return false, nil
			}
			once.Do(func() { close(crashed) })
			<-frozen // the call never comes back
			return true, &whatsapp.TransportError{Method: http.MethodPost, Written: true}
		})
		runCtx, die := context.WithCancel(ctx)
		go e.svc.NewEngine(campaigns.EngineOptions{Node: "a", Lease: time.Second, Poll: 20 * time.Millisecond, Workers: 8, Batch: 50}).Run(runCtx)
		<-crashed
		die()
		t.Cleanup(func() { close(frozen) })

		e.graph.setHook(nil)
		e.clock.Advance(2 * time.Second) // the dead node's lease runs out
		got := e.drive(c, campaigns.EngineOptions{Node: "b", Lease: time.Second})
		if got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
		}
		sent := e.assertOnce(c.ID)
		counts, _ := st.CampaignCounts(ctx, e.company(), c.ID)
		if counts["pending"] != 0 || counts["sending"] == 0 || counts["accepted"]+counts["sending"] != 600 {
			t.Fatalf("counts = %v", counts)
		}
		if sent < 600-counts["sending"] {
			t.Fatalf("simulator has %d messages; %d were still unknown", sent, counts["sending"])
		}
	})
}

// Two engines on PostgreSQL (two nodes, separate pools) share one
// campaign: nobody gets it twice.
func TestTwoNodesNeverDoubleSend(t *testing.T) {
	st := storetest.Postgres(t)
	e := newEnv(t, st, 1000)
	other, err := store.Open(ctx, st.PostgresDSN(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.SetClock(e.clock)
	box, _ := secrets.New(make([]byte, 32))
	other.SetSealer(box)
	c := e.campaign(campaigntest.CSV(9, 400), campaigntest.Utility)
	if _, err := e.svc.Start(ctx, e.company(), c.ID); err != nil {
		t.Fatal(err)
	}
	second := campaigns.New(campaigns.Options{Store: other, Graph: e.graph, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	// A short lease and a moving clock make the nodes hand the campaign
	// over to each other while it runs.
	go second.NewEngine(campaigns.EngineOptions{Node: "b", Lease: 300 * time.Millisecond, Poll: 10 * time.Millisecond, Batch: 40}).Run(runCtx)
	go func() {
		for runCtx.Err() == nil {
			time.Sleep(100 * time.Millisecond)
			e.clock.Advance(200 * time.Millisecond)
		}
	}()
	got := e.drive(c, campaigns.EngineOptions{Node: "a", Lease: 300 * time.Millisecond, Poll: 10 * time.Millisecond, Batch: 40})
	if got.Status != conversa.CampaignCompleted {
		t.Fatalf("status = %s", got.Status)
	}
	if sent := e.assertOnce(c.ID); sent != 400 {
		t.Fatalf("sent %d, want 400", sent)
	}
}

// The claim itself keeps two transactions apart on PostgreSQL.
func TestClaimSkipsLockedRows(t *testing.T) {
	st := storetest.Postgres(t)
	e := newEnv(t, st, 1000)
	c := e.campaign(campaigntest.CSV(10, 50), campaigntest.Utility)
	seen := map[int64]bool{}
	err := st.InTx(ctx, func(tx1 *store.Store) error {
		a, err := tx1.ClaimRecipients(ctx, e.company(), c.ID, e.clock.Now(), 30)
		if err != nil {
			return err
		}
		return st.InTx(context.WithValue(ctx, struct{}{}, 2), func(tx2 *store.Store) error {
			b, err := tx2.ClaimRecipients(ctx, e.company(), c.ID, e.clock.Now(), 30)
			for _, r := range append(a, b...) {
				if seen[r.ID] {
					t.Errorf("recipient %d claimed twice", r.ID)
				}
				seen[r.ID] = true
			}
			if len(b) != 20 {
				t.Errorf("second claim got %d, want the 20 unlocked", len(b))
			}
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
