package store

import "time"

// The rollup's bucket widths in seconds.
const (
	daySeconds  = 86400
	hourSeconds = 3600
)

// span is a part of a report period: whole buckets of the rollup (width in
// seconds) or a stretch read from the view (width 0), added (sign 1) or
// taken away (sign -1).
type span struct {
	from, to time.Time
	width    int64
	sign     int64
}

// spans expresses f's period as rollup buckets and the stretches no bucket
// covers (the day edges of a zone whose offset isn't whole hours), which
// the view answers. Filters the rollup has no dimension for read the view
// for the whole period.
func spans(f ReportFilter) []span {
	if !rollupAnswers(f) {
		return viewSpan(f.From, f.To)
	}
	first, last := f.From.Truncate(time.Hour), f.To.Truncate(time.Hour)
	if first.Before(f.From) {
		first = first.Add(time.Hour)
	}
	if !first.Before(last) {
		return viewSpan(f.From, f.To)
	}
	out := append(viewSpan(f.From, first), hourSpans(first, last)...)
	return append(out, viewSpan(last, f.To)...)
}

func viewSpan(from, to time.Time) []span {
	if !from.Before(to) {
		return nil
	}
	return []span{{from, to, 0, 1}}
}

// hourSpans covers [from, to), whole hours, with whole UTC days and hours.
// An edge inside a day either adds the hours from it to the day's end or
// takes the hours before it away from the whole day, whichever reads fewer:
// a local day in a zone a few hours off UTC is then one day and a few
// hours. (Truncate counts from the zero time, which starts a UTC day.)
func hourSpans(from, to time.Time) []span {
	const day = 24 * time.Hour
	start, end := from, to
	var edges []span
	if lo := from.Truncate(day); lo.Before(from) {
		if hi := lo.Add(day); from.Sub(lo) <= hi.Sub(from) {
			start, edges = lo, append(edges, span{lo, from, hourSeconds, -1})
		} else {
			start, edges = hi, append(edges, span{from, hi, hourSeconds, 1})
		}
	}
	if lo := to.Truncate(day); lo.Before(to) {
		if hi := lo.Add(day); to.Sub(lo) <= hi.Sub(to) {
			end, edges = lo, append(edges, span{lo, to, hourSeconds, 1})
		} else {
			end, edges = hi, append(edges, span{to, hi, hourSeconds, -1})
		}
	}
	var edgeHours time.Duration
	for _, e := range edges {
		edgeHours += e.to.Sub(e.from)
	}
	if !start.Before(end) || edgeHours >= to.Sub(from) {
		return []span{{from, to, hourSeconds, 1}}
	}
	return append(edges, span{start, end, daySeconds, 1})
}

// buckets lists the bucket numbers sp covers.
func (sp span) buckets() []int64 {
	var out []int64
	for b := sp.from.Unix() / sp.width; b < sp.to.Unix()/sp.width; b++ {
		out = append(out, b)
	}
	return out
}
