package inbox

import (
	"context"

	"github.com/conversa/conversa/internal/store"
)

// Requeue inserts a send job again for every queued message with no
// attempt in progress. Call it once at start-up, after SetQueue. A process
// killed while River had a send job "running" leaves that job stuck until
// River's rescuer (an hour); the message itself was never attempted or is
// snoozed, so sending it is safe. A second job for the same message is
// harmless: the first to lock it sends it, the other finds it settled or
// in flight (beginAttempt).
func (s *Service) Requeue(ctx context.Context) error {
	before := s.clock.Now()
	var after int64
	for n := 0; ; {
		msgs, err := s.store.QueuedSends(ctx, before, after, sweepBatch)
		if err != nil || len(msgs) == 0 {
			if n > 0 {
				s.log.InfoContext(ctx, "inbox: re-enqueued queued sends", "messages", n)
			}
			return err
		}
		err = s.store.InTx(ctx, func(tx *store.Store) error {
			for _, m := range msgs {
				if err := s.queue.InsertTx(ctx, tx, SendArgs{CompanyID: m.CompanyID, MessageID: m.ID}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		after, n = msgs[len(msgs)-1].ID, n+len(msgs)
	}
}
