package conversa

import (
	"strings"
	"testing"
	"time"
)

// The seed's examples: a message at 10:00 opens the window until 10:00 the
// next day; replies at 15:00 and 22:00 restart it from each reply.
func TestWindowSeedExamples(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		inbound  []time.Time // customer messages, in arrival order
		now      time.Time
		wantOpen bool
		wantExp  time.Time
	}{
		{"company starts, customer never wrote", nil, day(2, 9, 0), false, time.Time{}},
		{"customer writes at 10:00, now 10:00+1h", []time.Time{day(2, 10, 0)}, day(2, 11, 0), true, day(3, 10, 0)},
		{"one second before expiry", []time.Time{day(2, 10, 0)}, day(3, 9, 59).Add(59 * time.Second), true, day(3, 10, 0)},
		{"exactly at expiry the window is closed", []time.Time{day(2, 10, 0)}, day(3, 10, 0), false, day(3, 10, 0)},
		{"reply at 15:00 restarts until 15:00 next day", []time.Time{day(2, 10, 0), day(2, 15, 0)}, day(3, 12, 0), true, day(3, 15, 0)},
		{"reply at 22:00 restarts again", []time.Time{day(2, 10, 0), day(2, 15, 0), day(2, 22, 0)}, day(3, 21, 0), true, day(3, 22, 0)},
		{"silent more than 24 h", []time.Time{day(2, 10, 0)}, day(3, 10, 1), false, day(3, 10, 0)},
		{"late redelivery of an older message does not shorten", []time.Time{day(2, 22, 0), day(2, 10, 0)}, day(3, 21, 0), true, day(3, 22, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last time.Time
			for _, in := range tt.inbound {
				last = LatestInbound(last, in)
			}
			if got := WindowOpen(last, tt.now); got != tt.wantOpen {
				t.Errorf("WindowOpen = %v, want %v", got, tt.wantOpen)
			}
			exp, ok := WindowExpiresAt(last)
			if ok != !tt.wantExp.IsZero() || !exp.Equal(tt.wantExp) {
				t.Errorf("WindowExpiresAt = %v,%v want %v", exp, ok, tt.wantExp)
			}
			err := CheckFreeForm(last, tt.now)
			if (err == nil) != tt.wantOpen {
				t.Errorf("CheckFreeForm err = %v, want open=%v", err, tt.wantOpen)
			}
			if err != nil && ErrorCode(err) != EWINDOWCLOSED {
				t.Errorf("code = %q", ErrorCode(err))
			}
		})
	}
}

func TestInboundAtClampsFutureSkew(t *testing.T) {
	recv := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	if got := InboundAt(recv.Add(2*time.Hour), recv); !got.Equal(recv) {
		t.Errorf("future timestamp not clamped: %v", got)
	}
	past := recv.Add(-3 * time.Minute)
	if got := InboundAt(past, recv); !got.Equal(past) {
		t.Errorf("past timestamp changed: %v", got)
	}
	if got := InboundAt(time.Time{}, recv); !got.Equal(recv) {
		t.Errorf("zero timestamp: %v", got)
	}
}

// The refusal says how long ago the window closed, which reads right in
// any time zone.
func TestWindowClosedSaysWhen(t *testing.T) {
	last := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		after  time.Duration // past the window's end
		en, pt string
	}{
		{time.Minute, "closed 1 minute ago", "fechou há 1 minuto"},
		{59 * time.Minute, "closed 59 minutes ago", "fechou há 59 minutos"},
		{3*time.Hour + 20*time.Minute, "closed 3 hours ago", "fechou há 3 horas"},
		{30 * time.Hour, "closed 30 hours ago", "fechou há 30 horas"},
		{72 * time.Hour, "closed 3 days ago", "fechou há 3 dias"},
	} {
		err := CheckFreeForm(last, last.Add(ServiceWindow+c.after))
		if en, pt := ErrorMessage(err, "en"), ErrorMessage(err, "pt-BR"); !strings.Contains(en, c.en) || !strings.Contains(pt, c.pt) {
			t.Errorf("%s after: %q / %q", c.after, en, pt)
		}
	}
}
