package intake

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/store"
)

// batchLog records the batches a batcher writes, by delivery channel id.
type batchLog struct {
	mu      sync.Mutex
	batches [][]int64
}

func (l *batchLog) write(_ context.Context, rows []store.NewWebhookEvent) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ChannelID
	}
	l.mu.Lock()
	l.batches = append(l.batches, ids)
	l.mu.Unlock()
	return nil
}

func submitOne(t *testing.T, b *batcher, id int64) chan error {
	t.Helper()
	p := &pending{rows: []store.NewWebhookEvent{{ChannelID: id}}, done: make(chan error, 1)}
	if err := b.submit(p); err != nil {
		t.Fatal(err)
	}
	return p.done
}

// A batch stays open while deliveries keep arriving within the gap, and
// closes once they pause: under load many deliveries share one commit, and
// a lone one is not held back.
func TestBatchStaysOpenWhileDeliveriesArrive(t *testing.T) {
	var log batchLog
	b := newBatcher(16, 100, 2*time.Second, log.write)
	b.gap = 200 * time.Millisecond // wide enough for a slow test machine
	b.start(1)
	defer b.shutdown(context.Background())

	var waits []chan error
	for id := int64(1); id <= 3; id++ { // 20 ms apart: inside the gap
		waits = append(waits, submitOne(t, b, id))
		time.Sleep(20 * time.Millisecond)
	}
	for _, w := range waits {
		if err := <-w; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-submitOne(t, b, 4); err != nil { // after the gap: a batch of its own
		t.Fatal(err)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.batches) != 2 || len(log.batches[0]) != 3 || log.batches[1][0] != 4 {
		t.Fatalf("batches = %v, want [[1 2 3] [4]]", log.batches)
	}
}

// However fast deliveries keep coming, a batch is written once it has
// waited linger, or once it is full.
func TestBatchWaitIsBounded(t *testing.T) {
	var log batchLog
	b := newBatcher(64, 4, 60*time.Millisecond, log.write)
	b.gap = time.Second
	b.start(1)
	defer b.shutdown(context.Background())

	began := time.Now()
	if err := <-submitOne(t, b, 1); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(began); waited > time.Second/2 {
		t.Fatalf("a lone delivery waited %s, linger is 60ms", waited)
	}
	var waits []chan error
	for id := int64(2); id <= 5; id++ {
		waits = append(waits, submitOne(t, b, id))
	}
	for _, w := range waits {
		<-w
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.batches) != 2 || len(log.batches[1]) != 4 {
		t.Fatalf("batches = %v, want [[1] [2 3 4 5]] (full at 4 rows)", log.batches)
	}
}
