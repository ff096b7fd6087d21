package inbox

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// ReconcileArgs is the periodic sweep over sends whose outcome is unknown.
type ReconcileArgs struct{}

func (ReconcileArgs) Kind() string { return "inbox_reconcile" }

const (
	reconcileEvery = 30 * time.Second
	// attemptStale: an attempt older than the send job's timeout can't be
	// in flight any more; its process died before recording the outcome.
	attemptStale = 3 * time.Minute
	// parkedTTL: a status whose message never showed up belongs to a send
	// made outside Conversa; Meta's own retries end well before this.
	parkedTTL  = 7 * 24 * time.Hour
	sweepBatch = 500
)

func reconcilePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(reconcileEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "inbox_reconcile"})
}

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	svc *Service
}

func (w *reconcileWorker) Work(ctx context.Context, _ *river.Job[ReconcileArgs]) error {
	return w.svc.Reconcile(ctx)
}

// unconfirmed is the failure of a send nobody can vouch for: resending
// could give the customer the message twice, so a person decides.
func unconfirmed() *conversa.Error {
	return conversa.Errorf(conversa.EUPSTREAM, "Delivery could not be confirmed — check with the customer before resending.").
		Pt("Não foi possível confirmar a entrega — confirme com o cliente antes de reenviar.")
}

// Reconcile moves attempts abandoned by a crash to reconciling, and fails
// reconciling sends no status webhook has settled within ConfirmTimeout.
func (s *Service) Reconcile(ctx context.Context) error {
	now := s.clock.Now()
	steps := []struct {
		state  conversa.SendState
		cutoff time.Time
		next   func(conversa.Message) conversa.Message
	}{
		{conversa.SendAttempting, now.Add(-attemptStale), func(m conversa.Message) conversa.Message {
			m.SendState = conversa.SendReconciling
			return m
		}},
		{conversa.SendReconciling, now.Add(-s.confirm), func(m conversa.Message) conversa.Message {
			return withFailure(m, unconfirmed())
		}},
	}
	for _, st := range steps {
		stuck, err := s.store.StuckSends(ctx, st.state, st.cutoff, sweepBatch)
		if err != nil {
			return err
		}
		for _, m := range stuck {
			if err := s.moveStuck(ctx, m, st.state, st.next); err != nil {
				return err
			}
		}
	}
	_, err := s.store.PurgeParkedStatuses(ctx, now.Add(-parkedTTL))
	return err
}

// moveStuck applies next when m is still in state (a webhook may have
// settled it since it was listed).
func (s *Service) moveStuck(ctx context.Context, m conversa.Message, state conversa.SendState, next func(conversa.Message) conversa.Message) error {
	var changed []conversa.Message
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		cur, err := tx.LockMessage(ctx, m.CompanyID, m.ID)
		if err != nil || cur.SendState != state || cur.Status != conversa.StatusQueued {
			return ignoreNotFound(err)
		}
		changed, err = s.updateDelivery(ctx, tx, cur, next)
		return err
	})
	for _, c := range changed {
		s.publishMessage(ctx, EventMessageStatus, c)
	}
	return err
}
