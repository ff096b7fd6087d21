package intake

import "sync"

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
