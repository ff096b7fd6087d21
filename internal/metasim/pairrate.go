package metasim

import (
	"time"

	"golang.org/x/time/rate"
)

// The pair rate limit (131056): per business number and customer, a token
// bucket of PairBurst messages refilled at PairPerMinute (Meta: 10 a
// minute, bursts of 45; see defaultPairPerMinute).

type pairLimit struct{ perMinute, burst int }

// pairDefaults resolves Options: 0 means Meta's figures, a negative rate
// turns the limit off, and a burst is at least one message.
func pairDefaults(perMinute, burst int) (int, int) {
	if perMinute == 0 {
		perMinute = defaultPairPerMinute
	}
	if perMinute < 0 {
		return 0, 0
	}
	if burst <= 0 {
		burst = defaultPairBurst
	}
	return perMinute, burst
}

func (p *phone) pairLimit() pairLimit {
	p.mu.Lock()
	defer p.mu.Unlock()
	burst := p.PairBurst
	if burst <= 0 { // snapshots from before the burst was configurable
		burst = defaultPairBurst
	}
	return pairLimit{perMinute: p.PairPerMinute, burst: burst}
}

// pairAllow takes one token from the chat's bucket by the sim clock, so
// moving the clock refills it. Caller holds ch.mu.
func (ch *chat) pairAllow(l pairLimit, now time.Time) bool {
	if l.perMinute <= 0 {
		return true
	}
	lim := rate.Limit(float64(l.perMinute) / 60)
	if ch.pair == nil || ch.pair.Limit() != lim || ch.pair.Burst() != l.burst {
		ch.pair = rate.NewLimiter(lim, l.burst) // starts full
	}
	return ch.pair.AllowN(now, 1)
}
