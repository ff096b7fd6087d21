package metasim

import (
	"fmt"
	"testing"
	"time"
)

// The rate limits are token buckets on the sim clock. These tests pin the
// simulator's now to exact instants, so a slow machine (or -race) cannot
// refill a bucket between two sends, and move it instead of sleeping.

// pinned sends one hello_world template to "to" with the sim clock at t,
// through the real send path, and returns the Meta error code (0 = sent).
func pinned(t *testing.T, s *Sim, at time.Time, to string) int {
	t.Helper()
	s.pinned.Store(&at)
	req := &sendRequest{MessagingProduct: "whatsapp", To: to, Type: "template",
		Template: &sendTemplate{Name: "hello_world"}}
	req.Template.Language.Code = "en_US"
	_, merr := s.send(s.TestAccount().PhoneNumberID, req)
	if merr == nil {
		return 0
	}
	return merr.Code
}

// count sends n messages at t (to distinct customers when spread) and
// returns how many were accepted and the first error code seen.
func count(t *testing.T, s *Sim, at time.Time, n int, spread bool) (ok, code int) {
	t.Helper()
	for i := range n {
		to := ana
		if spread {
			to = fmt.Sprintf("55119%08d", i)
		}
		if c := pinned(t, s, at, to); c == 0 {
			ok++
		} else if code == 0 {
			code = c
		}
	}
	return ok, code
}

// TestThroughputDefault: a number sends 80 messages at once (to different
// customers); the 81st before a token comes back (one per 12.5 ms at 80/s)
// gets 130429; a second later 80 go again, and no more.
func TestThroughputDefault(t *testing.T) {
	s, err := New(Options{})
	must(t, err)
	defer s.Close()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if ok, code := count(t, s, t0, 80, true); ok != 80 || code != 0 {
		t.Fatalf("80 in one second: %d sent, code %d", ok, code)
	}
	for _, at := range []time.Duration{0, 10 * time.Millisecond} {
		if c := pinned(t, s, t0.Add(at), "5511900000999"); c != 130429 {
			t.Fatalf("81st at +%v: code %d, want 130429", at, c)
		}
	}
	if ok, code := count(t, s, t0.Add(2*time.Second), 81, true); ok != 80 || code != 130429 {
		t.Fatalf("next second: %d sent (want 80), then code %d (want 130429)", ok, code)
	}
}

// TestPairRateDefault: Meta's pair limit, 45 messages in a burst to one
// customer, then one every 6 seconds; other customers are not affected.
func TestPairRateDefault(t *testing.T) {
	s, err := New(Options{})
	must(t, err)
	defer s.Close()
	must(t, s.SetThroughput(s.TestAccount().PhoneNumberID, 0))
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if ok, code := count(t, s, t0, 46, false); ok != 45 || code != 131056 {
		t.Fatalf("burst: %d sent (want 45), then code %d (want 131056)", ok, code)
	}
	if c := pinned(t, s, t0, "5511911112222"); c != 0 {
		t.Errorf("another customer: code %d", c)
	}
	if c := pinned(t, s, t0.Add(5*time.Second), ana); c != 131056 {
		t.Errorf("5 s later: code %d, want 131056", c)
	}
	if ok, _ := count(t, s, t0.Add(6*time.Second), 2, false); ok != 1 {
		t.Errorf("6 s later: %d sent, want 1", ok)
	}
	// A person replying a few times a minute never meets the limit.
	for i := range 60 {
		if c := pinned(t, s, t0.Add(time.Hour+time.Duration(i)*15*time.Second), ana); c != 0 {
			t.Fatalf("message %d at human pace: code %d", i, c)
		}
	}
}

// TestPairRateConfigurable: Options and the control API change the rate and
// the burst of the limit.
func TestPairRateConfigurable(t *testing.T) {
	s, err := New(Options{PairPerMinute: 60, PairBurst: 2})
	must(t, err)
	defer s.Close()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if ok, code := count(t, s, t0, 3, false); ok != 2 || code != 131056 {
		t.Fatalf("Options burst 2: %d sent, code %d", ok, code)
	}
	if c := pinned(t, s, t0.Add(time.Second), ana); c != 0 {
		t.Errorf("60/min refills one a second: code %d", c)
	}
	e := newEnv(t, Options{})
	st, r := e.call("POST", "/_sim/phones/"+e.acc.PhoneNumberID+"/pair-rate", "", map[string]any{"per_minute": 1, "burst": 3})
	if st != 200 {
		t.Fatal(st, r)
	}
	if ok, code := count(t, e.sim, t0, 4, false); ok != 3 || code != 131056 {
		t.Errorf("control API burst 3: %d sent, code %d", ok, code)
	}
	off, err := New(Options{PairPerMinute: -1})
	must(t, err)
	defer off.Close()
	must(t, off.SetThroughput(off.TestAccount().PhoneNumberID, 0))
	if ok, _ := count(t, off, t0, 100, false); ok != 100 {
		t.Errorf("limit off: %d of 100 sent", ok)
	}
}
