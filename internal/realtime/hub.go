// Package realtime fans out live events (new message, status change, window
// change, assignment) to the browsers of one company. Within one process a
// Hub delivers directly; on PostgreSQL, events travel through LISTEN/NOTIFY
// so every node's browsers see what any node published.
package realtime

import (
	"context"
	"encoding/json"
	"sync"
)

// Event is one change. Data is small (ids and the changed fields): clients
// fetch whatever else they need, which also keeps NOTIFY payloads tiny.
type Event struct {
	CompanyID int64           `json:"company_id"`
	Type      string          `json:"type"` // e.g. "message.created", "message.status", "conversation.updated"
	Data      json.RawMessage `json:"data,omitempty"`
}

// Publisher is what use cases call after they commit a change.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// Hub keeps the subscribers of this process, by company.
type Hub struct {
	mu        sync.RWMutex
	subs      map[int64]map[*Sub]struct{}
	closing   chan struct{} // closed by Close: every stream ends
	closeOnce sync.Once
}

// NewHub returns an empty in-process hub; it is also the Publisher on SQLite,
// where there is only one node.
func NewHub() *Hub {
	return &Hub{subs: map[int64]map[*Sub]struct{}{}, closing: make(chan struct{})}
}

// Close ends every live stream, now and later: the server is shutting
// down, and an open stream would otherwise hold its graceful shutdown until
// the deadline. Browsers reconnect to another node (or this one, restarted).
func (h *Hub) Close() { h.closeOnce.Do(func() { close(h.closing) }) }

// Closing is closed once Close was called.
func (h *Hub) Closing() <-chan struct{} { return h.closing }

// Sub is one subscriber (a browser tab's SSE stream).
type Sub struct {
	C       <-chan Event
	c       chan Event
	company int64
	hub     *Hub
	once    sync.Once
	lagged  chan struct{} // closed when an event had to be dropped
}

// Subscribe registers a subscriber for company with a buffer of n events.
func (h *Hub) Subscribe(company int64, n int) *Sub {
	c := make(chan Event, n)
	s := &Sub{C: c, c: c, company: company, hub: h, lagged: make(chan struct{})}
	h.mu.Lock()
	if h.subs[company] == nil {
		h.subs[company] = map[*Sub]struct{}{}
	}
	h.subs[company][s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Lagged is closed when the subscriber fell behind and missed an event; the
// client should reload its view rather than trust a gap-free stream.
func (s *Sub) Lagged() <-chan struct{} { return s.lagged }

// Close unregisters the subscriber.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs[s.company], s)
	if len(s.hub.subs[s.company]) == 0 {
		delete(s.hub.subs, s.company)
	}
	s.hub.mu.Unlock()
}

// Publish delivers e to this process's subscribers of e.CompanyID.
func (h *Hub) Publish(_ context.Context, e Event) error {
	h.deliver(e)
	return nil
}

// deliver never blocks: a slow browser must not stall the webhook intake.
func (h *Hub) deliver(e Event) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs[e.CompanyID] {
		select {
		case s.c <- e:
		default:
			s.once.Do(func() { close(s.lagged) })
		}
	}
}

// Subscribers counts subscribers of company (for tests and metrics).
func (h *Hub) Subscribers(company int64) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[company])
}
