package campaigns

import (
	"context"
	"errors"
	"time"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// worker sends claimed recipients at the number's pace. After a stop it
// only hands unsent items back (pending again): they never reached Meta.
func (r *run) worker() {
	for it := range r.work {
		if r.ctx.Err() != nil || r.pacer.wait(r.ctx) != nil {
			r.results <- r.release(it, time.Time{})
			continue
		}
		req := inbox.TemplateRequest(r.tpl, templateValues(r.tpl, it.r.Params))
		req.To, req.BizOpaqueCallbackData = it.r.WAID, inbox.CallbackData(it.msg.ID)
		// A started call is never cut short by a pause: cancelling it would
		// leave its outcome unknown. The client has its own timeout.
		res, err := r.e.svc.graph.Send(context.WithoutCancel(r.ctx), r.ch.WABA.AccessToken, r.ch.WABA.PhoneNumberID, req)
		r.results <- r.classify(it, res, err)
	}
}

// release hands an item back as pending, from notBefore on.
func (r *run) release(it item, notBefore time.Time) result {
	if notBefore.IsZero() {
		notBefore = r.e.svc.clock.Now()
	}
	return result{item: it, out: store.CampaignOutcome{CompanyID: it.r.CompanyID, RecipientID: it.r.ID, MessageID: it.msg.ID, Retry: &notBefore}}
}

// Back-offs when Meta gives no hint.
const (
	throughputBackoff = time.Second
	pairBackoff       = time.Minute
	transientBackoff  = 5 * time.Second
)

// classify turns Meta's answer into what is recorded and what the sender
// does: 130429 stops the whole number for a moment, 131056 only that
// recipient, 131048 pauses the campaign; an ambiguous answer stays
// "sending" for the inbox's reconciliation.
func (r *run) classify(it item, res *whatsapp.SendResult, err error) result {
	out := store.CampaignOutcome{CompanyID: it.r.CompanyID, RecipientID: it.r.ID, MessageID: it.msg.ID}
	var we *whatsapp.Error
	errors.As(err, &we)
	code := 0
	if we != nil {
		code = we.Code
	}
	switch {
	case err == nil:
		out.WAMID = res.MessageID()
		return result{item: it, out: out}
	case whatsapp.IsAmbiguous(err):
		out.Ambiguous = true
		return result{item: it, out: out, failed: true}
	case code == whatsapp.CodeThroughput:
		r.stats.throttled.Add(1)
		r.pacer.backOff(max(whatsapp.BackoffHint(err), throughputBackoff))
		return r.release(it, time.Time{})
	case code == whatsapp.CodePairRateLimit:
		return r.release(it, r.e.svc.clock.Now().Add(max(whatsapp.BackoffHint(err), pairBackoff)))
	case whatsapp.Retryable(err):
		res := r.release(it, r.e.svc.clock.Now().Add(max(whatsapp.BackoffHint(err), transientBackoff)))
		res.failed = true
		return res
	}
	ce := whatsapp.ToConversa(err)
	out.ErrorCode, out.Error, out.ErrorPT = code, ce.Message, ce.PT
	res2 := result{item: it, out: out, failed: true}
	switch {
	case code == 131048:
		res2.pauseNow = conversa.Errorf(conversa.ERATELIMIT, "Meta's spam rate limit (131048): too many people are blocking or reporting these messages. Review the content and audience before resuming.").
			Pt("Limite anti-spam da Meta (131048): muitas pessoas estão bloqueando ou denunciando estas mensagens. Revise o conteúdo e o público antes de retomar.")
	case whatsapp.ChannelProblem(err):
		res2.pauseNow = r.channelProblem(err)
		r.stop() // the workers hand the rest back instead of meeting the same refusal
	}
	return res2
}

// channelProblem records a Meta error about the channel itself (token,
// lock, registration, policy, billing) on the channel, as the inbox does,
// and is the reason the campaign pauses: every other send would fail the
// same way.
func (r *run) channelProblem(err error) *conversa.Error {
	s := r.e.svc
	ch, rerr := channels.RecordSendError(r.ctx, s.store, r.c.CompanyID, r.c.ChannelID, s.clock.Now(), err)
	if rerr != nil {
		s.log.Warn("campaigns: channel problem not recorded", "channel_id", r.c.ChannelID, "err", rerr)
	}
	if why := ch.SendBlock(true); ch.ID != 0 && why != nil {
		return why
	}
	return whatsapp.ToConversa(err)
}

// settle records outcomes in batches (one transaction per batch), feeds
// the failure window and publishes throttled progress.
func (r *run) settle() {
	win := newFailureWindow(r.e.opts.FailureWindow)
	batch := make([]result, 0, r.e.opts.Batch)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		r.write(batch)
		for _, res := range batch {
			r.stats.count(res)
			if reason := r.judge(win, res); reason != nil {
				_ = r.e.svc.autoPause(r.ctx, r.c, reason)
				r.stop()
			}
		}
		r.inflight.Add(-int64(len(batch)))
		batch = batch[:0]
		r.publishProgress(false)
	}
	for {
		select {
		case res, ok := <-r.results:
			if !ok {
				flush()
				return
			}
			if batch = append(batch, res); len(batch) >= cap(batch) {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// write stores a batch of outcomes, retrying a few times: the calls
// happened, so their outcome matters. If the database stays away the
// recipients stay "sending" (never resent) and the inbox's status webhooks
// or reconcile sweep settle their messages.
func (r *run) write(batch []result) {
	ctx := context.WithoutCancel(r.ctx)
	for attempt := 0; ; attempt++ {
		outs := make([]store.CampaignOutcome, len(batch))
		for i, res := range batch {
			outs[i] = res.out
		}
		err := r.e.svc.store.InTx(ctx, func(tx *store.Store) error { return tx.SettleCampaignAttempts(ctx, outs) })
		if err == nil || attempt >= 5 {
			if err != nil {
				r.e.svc.log.Error("campaigns: outcomes not recorded; the reconcile sweep will settle them", "err", err)
			}
			return
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
}

// judge returns why the campaign must pause now, if it must.
func (r *run) judge(win *failureWindow, res result) *conversa.Error {
	if res.pauseNow != nil {
		return res.pauseNow
	}
	if res.out.Retry != nil && !res.failed {
		return nil // throttled or handed back: not a verdict on the content
	}
	if rate, over := win.add(res.failed, r.e.opts.FailureRate); over {
		return conversa.Errorf(conversa.EUPSTREAM, "%.0f%% of the last %d messages failed; check the list and the template before resuming.", rate*100, win.size).
			Pt("%.0f%% das últimas %d mensagens falharam; confira a lista e o modelo antes de retomar.", rate*100, win.size)
	}
	return nil
}

// failureWindow is the outcome of the last size sends.
type failureWindow struct {
	size, n, next, failed int
	ring                  []bool
}

func newFailureWindow(size int) *failureWindow {
	return &failureWindow{size: size, ring: make([]bool, size)}
}

// add records one outcome and reports the failure rate and whether it is
// over threshold; it judges only once a quarter of the window is filled,
// so the first unlucky sends don't stop a campaign.
func (w *failureWindow) add(failed bool, threshold float64) (float64, bool) {
	if w.n == w.size && w.ring[w.next] {
		w.failed--
	}
	w.ring[w.next] = failed
	if failed {
		w.failed++
	}
	w.next = (w.next + 1) % w.size
	w.n = min(w.n+1, w.size)
	rate := float64(w.failed) / float64(w.n)
	return rate, w.n >= max(1, w.size/4) && rate > threshold
}
