package intake

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/store"
)

// enqueuer turns stored rows into processing jobs after the rows' own
// commit, so the acknowledgement Meta waits for costs one INSERT and no job
// insert (a River insert costs more than the rows it announces). Ids
// stored meanwhile coalesce: under load one job carries up to jobRows
// rows, which also makes processing cheaper per row.
//
// A row is durable before its job exists. A crash in between leaves it
// unprocessed with no job; Start re-enqueues such rows, and so does the
// periodic sweep (SweepArgs) on another node of the same database.
type enqueuer struct {
	insert  func(ctx context.Context, ids []int64) error // one job for ids, in its own transaction
	maxRows int
	burst   func() bool // deliveries are arriving in a burst: fewer, fuller jobs
	log     *slog.Logger

	mu      sync.Mutex
	ids     []int64
	wake    chan struct{} // buffered(1): ids are waiting
	started sync.Once
	stopped sync.Once
	stop    chan struct{}
	done    chan struct{}
}

// Ids wait enqueueLinger for company, or burstLinger during a burst, when
// processing is slowed down anyway (stepAside) and each job insert saved is
// CPU left to the acknowledgements.
const (
	enqueueLinger = 25 * time.Millisecond
	burstLinger   = 100 * time.Millisecond
)

func newEnqueuer(maxRows int, log *slog.Logger, burst func() bool, insert func(context.Context, []int64) error) *enqueuer {
	return &enqueuer{insert: insert, maxRows: maxRows, burst: burst, log: log,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// add hands over the ids of committed rows; it never blocks.
func (e *enqueuer) add(ids []int64) {
	e.mu.Lock()
	e.ids = append(e.ids, ids...)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// start runs the enqueuer until shutdown.
func (e *enqueuer) start() { e.started.Do(func() { go e.run() }) }

func (e *enqueuer) run() {
	defer close(e.done)
	for {
		select {
		case <-e.wake:
			e.linger()
			e.flush()
		case <-e.stop:
			e.flush()
			return
		}
	}
}

// linger waits up to enqueueLinger (burstLinger) for a full job's worth of
// ids.
func (e *enqueuer) linger() {
	d := enqueueLinger
	if e.burst() {
		d = burstLinger
	}
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for !e.full() {
		select {
		case <-e.wake:
		case <-deadline.C:
			return
		case <-e.stop:
			return
		}
	}
}

func (e *enqueuer) full() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.ids) >= e.maxRows
}

// flush enqueues everything waiting, a job per maxRows ids. Ids whose
// insert fails stay waiting and are tried again a little later (the
// database is down or busy); the rows are safe meanwhile.
func (e *enqueuer) flush() {
	for {
		e.mu.Lock()
		n := min(len(e.ids), e.maxRows)
		chunk := e.ids[:n:n]
		e.ids = e.ids[n:]
		e.mu.Unlock()
		if n == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := e.insert(ctx, chunk)
		cancel()
		if err != nil {
			e.log.Error("webhook processing job not enqueued; retrying", "rows", len(chunk), "err", err)
			e.mu.Lock()
			e.ids = append(chunk, e.ids...)
			e.mu.Unlock()
			select {
			case <-time.After(time.Second):
			case <-e.stop:
				return // Start or the sweep of a later run enqueues them
			}
		}
	}
}

// shutdown enqueues what is waiting and ends run (at once if it never
// started).
func (e *enqueuer) shutdown(ctx context.Context) error {
	e.started.Do(func() { close(e.done) })
	e.stopped.Do(func() { close(e.stop) })
	select {
	case <-e.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// insertJob enqueues the processing of ids in a transaction of its own,
// ahead of webhook processing like the batch commits (writerGate).
func (in *Intake) insertJob(ctx context.Context, ids []int64) error {
	in.gate.lockFirst()
	defer in.gate.unlockFirst()
	return in.st.InTx(ctx, func(tx *store.Store) error { return in.jobs.InsertTx(ctx, tx, ProcessArgs{IDs: ids}, nil) })
}
