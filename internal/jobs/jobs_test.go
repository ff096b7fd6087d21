package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

type noteArgs struct{ Note string }

func (noteArgs) Kind() string { return "test_note" }

type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	seen chan string
}

func (w *noteWorker) Work(_ context.Context, j *river.Job[noteArgs]) error {
	w.seen <- j.Args.Note
	return nil
}

func startQueue(t *testing.T, st *store.Store, clock conversa.Clock, register func(*river.Workers)) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	if _, err := jobs.Migrate(ctx, st); err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(ctx, st, jobs.Options{
		Logger: slog.New(slog.DiscardHandler), Clock: clock, SessionIdle: time.Hour,
		PollInterval: 20 * time.Millisecond, Register: []func(*river.Workers){register},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(stopCtx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return q
}

// A job inserted in a transaction exists only if the transaction commits.
func TestInsertTxFollowsTheTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := &noteWorker{seen: make(chan string, 10)}
		q := startQueue(t, st, conversa.SystemClock{}, func(ws *river.Workers) { river.AddWorker(ws, w) })

		rollback := errors.New("roll back")
		err := st.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.CreateCompany(ctx, conversa.Company{Domain: "gone", Name: "Gone"}); err != nil {
				return err
			}
			if err := q.InsertTx(ctx, tx, noteArgs{Note: "rolled back"}, nil); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		err = st.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.CreateCompany(ctx, conversa.Company{Domain: "kept", Name: "Kept"}); err != nil {
				return err
			}
			return q.InsertTx(ctx, tx, noteArgs{Note: "committed"}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-w.seen:
			if got != "committed" {
				t.Fatalf("worked %q first", got)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("committed job never ran")
		}
		// The rolled-back job was never stored: give the worker a few polls.
		select {
		case got := <-w.seen:
			t.Fatalf("also worked %q", got)
		case <-time.After(300 * time.Millisecond):
		}
		if err := q.InsertTx(ctx, st, noteArgs{}, nil); err == nil {
			t.Fatal("InsertTx outside a transaction was accepted")
		}
	})
}

// The periodic purge runs on start and removes expired sessions.
func TestPurgeRunsOnStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c, err := st.CreateCompany(ctx, conversa.Company{Domain: "p", Name: "P"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: "a@p.com", Name: "A", Role: conversa.RoleAdmin, Active: true}, "h")
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-48 * time.Hour)
		if _, err := st.CreateSession(ctx, conversa.Session{CompanyID: c.ID, UserID: u.ID, CreatedAt: old, LastSeenAt: old, ExpiresAt: old.Add(time.Hour)}, "old"); err != nil {
			t.Fatal(err)
		}
		startQueue(t, st, conversa.SystemClock{}, func(*river.Workers) {})
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := st.SessionByTokenHash(ctx, "old"); conversa.ErrorCode(err) == conversa.ENOTFOUND {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("expired session was not purged")
	})
}

type slowArgs struct{}

func (slowArgs) Kind() string { return "test_slow" }

// slowWorker reports when it starts, then works until release (or until
// its own context is cancelled, which it reports as such).
type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started, release chan struct{}
	finished         chan error
}

func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	close(w.started)
	select {
	case <-w.release:
		w.finished <- nil
	case <-ctx.Done():
		w.finished <- ctx.Err()
	}
	return nil
}

// A shutdown (the serving context cancelled, then Stop) lets a running job
// finish instead of cancelling it midway: a send cut mid-call would leave
// its outcome unknown.
func TestShutdownLetsRunningJobsFinish(t *testing.T) {
	st := storetest.SQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := jobs.Migrate(ctx, st); err != nil {
		t.Fatal(err)
	}
	w := &slowWorker{started: make(chan struct{}), release: make(chan struct{}), finished: make(chan error, 1)}
	q, err := jobs.New(ctx, st, jobs.Options{Logger: slog.New(slog.DiscardHandler), Clock: conversa.SystemClock{},
		SessionIdle: time.Hour, PollInterval: 20 * time.Millisecond,
		Register: []func(*river.Workers){func(ws *river.Workers) { river.AddWorker(ws, w) }}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Store) error { return q.InsertTx(ctx, tx, slowArgs{}, nil) }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.started:
	case <-time.After(15 * time.Second):
		t.Fatal("job never started")
	}
	cancel() // SIGTERM: the serving context ends first
	stopped := make(chan error, 1)
	go func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		stopped <- q.Stop(stopCtx)
	}()
	time.Sleep(100 * time.Millisecond)
	close(w.release)
	if err := <-w.finished; err != nil {
		t.Fatalf("the running job was cancelled: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("stop: %v", err)
	}
}
