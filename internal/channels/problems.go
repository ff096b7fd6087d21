package channels

import (
	"context"
	"errors"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Meta errors about the channel itself (whatsapp.ChannelProblem: token,
// permissions, account locked, number not registered, policy block,
// payment) reach Conversa three ways: an "errors" account webhook, a send
// Meta refuses, and a failed status webhook. All three are recorded here,
// so the channel's status, its readiness checklist and every sender see
// the same facts.

// ChannelModifier is the part of the store that records a problem on a
// channel (*store.Store).
type ChannelModifier interface {
	ModifyChannel(ctx context.Context, companyID, id int64, fn func(*conversa.Channel) error) (conversa.Channel, error)
}

// RecordSendError records err, met at `at` while sending from the channel
// (Meta's answer to a send, or a failed status webhook), when it is about
// the channel rather than one message; other errors change nothing and
// cost no write. It returns the channel as it is now (zero when unchanged),
// whose SendBlock says what senders must stop.
func RecordSendError(ctx context.Context, st ChannelModifier, companyID, channelID int64, at time.Time, err error) (conversa.Channel, error) {
	if !whatsapp.ChannelProblem(err) {
		return conversa.Channel{}, nil
	}
	ch, merr := st.ModifyChannel(context.WithoutCancel(ctx), companyID, channelID, func(c *conversa.Channel) error {
		if c.WABA != nil && c.Status != conversa.ChannelDisconnected && stamp(&c.WABA.Health, "error", at) {
			applyMetaError(c, err, at)
		}
		return nil
	})
	if conversa.ErrorCode(merr) == conversa.ENOTFOUND {
		return conversa.Channel{}, nil // the channel is gone: nothing to stop
	}
	return ch, merr
}

// stamp records that an event of kind at `at` is applied, or reports false
// when a newer one of that kind already was: Meta reorders webhooks, and a
// late one must not undo a newer fact.
func stamp(h *conversa.WABAHealth, kind string, at time.Time) bool {
	if seen, ok := h.EventTime[kind]; ok && at.Before(seen) {
		return false
	}
	if h.EventTime == nil {
		h.EventTime = map[string]time.Time{}
	}
	h.EventTime[kind] = at
	return true
}

// applyMetaError applies a channel-level Meta error. A payment failure
// (131042) only holds templates: Meta still delivers free service replies
// without a payment method, so the channel stays connected and the
// checklist's payment item turns red — unless a live read made after the
// failure found a payment method. Every other such code (190 token, 131031
// account locked, 133010 number not registered, 368 policy block, missing
// permissions) turns the channel red until an admin acts.
func applyMetaError(c *conversa.Channel, err error, at time.Time) {
	h := &c.WABA.Health
	if whatsapp.IsPaymentProblem(err) {
		if h.CheckedAt == nil || !h.PaymentMethod || !at.Before(*h.CheckedAt) {
			h.PaymentRefused = true
		}
		return
	}
	setError(c, whatsapp.ToConversa(err))
	h.ProblemCode = metaCode(err)
	if h.ProblemCode == whatsapp.CodeNotRegistered {
		h.Registered = false
	}
}

// setError turns a live channel red with the reason an admin reads.
func setError(c *conversa.Channel, why *conversa.Error) {
	c.WABA.Health.Problem, c.WABA.Health.ProblemCode = why, 0
	if c.Status == conversa.ChannelConnected {
		c.Status = conversa.ChannelError
	}
}

// clearDisproved lifts a problem recorded from a Meta error that the live
// read h (just made with the channel's token) shows is over: the token
// works again (190), or the number is registered again (133010). Locks and
// policy blocks are lifted by Meta's account webhooks instead.
func clearDisproved(c *conversa.Channel, read conversa.WABAHealth) {
	h := &c.WABA.Health
	if read.PaymentMethod {
		h.PaymentRefused = false
	}
	switch {
	case h.ProblemCode == whatsapp.CodeAccessToken, h.ProblemCode == whatsapp.CodeNotRegistered && read.Registered:
		h.Problem, h.ProblemCode = nil, 0
		if c.Status == conversa.ChannelError {
			c.Status = conversa.ChannelConnected
		}
	}
}

func metaCode(err error) int {
	var e *whatsapp.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
