package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/loadgen"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// The kill-style crash test: a real `conversa serve` process takes
// concurrent signed webhooks and is SIGKILLed mid-stream; after a restart on
// the same data every delivery that was answered 200 is in webhook_events,
// and processed into an inbox message (by the jobs committed with the rows,
// or by the start-up re-enqueue for jobs that died running).
func TestWebhookCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) { crashTest(t, bin, "") })
	t.Run("postgres", func(t *testing.T) { crashTest(t, bin, storetest.PostgresDSN(t)) })
}

func crashTest(t *testing.T, bin, dsn string) {
	dataDir := t.TempDir()
	env := append(os.Environ(), "CONVERSA_DATA_DIR="+dataDir, "CONVERSA_DATABASE_URL="+dsn, "CONVERSA_SECRET_KEY=", "CONVERSA_DEMO=false")
	run := func(args ...string) string { return runCmd(t, bin, env, args...) }
	company := run("admin", "create-company", "--domain", "crash", "--name", "Crash", "--email", "a@crash.test", "--password", "secret-123")
	run("admin", "create-channel", "--domain", "crash", "--phone-number-id", "777000777", "--waba-id", "888", "--app-secret", "crash-secret")
	target := loadgen.WebhookTarget{AppSecret: "crash-secret", PhoneNumberID: "777000777", WABAID: "888", RunID: "crash"}

	srv, base := startProcess(t, bin, env, "127.0.0.1:0")
	target.URL = base + "/webhooks/whatsapp"
	acked := postUntilKilled(t, target, srv)
	t.Logf("%d deliveries acknowledged before SIGKILL", len(acked))

	srv2, _ := startProcess(t, bin, env, "127.0.0.1:0")
	defer stopProcess(t, srv2)
	st := openForTest(t, dataDir, dsn)
	var companyID int64
	fmt.Sscan(company, &companyID)
	stored := waitAllProcessed(t, st, companyID)
	for id := range acked {
		if !stored[id] {
			t.Errorf("message %s was acknowledged with 200 but is not stored", id)
		} else if _, err := st.LockMessageByWAMID(context.Background(), companyID, id); err != nil {
			t.Errorf("message %s is stored but not in the inbox: %v", id, err)
		}
	}
}

// postUntilKilled posts unique signed messages from 16 clients and
// SIGKILLs the server once 300 were acknowledged, while the clients are
// still posting. It returns the acknowledged message ids.
func postUntilKilled(t *testing.T, target loadgen.WebhookTarget, srv *exec.Cmd) map[string]bool {
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		seq   atomic.Int64
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := loadgen.NewClient(16)
	newReq := target.Requests()
	for range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(seq.Add(1))
				req, _ := newReq(ctx, i)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked[fmt.Sprintf("wamid.load.%s.%d", target.RunID, i)] = true
					mu.Unlock()
					n.Add(1)
				}
			}
		})
	}
	for n.Load() < 300 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	srv.Process.Kill()
	srv.Wait()
	wg.Wait()
	if len(acked) < 300 {
		t.Fatalf("only %d deliveries acknowledged before the deadline", len(acked))
	}
	return acked
}

func openForTest(t *testing.T, dataDir, dsn string) *store.Store {
	t.Helper()
	cfg := config{DataDir: dataDir, DatabaseURL: dsn, Clock: conversa.NewShiftClock(), Logger: slog.New(slog.DiscardHandler)}
	st, err := openStore(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitAllProcessed waits (bounded) until the restarted server has processed
// every stored row, and returns the message ids stored.
func waitAllProcessed(t *testing.T, st *store.Store, companyID int64) map[string]bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rows, err := st.WebhookEvents(context.Background(), companyID, 0, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		ids, pending := map[string]bool{}, 0
		for _, r := range rows {
			if r.ProcessedAt == nil {
				pending++
			}
			n, err := whatsapp.ParseWebhook(r.Body)
			if err != nil {
				t.Fatalf("stored row %d: %v", r.ID, err)
			}
			for ev := range n.Events() {
				if ev.Message != nil {
					ids[ev.Message.ID] = true
				}
			}
		}
		if pending == 0 {
			return ids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d stored rows still unprocessed 30s after restart", pending, len(rows))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
