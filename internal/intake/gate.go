package intake

import (
	"context"
	"sync"
	"time"
)

// writerGate gives the intake's batch commits priority over webhook
// processing. On SQLite both need the single writer connection; on
// PostgreSQL both need the same few CPUs (ours and the database's). Without
// the gate, processing (each sink call is a transaction of its own) takes
// most of either during a burst, and the acknowledgements Meta waits for
// queue behind it. With it, a sink call starts only while no batch is being
// written or waiting, so processing still runs between commits and drains
// the stored backlog as soon as the burst eases. Holders of one side share
// the gate (several batch writers on PostgreSQL, several workers).
type writerGate struct {
	mu            sync.Mutex
	cond          sync.Cond
	first, second int // holders on each side
	waiting       int // batch writers waiting for the gate
}

func newWriterGate() *writerGate {
	g := &writerGate{}
	g.cond.L = &g.mu
	return g
}

// lockFirst waits only for sink calls already running.
func (g *writerGate) lockFirst() {
	g.mu.Lock()
	g.waiting++
	for g.second > 0 {
		g.cond.Wait()
	}
	g.waiting--
	g.first++
	g.mu.Unlock()
}

func (g *writerGate) unlockFirst() {
	g.mu.Lock()
	g.first--
	g.cond.Broadcast()
	g.mu.Unlock()
}

// lockSecond waits until no batch writer holds or wants the gate.
func (g *writerGate) lockSecond() {
	g.mu.Lock()
	for g.first > 0 || g.waiting > 0 {
		g.cond.Wait()
	}
	g.second++
	g.mu.Unlock()
}

func (g *writerGate) unlockSecond() {
	g.mu.Lock()
	g.second--
	g.cond.Broadcast()
	g.mu.Unlock()
}

// Beyond the writer, processing also leaves most of the CPU to the
// acknowledgements while deliveries arrive faster than burstRate: answering
// fast is what keeps Meta from timing out and retrying (or disabling our
// webhooks), and the stored backlog drains once the burst eases. During a
// burst each sink call is followed by a pause fifteen times its length, so
// processing keeps a sixteenth of its speed and never stops.
const (
	burstRate    = 5000 // deliveries per second
	burstPause   = 15   // pause per unit of sink time during a burst
	maxStepAside = 100 * time.Millisecond
)

// bursting reports whether deliveries arrive faster than burstRate.
func (in *Intake) bursting() bool { return in.batch.arrivals.perSecond(time.Now()) >= burstRate }

// stepAside pauses after a sink call that took d, during a burst.
func (in *Intake) stepAside(ctx context.Context, d time.Duration) {
	if !in.bursting() {
		return
	}
	t := time.NewTimer(min(burstPause*d, maxStepAside))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// rateMeter counts events in 100 ms buckets.
type rateMeter struct {
	mu        sync.Mutex
	bucket    int64 // the current bucket: time / 100 ms
	cur, prev int   // events in the current and the previous bucket
}

const rateBucket = 100 * time.Millisecond

func (m *rateMeter) add(now time.Time) {
	m.mu.Lock()
	m.roll(now)
	m.cur++
	m.mu.Unlock()
}

// perSecond is the rate of the last full bucket.
func (m *rateMeter) perSecond(now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.roll(now)
	return m.prev * int(time.Second/rateBucket)
}

func (m *rateMeter) roll(now time.Time) {
	b := now.UnixNano() / int64(rateBucket)
	switch {
	case b == m.bucket:
		return
	case b == m.bucket+1:
		m.prev = m.cur
	default:
		m.prev = 0 // idle for a whole bucket or more
	}
	m.bucket, m.cur = b, 0
}
