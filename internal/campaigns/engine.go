package campaigns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// EngineOptions tune the sender; zero values take the defaults.
type EngineOptions struct {
	Node  string        // lease owner name; default random
	Poll  time.Duration // how often due campaigns are looked for; default 1 s
	Lease time.Duration // how long a lease lasts without renewal; default 30 s
	// Batch is how many recipients one transaction claims and records
	// (and how many outcomes one transaction settles); default 200.
	Batch int
	// Workers is how many calls to Meta one campaign keeps in flight;
	// default 64 (enough for 1,000 msg/s at 60 ms per call).
	Workers int
	// FailureWindow and FailureRate: the campaign pauses itself when more
	// than FailureRate of the last FailureWindow outcomes failed
	// (default 200 and 0.2).
	FailureWindow int
	FailureRate   float64
	// ProgressEvery throttles campaign.progress events; default 1 s.
	ProgressEvery time.Duration
}

func (o *EngineOptions) defaults() {
	if o.Node == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		o.Node = "node-" + hex.EncodeToString(b)
	}
	o.Poll = cmpDur(o.Poll, time.Second)
	o.Lease = cmpDur(o.Lease, 30*time.Second)
	o.ProgressEvery = cmpDur(o.ProgressEvery, time.Second)
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.Workers <= 0 {
		o.Workers = 64
	}
	if o.FailureWindow <= 0 {
		o.FailureWindow = 200
	}
	if o.FailureRate <= 0 {
		o.FailureRate = 0.2
	}
}

func cmpDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Engine sends due campaigns. Run one per process; on PostgreSQL several
// nodes share the work through campaign leases.
type Engine struct {
	svc    *Service
	opts   EngineOptions
	pacers pacers
	mu     sync.Mutex
	active map[int64]bool // campaigns this engine is sending
	wg     sync.WaitGroup
}

// NewEngine builds an engine over the service.
func (s *Service) NewEngine(o EngineOptions) *Engine {
	o.defaults()
	return &Engine{svc: s, opts: o, active: map[int64]bool{}}
}

// Run sends until ctx ends, then waits for in-flight calls to be recorded.
func (e *Engine) Run(ctx context.Context) error {
	defer e.wg.Wait()
	t := time.NewTicker(e.opts.Poll)
	defer t.Stop()
	for {
		e.pollOnce(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// pollOnce starts a sender for every due campaign this node can lease.
func (e *Engine) pollOnce(ctx context.Context) {
	due, err := e.svc.store.DueCampaigns(ctx, e.svc.clock.Now())
	if err != nil {
		e.svc.log.Warn("campaigns: list due campaigns", "err", err)
		return
	}
	for _, c := range due {
		e.mu.Lock()
		busy := e.active[c.ID]
		e.mu.Unlock()
		if busy {
			continue
		}
		ok, err := e.svc.store.LeaseCampaign(ctx, c.ID, e.opts.Node, e.svc.clock.Now().Add(e.opts.Lease))
		if err != nil || !ok {
			continue
		}
		e.mu.Lock()
		e.active[c.ID] = true
		e.mu.Unlock()
		e.wg.Add(1)
		go func(c conversa.Campaign) {
			defer e.wg.Done()
			defer func() { e.mu.Lock(); delete(e.active, c.ID); e.mu.Unlock() }()
			if err := e.runCampaign(ctx, c); err != nil && ctx.Err() == nil {
				e.svc.log.Warn("campaigns: sender stopped", "campaign_id", c.ID, "err", err)
			}
		}(c)
	}
}

// keepLease renews the lease until ctx ends; losing it (another node took
// over after we stalled) stops this sender at once.
func (e *Engine) keepLease(ctx context.Context, stop context.CancelFunc, id int64) {
	t := time.NewTicker(e.opts.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ok, err := e.svc.store.LeaseCampaign(ctx, id, e.opts.Node, e.svc.clock.Now().Add(e.opts.Lease))
			if err == nil && !ok {
				stop()
				return
			}
		}
	}
}
