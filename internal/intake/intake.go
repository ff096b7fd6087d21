// Package intake owns the Meta webhook intake: it checks a delivery's
// signature, stores the raw body durably (table webhook_events) before the
// HTTP layer answers 200, and processes the stored copy in a job that routes
// each event to the sinks of the inbox, templates and channels packages.
//
// Semantics are at-least-once: a delivery acknowledged with 200 is in the
// database, marked unprocessed until a job has handed every event to its
// sink; the job is enqueued right after the commit (enqueue.go), and rows a
// crash left without one are re-enqueued at start and by a periodic sweep,
// so a crash at any point loses nothing. Meta's redeliveries and job
// retries may hand the same event to a sink again, which is why sinks are
// idempotent.
package intake

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// JobInserter enqueues a job inside a store transaction (*jobs.Queue).
type JobInserter interface {
	InsertTx(ctx context.Context, tx *store.Store, args river.JobArgs, opts *river.InsertOpts) error
}

// Options tune the intake; zero values are the measured defaults.
type Options struct {
	Sinks  Sinks
	Logger *slog.Logger
	Clock  conversa.Clock // stamps processed_at

	BatchRows int           // rows per transaction at most; 0 = 256
	Linger    time.Duration // how long a batch may wait for more deliveries at most; 0 = 500 µs, < 0 = never
	QueueSize int           // deliveries waiting for a writer before 503; 0 = 8192
	Writers   int           // concurrent batch transactions; 0 = 1 on SQLite, 2×CPUs on PostgreSQL
	CacheTTL  time.Duration // how long channel lookups are trusted; 0 = 2 s
	Retention time.Duration // processed webhooks are deleted this long after arrival; 0 = 30 days
}

// Intake is the webhook intake service.
type Intake struct {
	st    *store.Store
	opts  Options
	log   *slog.Logger
	cache *channelCache
	batch *batcher
	enq   *enqueuer
	gate  *writerGate
	jobs  JobInserter
}

// New builds the intake on st. Register its worker with the job queue,
// then Start it with that queue.
func New(st *store.Store, opts Options) *Intake {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = conversa.SystemClock{}
	}
	opts.BatchRows = orDefault(opts.BatchRows, 256)
	opts.QueueSize = orDefault(opts.QueueSize, 8192)
	if opts.Linger == 0 {
		opts.Linger = 500 * time.Microsecond
	}
	opts.CacheTTL = orDefault(opts.CacheTTL, 2*time.Second)
	opts.Retention = orDefault(opts.Retention, 30*24*time.Hour)
	if opts.Writers <= 0 {
		opts.Writers = 1
		if st.Postgres() {
			// Several transactions in flight overlap one commit's fsync
			// with the next batch's inserts.
			opts.Writers = 2 * runtime.NumCPU()
		}
	}
	in := &Intake{st: st, opts: opts, log: opts.Logger, cache: newChannelCache(st, opts.CacheTTL), gate: newWriterGate()}
	in.batch = newBatcher(opts.QueueSize, opts.BatchRows, opts.Linger, in.storeBatch)
	in.enq = newEnqueuer(jobRows, opts.Logger, in.bursting, in.insertJob)
	return in
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Start re-enqueues the rows an earlier run left unprocessed, then runs
// the batch writers; jobs enqueues the processing jobs.
func (in *Intake) Start(ctx context.Context, jobs JobInserter) error {
	in.jobs = jobs
	if err := in.requeue(ctx, in.opts.Clock.Now()); err != nil {
		return fmt.Errorf("intake: re-enqueue unprocessed webhooks: %w", err)
	}
	in.enq.start()
	in.batch.start(in.opts.Writers)
	return nil
}

// requeue enqueues processing again for rows received before t and not
// processed. Their own job may never have been enqueued (a crash right
// after the rows' commit), and a process killed while running one leaves it
// "running", which River rescues only after an hour; processing skips rows
// already done, and sinks are idempotent, so a second job for a row is
// harmless.
func (in *Intake) requeue(ctx context.Context, before time.Time) error {
	var after int64
	for n := 0; ; {
		ids, err := in.st.UnprocessedWebhookEventIDs(ctx, before, after, jobRows)
		if err != nil || len(ids) == 0 {
			if n > 0 {
				in.log.InfoContext(ctx, "re-enqueued unprocessed webhooks", "rows", n)
			}
			return err
		}
		err = in.st.InTx(ctx, func(tx *store.Store) error { return in.jobs.InsertTx(ctx, tx, ProcessArgs{IDs: ids}, nil) })
		if err != nil {
			return err
		}
		after, n = ids[len(ids)-1], n+len(ids)
	}
}

// Queued is how many deliveries wait for a batch writer now.
func (in *Intake) Queued() int { return len(in.batch.in) }

// Stop refuses new deliveries (503), stores every queued one and enqueues
// their processing. Call it after the HTTP server has shut down and before
// the job queue stops.
func (in *Intake) Stop(ctx context.Context) error {
	if err := in.batch.shutdown(ctx); err != nil {
		return err
	}
	return in.enq.shutdown(ctx)
}

// storeBatch writes one batch with a single INSERT (atomic by itself: no
// transaction round trips) and hands its ids to the enqueuer.
func (in *Intake) storeBatch(ctx context.Context, rows []store.NewWebhookEvent) error {
	in.gate.lockFirst()
	ids, err := in.st.InsertWebhookEvents(ctx, rows)
	in.gate.unlockFirst()
	if err == nil {
		in.enq.add(ids)
	}
	return err
}

// Challenge answers Meta's subscription handshake: the challenge when the
// verify token is a live channel's, else a forbidden error.
func (in *Intake) Challenge(ctx context.Context, q url.Values) (string, error) {
	chans, err := in.st.ChannelsByVerifyToken(ctx, q.Get("hub.verify_token"))
	if err != nil {
		return "", err
	}
	for _, ch := range chans {
		if ch.WABA == nil {
			continue
		}
		if c, ok := whatsapp.VerifyChallenge(q, ch.WABA.VerifyToken); ok {
			return c, nil
		}
	}
	return "", conversa.Errorf(conversa.EFORBIDDEN, "Verification refused: unknown verify token.").
		Pt("Verificação recusada: token de verificação desconhecido.")
}
