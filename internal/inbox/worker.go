package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// The send state machine of an outbound message (status / send_state):
//
//	queued/idle ──job──▶ queued/attempting (committed before calling Meta)
//	  attempting ──200──────────▶ accepted/idle (wamid recorded) ─webhooks─▶ sent, delivered, read
//	  attempting ──retryable────▶ queued/idle, job snoozed (back-off, BackoffHint); gives up after maxSendAttempts
//	  attempting ──permanent────▶ failed/idle with the catalog's sentence (131047: "send a template";
//	                              190, 131031, 133010, 368: what to fix on the channel, which
//	                              turns red; 131042: templates held until billing is fixed)
//	  queued/idle ──channel can't send (disconnected, red, billing for templates)──▶ failed, Meta never called
//	  attempting ──ambiguous────▶ queued/reconciling: never sent again blindly
//	  attempting ──crash────────▶ stays attempting; the job's next run or the sweep makes it reconciling
//	  reconciling ─any status webhook (callback data names the message)─▶ its status, idle
//	  reconciling ─no webhook within ConfirmTimeout─▶ failed: "delivery could not be confirmed"
//
// A status webhook settles any of these states, so nothing is lost when a
// webhook overtakes the send's own answer.

// SendArgs is the job that sends one stored outbound message.
type SendArgs struct {
	CompanyID int64 `json:"company_id"`
	MessageID int64 `json:"message_id"`
}

func (SendArgs) Kind() string { return "inbox_send" }

// Snoozes don't use up River attempts; maxSendAttempts bounds calls to Meta,
// and River's attempts only cover failures of our own (database down).
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// maxSendAttempts is how many times a transient refusal is retried.
const maxSendAttempts = 8

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	svc *Service
}

// Timeout outlives the client's own per-call timeout, so the outcome of a
// call is always recorded by the job that made it.
func (w *sendWorker) Timeout(*river.Job[SendArgs]) time.Duration { return 2 * time.Minute }

func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return w.svc.deliver(ctx, job.Args.CompanyID, job.Args.MessageID)
}

// outbound is everything one call to Meta needs.
type outbound struct {
	msg         conversa.Message
	channel     conversa.Channel
	to          string // the contact's wa_id
	contactID   int64
	lastInbound time.Time
}

func (s *Service) deliver(ctx context.Context, companyID, messageID int64) error {
	ob, ok, err := s.beginAttempt(ctx, companyID, messageID)
	if err != nil || !ok {
		return err
	}
	req := whatsapp.Message{}
	if err := json.Unmarshal(ob.msg.Payload, &req); err != nil {
		return s.settle(ctx, ob, nil, err)
	}
	req.To, req.BizOpaqueCallbackData = ob.to, callbackData(ob.msg.ID)
	res, err := s.graph.Send(ctx, ob.channel.WABA.AccessToken, ob.channel.WABA.PhoneNumberID, req)
	return s.settle(ctx, ob, res, err)
}

// beginAttempt records (and commits) that Meta is about to be called, or
// reports ok false when there is nothing to send: the message is settled
// already, or a previous run died mid-call and it must be reconciled.
func (s *Service) beginAttempt(ctx context.Context, companyID, messageID int64) (ob outbound, ok bool, err error) {
	var settled *conversa.Message
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		m, err := tx.LockMessage(ctx, companyID, messageID)
		if err != nil || m.Direction != conversa.Outbound || m.Status != conversa.StatusQueued {
			return ignoreNotFound(err)
		}
		switch m.SendState {
		case conversa.SendAttempting:
			if m.AttemptedAt != nil && s.clock.Now().Sub(*m.AttemptedAt) < attemptStale {
				return nil // another job (Requeue's twin) is calling Meta right now: it settles the message
			}
			// Crashed after recording the attempt: outcome unknown.
			m.SendState = conversa.SendReconciling
			settled = &m
			return tx.SaveMessage(ctx, m)
		case conversa.SendReconciling:
			return nil
		}
		if ob, err = s.loadOutbound(ctx, tx, m); err != nil {
			return err
		}
		if refusal := s.refuseBeforeSend(ob); refusal != nil {
			m = *refusal
			settled = &m
			return tx.SaveMessage(ctx, m)
		}
		now := s.clock.Now()
		m.SendState, m.AttemptedAt, m.SendAttempts = conversa.SendAttempting, &now, m.SendAttempts+1
		ob.msg, ok = m, true
		return tx.SaveMessage(ctx, m)
	})
	if settled != nil {
		s.publishMessage(ctx, EventMessageStatus, *settled)
	}
	return ob, ok && err == nil, err
}

// refuseBeforeSend fails a message that must not reach Meta any more: its
// channel was disconnected or turned red while it waited in the queue (or
// templates are held for billing), or it is a free-form message whose
// window closed meanwhile.
func (s *Service) refuseBeforeSend(ob outbound) *conversa.Message {
	if why := ob.channel.SendBlock(ob.msg.Type == "template"); why != nil {
		m := withFailure(ob.msg, why)
		return &m
	}
	if ob.msg.Category != conversa.CategoryService {
		return nil
	}
	if err := conversa.CheckFreeForm(ob.lastInbound, s.clock.Now()); err != nil {
		m := withFailure(ob.msg, err)
		return &m
	}
	return nil
}

func (s *Service) loadOutbound(ctx context.Context, tx *store.Store, m conversa.Message) (outbound, error) {
	conv, err := tx.Conversation(ctx, m.CompanyID, m.ConversationID)
	if err != nil {
		return outbound{}, err
	}
	contact, err := tx.Contact(ctx, m.CompanyID, conv.ContactID)
	if err != nil {
		return outbound{}, err
	}
	ch, err := tx.Channel(ctx, m.CompanyID, conv.ChannelID)
	if err == nil && ch.WABA == nil {
		err = errors.New("inbox: message on a channel without WhatsApp settings")
	}
	return outbound{msg: m, channel: ch, to: contact.WAID, contactID: contact.ID, lastInbound: conv.LastInboundAt}, err
}

// messageChannel is the channel a message's conversation belongs to.
func (s *Service) messageChannel(ctx context.Context, m conversa.Message) (conversa.Channel, error) {
	ob, err := s.loadOutbound(ctx, s.store, m)
	return ob.channel, err
}

// settle records what Meta answered and decides whether the job retries.
func (s *Service) settle(ctx context.Context, ob outbound, res *whatsapp.SendResult, callErr error) error {
	var retry error
	var changed []conversa.Message
	// Recorded even when the job's context ended: the call happened.
	ctx = context.WithoutCancel(ctx)
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		m, err := tx.LockMessage(ctx, ob.msg.CompanyID, ob.msg.ID)
		if err != nil {
			return err
		}
		var next conversa.Message
		next, retry = outcome(m, res, callErr)
		if changed, err = s.updateDelivery(ctx, tx, m, func(conversa.Message) conversa.Message { return next }); err != nil {
			return err
		}
		if res != nil && res.WaID() != "" && res.WaID() != ob.to {
			return tx.SetContactWAID(ctx, m.CompanyID, ob.contactID, res.WaID())
		}
		return nil
	})
	for _, m := range changed {
		s.publishMessage(ctx, EventMessageStatus, m)
	}
	if err == nil {
		s.recordChannelProblem(ctx, ob.msg.CompanyID, ob.channel.ID, s.clock.Now(), callErr)
	}
	return cmpErr(err, retry)
}

// recordChannelProblem notes on the channel a Meta error about the channel
// itself (channels.RecordSendError), so the next sends are refused before
// calling Meta and the admin sees what to fix. A failure to note it is
// logged: the message's own outcome is recorded, and the next send that
// meets the error notes it again.
func (s *Service) recordChannelProblem(ctx context.Context, companyID, channelID int64, at time.Time, err error) {
	if _, rerr := channels.RecordSendError(ctx, s.store, companyID, channelID, at, err); rerr != nil {
		s.log.WarnContext(ctx, "inbox: channel problem not recorded", "channel_id", channelID, "err", rerr)
	}
}

// outcome applies Meta's answer to m (freshly locked: a status webhook may
// have settled it meanwhile) and says what the job does next: nil when
// done, a snooze to try again later.
func outcome(m conversa.Message, res *whatsapp.SendResult, err error) (conversa.Message, error) {
	switch {
	case err == nil:
		if m.WAMID == "" {
			m.WAMID = res.MessageID()
		}
		m.Status, m.SendState = conversa.NextStatus(m.Status, conversa.StatusAccepted), conversa.SendIdle
		return m, nil
	case m.SendState != conversa.SendAttempting:
		return m, nil // a webhook (or the sweep) decided already
	case whatsapp.IsAmbiguous(err):
		m.SendState = conversa.SendReconciling
		return m, nil
	case whatsapp.Retryable(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		if m.SendAttempts >= maxSendAttempts {
			return withFailure(m, err), nil
		}
		m.SendState = conversa.SendIdle
		return m, river.JobSnooze(backoff(m.SendAttempts, whatsapp.BackoffHint(err)))
	}
	return withFailure(m, err), nil
}

// backoff waits longer after each attempt (2 s, 4 s, ... up to 5 min), and
// at least as long as Meta asked.
func backoff(attempts int, hint time.Duration) time.Duration {
	d := min(time.Duration(1<<min(attempts, 9))*time.Second, 5*time.Minute)
	return max(d, hint)
}
