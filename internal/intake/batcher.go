package intake

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/store"
)

// pending is one accepted delivery waiting to be stored: its rows (one per
// company it names) and where its handler waits for the commit.
type pending struct {
	rows []store.NewWebhookEvent
	done chan error // buffered: the batcher never blocks on a gone handler
}

// lingerGap ends a batch's wait once no delivery arrived for this long.
const lingerGap = 100 * time.Microsecond

var (
	errOverloaded = errors.New("intake: queue full")
	errStopped    = errors.New("intake: shutting down")
)

// batcher is the group commit: a few writer goroutines (one on SQLite,
// whose single writer would serialise more anyway) take whatever
// deliveries have queued up or keep arriving (collect), store them with one
// INSERT, and only then release the waiting handlers. Under load many
// deliveries share one commit (one fsync on PostgreSQL, one write lock and
// WAL append on SQLite); when idle, a lone delivery is written after
// lingerGap. The queue is bounded: when full, submit fails fast and
// the handler answers 503 so Meta retries later, instead of memory growing
// without limit.
type batcher struct {
	in      chan *pending
	write   func(ctx context.Context, rows []store.NewWebhookEvent) error
	maxRows int
	linger  time.Duration
	gap     time.Duration // lingerGap (tests widen it)
	timeout time.Duration // for one batch's transaction

	arrivals rateMeter // deliveries submitted

	mu     sync.RWMutex // guards closed against submits racing Stop
	closed bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

func newBatcher(queue, maxRows int, linger time.Duration, write func(context.Context, []store.NewWebhookEvent) error) *batcher {
	return &batcher{in: make(chan *pending, queue), write: write, maxRows: maxRows, linger: linger,
		gap: lingerGap, timeout: 30 * time.Second, stop: make(chan struct{})}
}

func (b *batcher) start(writers int) {
	for range writers {
		b.wg.Add(1)
		go b.run()
	}
}

// submit queues p without blocking.
func (b *batcher) submit(p *pending) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errStopped
	}
	select {
	case b.in <- p:
		b.arrivals.add(time.Now())
		return nil
	default:
		return errOverloaded
	}
}

// shutdown refuses new deliveries, stores every queued one and waits for
// the writers (or ctx).
func (b *batcher) shutdown(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.stop)
	}
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *batcher) run() {
	defer b.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case p := <-b.in:
			b.flush(b.collect(p, timer))
		case <-b.stop:
			b.drain(timer)
			return
		}
	}
}

// collect adds to first whatever is already queued, then keeps the batch
// open while deliveries keep coming: until none arrived for lingerGap,
// the batch is full, or it has waited linger in all. Under load the batch
// grows to what is in flight (one commit instead of dozens: a SQLite commit
// costs as much as a hundred rows); a lone delivery waits only lingerGap.
func (b *batcher) collect(first *pending, timer *time.Timer) []*pending {
	batch, rows := []*pending{first}, len(first.rows)
queued:
	for rows < b.maxRows {
		select {
		case p := <-b.in:
			batch, rows = append(batch, p), rows+len(p.rows)
		default:
			break queued
		}
	}
	if b.linger <= 0 {
		return batch
	}
	deadline := time.Now().Add(b.linger)
	for rows < b.maxRows {
		wait := min(b.gap, time.Until(deadline))
		if wait <= 0 {
			return batch
		}
		timer.Reset(wait)
		select {
		case p := <-b.in:
			timer.Stop()
			batch, rows = append(batch, p), rows+len(p.rows)
		case <-timer.C:
			return batch
		}
	}
	return batch
}

// drain stores what is still queued at shutdown.
func (b *batcher) drain(timer *time.Timer) {
	for {
		select {
		case p := <-b.in:
			b.flush(b.collect(p, timer))
		default:
			return
		}
	}
}

// flush stores a batch and answers its handlers. If the batch fails as a
// whole, each delivery is retried alone, so one poison row cannot fail the
// deliveries that happened to share its transaction.
func (b *batcher) flush(batch []*pending) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	var rows []store.NewWebhookEvent
	for _, p := range batch {
		rows = append(rows, p.rows...)
	}
	err := b.write(ctx, rows)
	if err == nil || len(batch) == 1 {
		for _, p := range batch {
			p.done <- err
		}
		return
	}
	for _, p := range batch {
		p.done <- b.write(ctx, p.rows)
	}
}
