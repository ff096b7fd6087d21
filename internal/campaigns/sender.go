package campaigns

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
)

// The life of one recipient (exactly once, same rule as the inbox):
//
//	pending ──claim (one tx per batch: contact, conversation, message
//	          queued/attempting, recipient sending — committed)──▶ sending
//	sending ──Meta 200──▶ accepted (wamid recorded; webhooks move the message on)
//	sending ──refused for now (130429, 131056, 5xx)──▶ pending again (not_before)
//	sending ──refused──▶ failed
//	sending ──ambiguous / crash──▶ stays sending: never claimed again; the
//	          inbox's status webhooks (callback data) or reconcile sweep settle
//	          its message.
//
// Only "pending" is ever claimed, so nothing recorded as attempted is sent
// again by any node.

// item is one claimed recipient on its way to Meta.
type item struct {
	r   conversa.CampaignRecipient
	msg conversa.Message
}

// result is one call's outcome on its way to the settler.
type result struct {
	item
	out      store.CampaignOutcome
	failed   bool // counts against the failure window
	pauseNow *conversa.Error
}

// run is one campaign being sent by this engine.
type run struct {
	e        *Engine
	c        conversa.Campaign
	ch       conversa.Channel
	tpl      conversa.Template
	prices   conversa.PriceTable // the company's, as the estimate used
	pacer    *pacer
	ctx      context.Context
	stop     context.CancelFunc
	work     chan item
	results  chan result
	inflight atomic.Int64
	tierLeft int // -1: no tier limit known
	stats    progress
}

func (e *Engine) runCampaign(parent context.Context, c conversa.Campaign) error {
	defer e.svc.store.ReleaseCampaign(context.WithoutCancel(parent), c.ID, e.opts.Node)
	r, err := e.newRun(parent, c)
	if r == nil || err != nil {
		return err
	}
	defer r.stop()
	go e.keepLease(r.ctx, r.stop, c.ID)
	var workers, settler sync.WaitGroup
	for range e.opts.Workers {
		workers.Go(r.worker)
	}
	settler.Go(r.settle)
	err = r.claimLoop()
	close(r.work)
	workers.Wait()
	close(r.results)
	settler.Wait()
	r.publishProgress(true)
	return err
}

// newRun loads what sending needs; nil when the campaign can't run now.
func (e *Engine) newRun(parent context.Context, c conversa.Campaign) (*run, error) {
	s := e.svc
	if c.Status == conversa.CampaignScheduled {
		ok, err := s.store.ChangeCampaign(parent, c.CompanyID, c.ID, store.CampaignChange{
			From: []conversa.CampaignStatus{conversa.CampaignScheduled}, To: conversa.CampaignRunning, Started: true})
		if err != nil || !ok {
			return nil, err
		}
	}
	ch, err := s.store.Channel(parent, c.CompanyID, c.ChannelID)
	if err != nil {
		return nil, err
	}
	if why := ch.SendBlock(true); why != nil {
		return nil, s.autoPause(parent, c, why)
	}
	tpl, err := s.template(parent, c)
	if err != nil {
		return nil, s.autoPause(parent, c, conversa.Errorf(conversa.ETEMPLATENOTAPPROVED,
			"The template can't be sent any more: %s", conversa.ErrorMessage(err, "en")).
			Pt("O modelo não pode mais ser enviado: %s", conversa.ErrorMessage(err, "pt-BR")))
	}
	prices, err := s.store.PriceTable(parent, c.CompanyID)
	if err != nil {
		return nil, err
	}
	limit, left, err := s.tierRemaining(parent, c)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		left = -1
	}
	r := &run{e: e, c: c, ch: ch, tpl: tpl, prices: prices, tierLeft: left, work: make(chan item, e.opts.Batch),
		results: make(chan result, e.opts.Batch), pacer: e.pacers.get(ch.WABA.PhoneNumberID, throughput(ch))}
	r.ctx, r.stop = context.WithCancel(parent)
	r.stats.start(s.clock.Now())
	return r, nil
}

// throughput is the number's messages per second (80 until Meta raises it).
func throughput(ch conversa.Channel) int {
	if ch.WABA == nil || ch.WABA.Throughput <= 0 {
		return conversa.DefaultThroughput
	}
	return min(ch.WABA.Throughput, conversa.MaxThroughput)
}

// claimLoop claims and records batches until the campaign is done,
// paused, cancelled, outside its hours or the engine stops.
func (r *run) claimLoop() error {
	check := time.Time{}
	for r.ctx.Err() == nil {
		if time.Since(check) > 250*time.Millisecond {
			if go_, err := r.stillRunning(); err != nil || !go_ {
				return err
			}
			check = time.Now()
		}
		n, err := r.claim()
		if r.ctx.Err() != nil {
			return nil // stopped (pause, lost lease, shutdown): nothing claimed was lost
		}
		if err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if done, err := r.finishIfDone(); err != nil || done {
			return err
		}
		sleep(r.ctx, 50*time.Millisecond)
	}
	return nil
}

// stillRunning re-reads the campaign and the number's health: a pause or
// cancel from any node, a channel that can't send templates any more
// (disconnected, red, billing), quality RED, sending hours and the tier
// stop it.
func (r *run) stillRunning() (bool, error) {
	s := r.e.svc
	c, err := s.store.Campaign(r.ctx, r.c.CompanyID, r.c.ID)
	if err != nil || c.Status != conversa.CampaignRunning {
		return false, err
	}
	ch, err := s.store.Channel(r.ctx, r.c.CompanyID, r.c.ChannelID)
	if err != nil {
		return false, err
	}
	if why := ch.SendBlock(true); why != nil {
		return false, r.pause(why)
	}
	if ch.WABA != nil && ch.WABA.Health.QualityRating == "RED" {
		return false, r.pause(conversa.Errorf(conversa.EUPSTREAM,
			"The number's quality rating is RED; Meta may restrict it. Improve the content or wait before resuming.").
			Pt("A qualidade do número está VERMELHA; a Meta pode restringi-lo. Melhore o conteúdo ou aguarde antes de retomar."))
	}
	r.pacer.setRate(throughput(ch))
	if ok, _ := c.Hours.Allows(s.clock.Now()); !ok {
		return false, nil // the engine's poll resumes it when the hours open
	}
	return true, nil
}

// claim records one batch as attempted (committed) and hands it to the
// workers. It returns how many recipients it claimed.
func (r *run) claim() (int, error) {
	limit := r.e.opts.Batch
	if r.tierLeft >= 0 {
		limit = min(limit, r.tierLeft)
	}
	if limit == 0 {
		return 0, nil
	}
	var items []item
	var excluded int
	s := r.e.svc
	// The claim is not cut short by a stop: a commit cancelled midway may
	// have happened anyway, leaving its recipients "sending" with nobody to
	// call Meta or hand them back. Finished, its batch goes to the workers,
	// which hand it back as pending after a stop.
	ctx := context.WithoutCancel(r.ctx)
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		claimed, err := tx.ClaimRecipients(ctx, r.c.CompanyID, r.c.ID, s.clock.Now(), limit)
		if err != nil || len(claimed) == 0 {
			return err
		}
		as := make([]store.CampaignAttempt, len(claimed))
		for i, rc := range claimed {
			as[i] = store.CampaignAttempt{Recipient: rc, Message: r.message(rc), SkipOptedIn: r.c.Category == conversa.CategoryMarketing}
		}
		var recorded []store.CampaignAttempt
		recorded, excluded, err = tx.BeginCampaignAttempts(ctx, as)
		items = make([]item, len(recorded))
		for i, a := range recorded {
			items[i] = item{r: a.Recipient, msg: a.Message}
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	r.stats.excluded.Add(int64(excluded))
	if r.tierLeft >= 0 {
		r.tierLeft -= len(items)
	}
	r.inflight.Add(int64(len(items)))
	for _, it := range items {
		r.work <- it // workers drain even after a stop, so this never blocks for good
	}
	return len(items), nil
}

// message is the stored outbound message for a recipient.
func (r *run) message(rc conversa.CampaignRecipient) conversa.Message {
	v := templateValues(r.tpl, rc.Params)
	req := inbox.TemplateRequest(r.tpl, v)
	payload, _ := json.Marshal(req)
	return conversa.Message{CompanyID: r.c.CompanyID, Direction: conversa.Outbound, Type: req.Type, Text: r.tpl.Render(v),
		Payload: payload, Status: conversa.StatusQueued, Category: r.tpl.Category,
		ExpectedCost: r.prices.Cost(conversa.PhoneRegion(rc.WAID), r.tpl.Category, false)}
}

// finishIfDone completes the campaign when nothing is pending or in
// flight, and pauses it when only the tier holds it back.
func (r *run) finishIfDone() (bool, error) {
	if r.inflight.Load() > 0 {
		return false, nil
	}
	s := r.e.svc
	// A node that just lost the lease may still be recording its last
	// calls (or handing unsent ones back): wait for them.
	busy, err := s.store.CampaignInFlight(r.ctx, r.c.CompanyID, r.c.ID, s.clock.Now().Add(-2*r.e.opts.Lease))
	if err != nil || busy > 0 {
		return false, err
	}
	counts, err := s.store.CampaignCounts(r.ctx, r.c.CompanyID, r.c.ID)
	if err != nil || counts[string(conversa.RecipientPending)] > 0 {
		if err == nil && r.tierLeft == 0 {
			return true, s.autoPause(r.ctx, r.c, tierReason(r.ch))
		}
		return false, err
	}
	_, err = s.change(r.ctx, r.c.CompanyID, r.c.ID, store.CampaignChange{From: []conversa.CampaignStatus{conversa.CampaignRunning},
		To: conversa.CampaignCompleted, Done: true})
	if conversa.ErrorCode(err) == conversa.ECONFLICT {
		err = nil // paused or cancelled meanwhile
	}
	return true, err
}

func tierReason(ch conversa.Channel) *conversa.Error {
	tier := ""
	if ch.WABA != nil {
		tier = ch.WABA.Health.MessagingLimitTier
	}
	return conversa.Errorf(conversa.ERATELIMIT, "The number reached its messaging limit (%s unique people in 24 h); resume when the rolling 24 h allow more, or after Meta raises the tier.", tier).
		Pt("O número atingiu seu limite de mensagens (%s pessoas diferentes em 24 h); retome quando as últimas 24 h permitirem mais, ou depois que a Meta aumentar o nível.", tier)
}

// pause pauses the campaign with reason and stops this run at once: the
// recipients claimed but not sent yet go back to pending instead of
// reaching Meta.
func (r *run) pause(reason *conversa.Error) error {
	err := r.e.svc.autoPause(r.ctx, r.c, reason)
	r.stop()
	return err
}

// autoPause pauses a running campaign with the reason shown to people.
func (s *Service) autoPause(ctx context.Context, c conversa.Campaign, reason *conversa.Error) error {
	_, err := s.change(context.WithoutCancel(ctx), c.CompanyID, c.ID, store.CampaignChange{
		From: []conversa.CampaignStatus{conversa.CampaignRunning, conversa.CampaignScheduled}, To: conversa.CampaignPaused, Reason: reason})
	if conversa.ErrorCode(err) == conversa.ECONFLICT {
		return nil
	}
	s.log.Info("campaigns: paused", "campaign_id", c.ID, "reason", reason.Message)
	return err
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
