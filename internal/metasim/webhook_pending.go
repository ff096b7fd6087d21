package metasim

import (
	"encoding/json"
	"time"
)

// Pending webhook deliveries survive a restart: a snapshot keeps those
// waiting for a retry (and, on Close, those still queued), and New resumes
// them with their attempt count, as Meta keeps retrying for days.

// pendingDelivery is a delivery as a snapshot stores it.
type pendingDelivery struct {
	WABAID    string          `json:"waba_id"`
	Field     string          `json:"field"`
	Events    int             `json:"events"`
	URL       string          `json:"url"`
	Body      json.RawMessage `json:"body"`
	Attempts  int             `json:"attempts"`
	Created   time.Time       `json:"created"`
	NextAt    time.Time       `json:"next_at"`
	Key       string          `json:"key"`
	Duplicate bool            `json:"duplicate,omitempty"`
}

func (d *dispatcher) track(dv *delivery, next time.Time) {
	d.pendMu.Lock()
	dv.tracked, dv.nextAt = true, next
	d.pending[dv] = struct{}{}
	d.pendMu.Unlock()
}

// untrack forgets a delivery that reached its outcome; dv.tracked is only
// touched by whoever holds dv (a worker or its timer), so the common case
// of a first attempt that succeeds costs nothing.
func (d *dispatcher) untrack(dv *delivery) {
	if !dv.tracked {
		return
	}
	d.pendMu.Lock()
	dv.tracked = false
	delete(d.pending, dv)
	d.pendMu.Unlock()
}

// pendingSnap lists the deliveries waiting for a retry; with drain (only
// after the workers stopped) also the events still queued, bodies built.
func (d *dispatcher) pendingSnap(drain bool) []pendingDelivery {
	var out []pendingDelivery
	d.pendMu.Lock()
	for dv := range d.pending {
		out = append(out, d.pendingOf(dv, dv.nextAt))
	}
	d.pendMu.Unlock()
	if !drain {
		return out
	}
	for _, ch := range d.shards {
		for len(ch) > 0 {
			dv := <-ch
			if dv.tracked { // already listed
				continue
			}
			if dv.Body == nil {
				dv.Body, _ = json.Marshal(envelope{Object: "whatsapp_business_account", Entry: dv.items})
				dv.Events = len(dv.items)
			}
			out = append(out, d.pendingOf(dv, time.Time{}))
		}
	}
	return out
}

func (d *dispatcher) pendingOf(dv *delivery, next time.Time) pendingDelivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	return pendingDelivery{WABAID: dv.WABAID, Field: dv.Field, Events: dv.Events, URL: dv.URL, Body: dv.Body,
		Attempts: dv.Attempts, Created: dv.Created, NextAt: next, Key: dv.key, Duplicate: dv.Duplicate}
}

// resume schedules saved deliveries again, each when its retry was due
// (at once if that is past), to the account's current callback.
func (s *Sim) resumeDeliveries(saved []pendingDelivery) {
	d := s.hooks
	for _, p := range saved {
		url := s.callbackFor(p.WABAID)
		if url == "" {
			url = p.URL
		}
		dv := &delivery{ID: d.seq.Add(1), WABAID: p.WABAID, Field: p.Field, Events: p.Events, URL: url,
			State: "retrying", Attempts: p.Attempts, Created: p.Created, Body: p.Body, Duplicate: p.Duplicate, key: p.Key}
		d.record(dv)
		d.schedule(dv, max(0, time.Until(p.NextAt)))
	}
}
