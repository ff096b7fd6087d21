package campaigns

import (
	"sync"
	"sync/atomic"
	"time"
)

// progress counts what this engine did for one campaign run (the API reads
// the database; these feed the throttled live events).
type progress struct {
	accepted, failed, retried, excluded, throttled atomic.Int64
	mu                                             sync.Mutex
	started, lastEvent                             time.Time
}

func (p *progress) start(now time.Time) { p.started = now }

func (p *progress) count(res result) {
	switch {
	case res.out.WAMID != "":
		p.accepted.Add(1)
	case res.out.Retry != nil:
		p.retried.Add(1)
	default:
		p.failed.Add(1)
	}
}

// ProgressEvent is the campaign.progress payload.
type ProgressEvent struct {
	ID        int64   `json:"id"`
	Accepted  int64   `json:"accepted"`
	Failed    int64   `json:"failed"`
	Throttled int64   `json:"throttled"` // 130429 answers seen
	Rate      float64 `json:"rate"`      // accepted per second in this run
	Final     bool    `json:"final"`
}

// publishProgress sends a campaign.progress event at most every
// ProgressEvery (always when final).
func (r *run) publishProgress(final bool) {
	p := &r.stats
	now := time.Now()
	p.mu.Lock()
	if !final && now.Sub(p.lastEvent) < r.e.opts.ProgressEvery {
		p.mu.Unlock()
		return
	}
	p.lastEvent = now
	p.mu.Unlock()
	ev := ProgressEvent{ID: r.c.ID, Accepted: p.accepted.Load(), Failed: p.failed.Load(), Throttled: p.throttled.Load(), Final: final}
	if el := r.e.svc.clock.Now().Sub(p.started).Seconds(); el > 0 {
		ev.Rate = float64(ev.Accepted) / el
	}
	r.e.svc.publish(r.ctx, r.c.CompanyID, EventProgress, ev)
}
