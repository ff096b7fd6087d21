// Package loadgen is our load tool: it drives an HTTP endpoint at a fixed
// rate (or as fast as it answers) for a bounded time and request count, and
// reports throughput and latency percentiles. It only ever targets the
// address it is given; point it at loopback.
package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Plan bounds a run: it stops at whichever of Duration or Requests comes
// first, so a run can never go on by itself.
type Plan struct {
	Rate        int           // requests per second; 0 = closed loop, as fast as answered
	Duration    time.Duration // wall-clock bound
	Requests    int           // request-count bound (0 = only Duration)
	Concurrency int           // in-flight requests at most
}

// Result summarises a run.
type Result struct {
	Sent, OK, Failed int
	Elapsed          time.Duration
	Latencies        []time.Duration // sorted
	FirstError       string
}

// Throughput is successful requests per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the p-th latency percentile (0 < p <= 100).
func (r Result) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p/100+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

func (r Result) String() string {
	return fmt.Sprintf("sent=%d ok=%d failed=%d elapsed=%s throughput=%.0f/s p50=%s p90=%s p99=%s max=%s",
		r.Sent, r.OK, r.Failed, r.Elapsed.Round(time.Millisecond), r.Throughput(),
		r.Percentile(50), r.Percentile(90), r.Percentile(99), r.Percentile(100))
}

// Request builds the i-th request of a run.
type Request func(ctx context.Context, i int) (*http.Request, error)

// Run executes plan against client with the requests newReq builds. A
// request counts as OK on a 2xx answer. With a Rate, latency is measured
// from each request's scheduled time, so a stalled server cannot hide its
// queueing delay (no coordinated omission).
func Run(ctx context.Context, client *http.Client, plan Plan, newReq Request) Result {
	if plan.Concurrency <= 0 {
		plan.Concurrency = 64
	}
	ctx, cancel := context.WithTimeout(ctx, plan.Duration)
	defer cancel()
	var (
		mu       sync.Mutex
		res      Result
		seq      atomic.Int64
		wg       sync.WaitGroup
		slots    = make(chan struct{}, plan.Concurrency)
		start    = time.Now()
		interval time.Duration
	)
	if plan.Rate > 0 {
		interval = time.Second / time.Duration(plan.Rate)
	}
	record := func(lat time.Duration, ok bool, errText string) {
		mu.Lock()
		defer mu.Unlock()
		res.Sent++
		if ok {
			res.OK++
			res.Latencies = append(res.Latencies, lat)
		} else {
			res.Failed++
			if res.FirstError == "" {
				res.FirstError = errText
			}
		}
	}
	for {
		i := int(seq.Add(1)) - 1
		if plan.Requests > 0 && i >= plan.Requests {
			break
		}
		scheduled := start.Add(time.Duration(i) * interval)
		if !waitUntil(ctx, scheduled, interval > 0) || !acquire(ctx, slots) {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			from := time.Now()
			if interval > 0 {
				from = scheduled
			}
			ok, errText := do(ctx, client, newReq, i)
			if !ok && ctx.Err() != nil {
				return // cut off by the run's own time bound, not the server's failure
			}
			record(time.Since(from), ok, errText)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}

func waitUntil(ctx context.Context, t time.Time, paced bool) bool {
	if paced {
		if d := time.Until(t); d > 0 {
			timer := time.NewTimer(d)
			defer timer.Stop()
			select {
			case <-ctx.Done():
				return false
			case <-timer.C:
			}
		}
	}
	return ctx.Err() == nil
}

func acquire(ctx context.Context, slots chan struct{}) bool {
	select {
	case slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func do(ctx context.Context, client *http.Client, newReq Request, i int) (bool, string) {
	req, err := newReq(ctx, i)
	if err != nil {
		return false, err.Error()
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err.Error()
	}
	drain(resp)
	if resp.StatusCode/100 != 2 {
		return false, resp.Status
	}
	return true, ""
}
