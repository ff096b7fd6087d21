package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// PurgeArgs is the periodic clean-up of expired sessions and old login
// failures. Expired sessions are already refused on use; purging keeps the
// tables small and drops tokens' hashes as soon as they are useless.
type PurgeArgs struct{}

func (PurgeArgs) Kind() string { return "purge_sessions" }

// purgeEvery is how often the clean-up runs (on the leader node only).
const purgeEvery = 15 * time.Minute

// loginFailureTTL outlives any lockout window by far.
const loginFailureTTL = 24 * time.Hour

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	store *store.Store
	clock conversa.Clock
	idle  time.Duration
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	now := w.clock.Now()
	if _, err := w.store.PurgeExpiredSessions(ctx, now, w.idle); err != nil {
		return err
	}
	_, err := w.store.PurgeLoginFailures(ctx, now.Add(-loginFailureTTL))
	return err
}

func purgePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(purgeEvery),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "purge_sessions"})
}
