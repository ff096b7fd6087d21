package inbox

import (
	"context"
	"errors"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// MarkRead records that an agent read a conversation: its unread count
// drops to zero and, in a job, Meta is told the latest customer message
// was read, so the customer sees blue ticks on it and every earlier one.
// Reading an already read conversation changes nothing.
func (s *Service) MarkRead(ctx context.Context, a Actor, id int64) (conversa.Conversation, error) {
	var c conversa.Conversation
	changed := false
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.LockConversation(ctx, a.CompanyID, id); err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, a, c.ID); err != nil || c.Unread == 0 {
			return err
		}
		c.Unread, changed = 0, true
		if err := tx.SaveConversation(ctx, c); err != nil {
			return err
		}
		wamid, err := tx.LatestInboundWAMID(ctx, a.CompanyID, c.ID)
		if err != nil || wamid == "" || s.queue == nil {
			return err
		}
		return s.queue.InsertTx(ctx, tx, ReadArgs{CompanyID: a.CompanyID, ChannelID: c.ChannelID, WAMID: wamid}, nil)
	})
	if err == nil && changed {
		s.publishConversation(ctx, c)
	}
	return c, err
}

// ReadArgs sends Meta the read receipt of one customer message.
type ReadArgs struct {
	CompanyID int64  `json:"company_id"`
	ChannelID int64  `json:"channel_id"`
	WAMID     string `json:"wamid"`
}

func (ReadArgs) Kind() string { return "inbox_read_receipt" }

// A receipt is worth a few tries, not more: blue ticks minutes late are
// still right, hours late they only confuse.
func (ReadArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

type readWorker struct {
	river.WorkerDefaults[ReadArgs]
	svc *Service
}

func (w *readWorker) Work(ctx context.Context, job *river.Job[ReadArgs]) error {
	a := job.Args
	ch, err := w.svc.store.Channel(ctx, a.CompanyID, a.ChannelID)
	if isNotFound(err) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if ch.WABA == nil || ch.Status != conversa.ChannelConnected {
		return river.JobCancel(errors.New("inbox: read receipt for a channel that is not connected"))
	}
	err = w.svc.graph.MarkRead(ctx, ch.WABA.AccessToken, ch.WABA.PhoneNumberID, a.WAMID, false)
	if whatsapp.Permanent(err) {
		return river.JobCancel(err) // e.g. a message too old for Meta to mark
	}
	return err
}
