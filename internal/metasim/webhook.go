package metasim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Webhook delivery. Events are queued by the send path and POSTed by
// workers, one shard per ordering key (number + customer), so one
// customer's sent → delivered → read normally arrive in order while
// retries (exponential back-off) and the optional duplication produce the
// reordering and duplicates Meta's own delivery has.

type envelope struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID      string   `json:"id"`
	Time    int64    `json:"time,omitempty"`
	Changes []change `json:"changes"`
}

type change struct {
	Value any    `json:"value"`
	Field string `json:"field"`
}

// delivery is one webhook POST and its attempts; the control API lists them.
// Under backlog a worker merges queued events of one account into a single
// POST (several entries), as Meta batches, so a slow receiver still keeps up.
type delivery struct {
	ID         int64           `json:"id"`
	WABAID     string          `json:"waba_id"`
	Field      string          `json:"field"`  // of the first event
	Events     int             `json:"events"` // entries in the body
	URL        string          `json:"url"`
	State      string          `json:"state"` // delivered, retrying, failed, dropped
	Attempts   int             `json:"attempts"`
	LastStatus int             `json:"last_status,omitempty"`
	LastError  string          `json:"last_error,omitempty"`
	Created    time.Time       `json:"created"`
	Body       json.RawMessage `json:"body,omitempty"`
	Duplicate  bool            `json:"duplicate,omitempty"`

	items   []entry // until the body is built
	key     string
	tracked bool      // in dispatcher.pending (failed once, waiting to retry)
	nextAt  time.Time // when the retry is due (under dispatcher.pendMu)
}

const (
	deliveryLogSize = 2000
	shardQueue      = 65536
	maxBatch        = 100
	maxBackoff      = 5 * time.Minute
)

type dispatcher struct {
	s           *Sim
	client      *http.Client
	shards      []chan *delivery
	retryBase   time.Duration
	maxAttempts int
	stop        chan struct{}
	wg          sync.WaitGroup
	seq         atomic.Int64
	dupRate     atomic.Uint64 // float64 bits
	stats       struct{ queued, delivered, dropped, failed atomic.Int64 }

	mu   sync.Mutex
	ring []*delivery
	next int

	// Deliveries waiting to be retried, kept for snapshots: Meta retries
	// for days, so a restart must not lose them. Only failed deliveries
	// enter the set, so the hot path never takes pendMu.
	pendMu  sync.Mutex
	pending map[*delivery]struct{}
}

func newDispatcher(s *Sim, o Options) *dispatcher {
	d := &dispatcher{s: s, client: o.HTTPClient, retryBase: o.WebhookRetryBase,
		maxAttempts: o.WebhookMaxAttempts, stop: make(chan struct{}), pending: map[*delivery]struct{}{}}
	if d.retryBase <= 0 {
		d.retryBase = time.Second
	}
	if d.maxAttempts <= 0 {
		d.maxAttempts = 10
	}
	n := o.WebhookWorkers
	if n <= 0 {
		n = 8
	}
	for range n {
		ch := make(chan *delivery, shardQueue)
		d.shards = append(d.shards, ch)
		d.wg.Add(1)
		go d.work(ch)
	}
	return d
}

func (d *dispatcher) close() {
	close(d.stop)
	d.wg.Wait()
}

// emit queues one change for the account's subscriber. It never blocks:
// a full queue drops the event (recorded as "dropped").
func (s *Sim) emit(wabaID, field string, value any, key string) {
	// Like Meta, nothing is delivered (or logged) while no app is subscribed.
	if s.callbackFor(wabaID) == "" {
		return
	}
	e := entry{ID: wabaID, Changes: []change{{Value: value, Field: field}}}
	if field != "messages" {
		e.Time = s.now().Unix()
	}
	s.hooks.stats.queued.Add(1)
	s.hooks.enqueue(&delivery{WABAID: wabaID, Field: field, Events: 1, Created: time.Now(),
		items: []entry{e}, key: key})
}

func (d *dispatcher) enqueue(dv *delivery) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(dv.key))
	select {
	case d.shards[h.Sum32()%uint32(len(d.shards))] <- dv:
	default:
		dv.ID, dv.State = d.seq.Add(1), "dropped"
		d.stats.dropped.Add(int64(max(dv.Events, len(dv.items))))
		d.record(dv)
	}
}

func (d *dispatcher) record(dv *delivery) {
	d.mu.Lock()
	if len(d.ring) < deliveryLogSize {
		d.ring = append(d.ring, dv)
	} else {
		d.ring[d.next] = dv
		d.next = (d.next + 1) % deliveryLogSize
	}
	d.mu.Unlock()
}

// update mutates a delivery under the log lock (the control API reads it).
func (d *dispatcher) update(f func()) {
	d.mu.Lock()
	f()
	d.mu.Unlock()
}

// work delivers one shard's queue; held is an event taken while batching
// that belongs to another account, delivered next.
func (d *dispatcher) work(ch chan *delivery) {
	defer d.wg.Done()
	var held *delivery
	for {
		dv := held
		held = nil
		if dv == nil {
			select {
			case <-d.stop:
				return
			case dv = <-ch:
			}
		}
		if dv.Body == nil {
			held = d.batch(dv, ch)
			if !d.prepare(dv) {
				continue
			}
		}
		d.attempt(dv)
	}
}

// batch merges already-queued fresh events of the same account into dv,
// returning the first event it could not merge.
func (d *dispatcher) batch(dv *delivery, ch chan *delivery) *delivery {
	for len(dv.items) < maxBatch {
		select {
		case next := <-ch:
			if next.Body != nil || next.WABAID != dv.WABAID {
				return next
			}
			dv.items = append(dv.items, next.items...)
		default:
			return nil
		}
	}
	return nil
}

// prepare builds the body of a fresh delivery and logs it; false when the
// account has no subscriber any more.
func (d *dispatcher) prepare(dv *delivery) bool {
	url := d.s.callbackFor(dv.WABAID)
	if url == "" {
		return false
	}
	body, _ := json.Marshal(envelope{Object: "whatsapp_business_account", Entry: dv.items})
	dv.ID, dv.URL, dv.Body, dv.Events, dv.items, dv.State = d.seq.Add(1), url, body, len(dv.items), nil, "queued"
	d.record(dv)
	return true
}

// attempt POSTs dv once, scheduling a retry on failure.
func (d *dispatcher) attempt(dv *delivery) {
	status, err := d.post(dv.URL, dv.Body)
	ok := err == nil && status >= 200 && status < 300
	retry, attempts := false, 0
	d.update(func() {
		dv.Attempts++
		attempts = dv.Attempts
		dv.LastStatus = status
		dv.LastError = ""
		if err != nil {
			dv.LastError = err.Error()
		}
		switch {
		case ok:
			dv.State = "delivered"
		case dv.Attempts >= d.maxAttempts:
			dv.State = "failed"
		default:
			dv.State, retry = "retrying", true
		}
	})
	switch {
	case ok:
		d.untrack(dv)
		d.stats.delivered.Add(int64(dv.Events))
		d.maybeDuplicate(dv)
	case !retry:
		d.untrack(dv)
		d.stats.failed.Add(int64(dv.Events))
	default:
		d.retryLater(dv, attempts)
	}
}

// WebhookStats counts webhook events (not POSTs: one POST may carry many).
type WebhookStats struct {
	Queued    int64 `json:"queued"`
	Delivered int64 `json:"delivered"`
	Dropped   int64 `json:"dropped"` // queue full
	Failed    int64 `json:"failed"`  // gave up after the last attempt
}

// WebhookStats reports event counts since start.
func (s *Sim) WebhookStats() WebhookStats {
	st := &s.hooks.stats
	return WebhookStats{Queued: st.queued.Load(), Delivered: st.delivered.Load(),
		Dropped: st.dropped.Load(), Failed: st.failed.Load()}
}

// retryLater schedules the next attempt after base·2^(attempts-1), capped.
func (d *dispatcher) retryLater(dv *delivery, attempts int) {
	wait := time.Duration(float64(d.retryBase) * math.Pow(2, float64(attempts-1)))
	d.schedule(dv, min(wait, maxBackoff))
}

// schedule re-queues dv after wait, unless the dispatcher stopped (the
// delivery then stays pending and goes into the snapshot).
func (d *dispatcher) schedule(dv *delivery, wait time.Duration) {
	d.track(dv, time.Now().Add(wait))
	time.AfterFunc(wait, func() {
		select {
		case <-d.stop:
		default:
			d.enqueue(dv)
		}
	})
}

// maybeDuplicate re-sends a delivered body as a new delivery, at the
// configured rate, to exercise receivers' idempotency.
func (d *dispatcher) maybeDuplicate(dv *delivery) {
	rate := math.Float64frombits(d.dupRate.Load())
	if dv.Duplicate || rate <= 0 || rand.Float64() >= rate {
		return
	}
	dup := &delivery{ID: d.seq.Add(1), WABAID: dv.WABAID, Field: dv.Field, Events: dv.Events, URL: dv.URL,
		State: "queued", Created: time.Now(), Body: dv.Body, Duplicate: true, key: dv.key}
	d.record(dup)
	d.enqueue(dup)
}

func (d *dispatcher) post(url string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", "sha256="+sign(d.s.secret(), body))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// sign is hex(HMAC-SHA256(secret, body)), the X-Hub-Signature-256 value.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Sim) secret() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.appSecret
}

// callbackFor is where an account's webhooks go: its override URI when the
// app subscribed with one, else the app's callback; "" when the app is not
// subscribed to the account.
func (s *Sim) callbackFor(wabaID string) string {
	w := s.wabaByID(wabaID)
	if w == nil {
		return ""
	}
	w.mu.RLock()
	sub, override := w.Subscribed, w.OverrideURI
	w.mu.RUnlock()
	if !sub {
		return ""
	}
	if override != "" {
		return override
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.appCallback
}

// Deliveries lists recent webhook deliveries, oldest first.
func (s *Sim) Deliveries() []Delivery {
	d := s.hooks
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Delivery, 0, len(d.ring))
	for i := range d.ring {
		out = append(out, d.ring[(d.next+i)%len(d.ring)].public())
	}
	return out
}

// public copies the reported fields only: the bookkeeping ones (tracked,
// nextAt) belong to the delivery's worker and pendMu. Caller holds d.mu.
func (dv *delivery) public() Delivery {
	return Delivery{ID: dv.ID, WABAID: dv.WABAID, Field: dv.Field, Events: dv.Events, URL: dv.URL,
		State: dv.State, Attempts: dv.Attempts, LastStatus: dv.LastStatus, LastError: dv.LastError,
		Created: dv.Created, Body: dv.Body, Duplicate: dv.Duplicate}
}

// Delivery is a webhook delivery as reported to tests and the control API.
type Delivery delivery

// MarshalJSON keeps the JSON shape of the unexported type.
func (d Delivery) MarshalJSON() ([]byte, error) { return json.Marshal(delivery(d)) }

// SetDuplicateRate makes that fraction (0..1) of delivered webhooks be
// delivered a second time.
func (s *Sim) SetDuplicateRate(r float64) {
	s.hooks.dupRate.Store(math.Float64bits(max(0, min(1, r))))
}
