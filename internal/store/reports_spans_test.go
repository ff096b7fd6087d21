package store

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Whatever the period, its spans add up to exactly the period: every
// instant inside is counted once, every instant outside not at all, and
// the rollup spans are whole buckets of their width.
func TestSpansCoverThePeriodExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for range 2000 {
		from := base.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		if rng.IntN(2) == 0 { // most report periods start on a quarter hour
			from = from.Truncate(15 * time.Minute)
		}
		to := from.Add(time.Duration(rng.Int64N(int64(100 * time.Hour))))
		if rng.IntN(2) == 0 {
			to = to.Truncate(15 * time.Minute)
		}
		sps := spans(ReportFilter{From: from, To: to})
		points := []time.Time{from, to}
		for _, sp := range sps {
			if w := time.Duration(sp.width) * time.Second; w > 0 && (!sp.from.Truncate(w).Equal(sp.from) || !sp.to.Truncate(w).Equal(sp.to)) {
				t.Fatalf("%v..%v: span %+v is not whole buckets", from, to, sp)
			}
			points = append(points, sp.from, sp.to)
		}
		slices.SortFunc(points, func(a, b time.Time) int { return a.Compare(b) })
		for i := 1; i < len(points); i++ {
			mid := points[i-1].Add(points[i].Sub(points[i-1]) / 2)
			var n int64
			for _, sp := range sps {
				if !mid.Before(sp.from) && mid.Before(sp.to) {
					n += sp.sign
				}
			}
			if want := map[bool]int64{true: 1, false: 0}[!mid.Before(from) && mid.Before(to)]; n != want {
				t.Fatalf("%v..%v: %v counted %d times, want %d (spans %+v)", from, to, mid, n, want, sps)
			}
		}
	}
}

// A local day a few hours off UTC reads one day and a few hours, not a
// day's worth of hours; filters the rollup can't answer read the view.
func TestSpansOfALocalDay(t *testing.T) {
	from := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC) // midnight in São Paulo
	sps := spans(ReportFilter{From: from, To: from.Add(24 * time.Hour)})
	want := []span{{from.Add(-3 * time.Hour), from, hourSeconds, -1}, {from.Add(21 * time.Hour), from.Add(24 * time.Hour), hourSeconds, 1},
		{from.Add(-3 * time.Hour), from.Add(21 * time.Hour), daySeconds, 1}}
	if !slices.Equal(sps, want) {
		t.Errorf("spans = %+v\nwant %+v", sps, want)
	}
	if sps := spans(ReportFilter{From: from, To: from.Add(24 * time.Hour), AgentID: 1}); len(sps) != 1 || sps[0].width != 0 {
		t.Errorf("agent filter: spans = %+v, want the view", sps)
	}
}
