// Package jobs owns background work: a durable River queue on the same
// database as the store. Jobs are inserted in the same transaction as the
// row they act on (InsertTx), so a rolled-back change never leaves a job
// behind and a committed one never misses its job.
//
// Wiring per database (River v0.51):
//   - SQLite: one client on the store's single-writer pool (riversqlite)
//     inserts and works. A second client would be a second writer fighting
//     for SQLite's one write lock.
//   - PostgreSQL: an insert-only client over the store's database/sql pool
//     (riverdatabasesql), whose InsertTx takes the store's *sql.Tx, and a
//     worker client on its own pgxpool (riverpgxv5) that uses LISTEN/NOTIFY
//     and leader election, so several nodes share the work.
//
// Later features add workers through Options.Register and periodic jobs
// through Options.Periodic; they never touch this wiring.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Options configure the queue.
type Options struct {
	Logger       *slog.Logger
	Clock        conversa.Clock
	SessionIdle  time.Duration // required: sessions idle this long are purged (auth's IdleTimeout)
	PollInterval time.Duration // how often workers poll for new jobs; 0 = River's default (1 s)
	MaxWorkers   int           // concurrent jobs per node; 0 = 10
	// Queues adds named queues with their workers per node, beside the
	// default queue: a feature whose jobs come in floods (webhook
	// processing) gets its own, so it can neither starve nor be starved.
	// Their workers fetch again floodCooldown after a job ends, not River's
	// 100 ms: with few workers and short jobs, the cooldown, not the CPU,
	// would otherwise bound how fast a backlog drains.
	Queues map[string]int
	// Register adds a feature's workers, e.g.
	//	func(w *river.Workers) { river.AddWorker(w, &sendWorker{...}) }
	Register []func(w *river.Workers)
	Periodic []*river.PeriodicJob
}

// floodCooldown is the pause between fetches of a named queue's jobs.
const floodCooldown = 2 * time.Millisecond

func queues(opts Options) map[string]river.QueueConfig {
	qs := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.MaxWorkers}}
	for name, workers := range opts.Queues {
		qs[name] = river.QueueConfig{MaxWorkers: workers, FetchCooldown: floodCooldown}
	}
	return qs
}

// Queue inserts and runs jobs.
type Queue struct {
	insert *river.Client[*sql.Tx]
	worker interface {
		Start(context.Context) error
		Stop(context.Context) error
		StopAndCancel(context.Context) error
	}
	pool *pgxpool.Pool // the worker pool on PostgreSQL, closed by Stop
}

// Migrate creates or updates River's own tables beside the store's.
func Migrate(ctx context.Context, st *store.Store) (int, error) {
	if st.Postgres() {
		return migrate(ctx, riverdatabasesql.New(st.WriterDB()))
	}
	return migrate(ctx, riversqlite.New(st.WriterDB()))
}

func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) (int, error) {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("jobs: migrate: %w", err)
	}
	return len(res.Versions), nil
}

// New builds the queue; Start runs its workers.
func New(ctx context.Context, st *store.Store, opts Options) (*Queue, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = conversa.SystemClock{}
	}
	if opts.SessionIdle <= 0 {
		return nil, errors.New("jobs: Options.SessionIdle is required (the session idle timeout)")
	}
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = 10
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &purgeWorker{store: st, clock: opts.Clock, idle: opts.SessionIdle})
	for _, register := range opts.Register {
		register(workers)
	}
	cfg := &river.Config{
		Logger:            opts.Logger,
		Queues:            queues(opts),
		Workers:           workers,
		PeriodicJobs:      append([]*river.PeriodicJob{purgePeriodic()}, opts.Periodic...),
		FetchPollInterval: opts.PollInterval,
	}
	if opts.PollInterval > 0 && opts.PollInterval < river.FetchCooldownDefault {
		cfg.FetchCooldown = opts.PollInterval
	}
	if !st.Postgres() {
		c, err := river.NewClient(riversqlite.New(st.WriterDB()), cfg)
		if err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
		return &Queue{insert: c, worker: c}, nil
	}
	return newPostgres(ctx, st, cfg)
}

func newPostgres(ctx context.Context, st *store.Store, cfg *river.Config) (*Queue, error) {
	insert, err := river.NewClient(riverdatabasesql.New(st.WriterDB()), &river.Config{Logger: cfg.Logger, Workers: cfg.Workers})
	if err != nil {
		return nil, fmt.Errorf("jobs: insert client: %w", err)
	}
	pool, err := pgxpool.New(ctx, st.PostgresDSN())
	if err != nil {
		return nil, fmt.Errorf("jobs: worker pool: %w", err)
	}
	worker, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs: worker client: %w", err)
	}
	return &Queue{insert: insert, worker: worker, pool: pool}, nil
}

// InsertTx enqueues a job inside tx, the Store handed to a store.InTx
// callback: the job exists exactly when the transaction commits.
func (q *Queue) InsertTx(ctx context.Context, tx *store.Store, args river.JobArgs, opts *river.InsertOpts) error {
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return errors.New("jobs: InsertTx needs the Store of a store.InTx callback")
	}
	_, err := q.insert.InsertTx(ctx, sqlTx, args, opts)
	return err
}

// Start runs the workers and periodic jobs until Stop. ctx's values reach
// the jobs but its cancellation does not: River would cancel every running
// job with it (a send cut mid-call), while a shutdown should let them
// finish, which is Stop's job.
func (q *Queue) Start(ctx context.Context) error { return q.worker.Start(context.WithoutCancel(ctx)) }

// Stop stops fetching, lets running jobs finish until ctx ends, then
// cancels what still runs, and releases the queue.
func (q *Queue) Stop(ctx context.Context) error {
	err := q.worker.Stop(ctx)
	if err != nil {
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.worker.StopAndCancel(hard)
	}
	if q.pool != nil {
		q.pool.Close()
	}
	return err
}
