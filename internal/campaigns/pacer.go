package campaigns

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer is one phone number's shared token bucket: every campaign of the
// number on this node draws from it, so together they never exceed the
// number's throughput. The burst is a tenth of a second's worth (at
// least 1): Meta's own bucket allows a second's worth, so our jitter
// never reaches its limit.
type pacer struct {
	lim *rate.Limiter
	mu  sync.Mutex
	// until: a 130429 makes every sender of the number wait together
	// instead of each discovering the limit on its own.
	until time.Time
}

func newPacer(mps int) *pacer {
	return &pacer{lim: rate.NewLimiter(rate.Limit(mps), max(1, mps/10))}
}

// setRate follows a throughput change of the number (80 → 1,000).
func (p *pacer) setRate(mps int) {
	if p.lim.Limit() != rate.Limit(mps) {
		p.lim.SetLimit(rate.Limit(mps))
		p.lim.SetBurst(max(1, mps/10))
	}
}

// wait blocks until the number may send one more message.
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := time.Until(p.until)
		p.mu.Unlock()
		if d <= 0 {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return p.lim.Wait(ctx)
}

// backOff stops the number's senders for d (Meta said 130429).
func (p *pacer) backOff(d time.Duration) {
	p.mu.Lock()
	if t := time.Now().Add(d); t.After(p.until) {
		p.until = t
	}
	p.mu.Unlock()
}

// pacers hands out one pacer per phone number id.
type pacers struct {
	mu sync.Mutex
	m  map[string]*pacer
}

func (ps *pacers) get(phoneNumberID string, mps int) *pacer {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m == nil {
		ps.m = map[string]*pacer{}
	}
	p := ps.m[phoneNumberID]
	if p == nil {
		p = newPacer(mps)
		ps.m[phoneNumberID] = p
	}
	p.setRate(mps)
	return p
}
