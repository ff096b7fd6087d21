package conversa

import (
	"fmt"
	"testing"
	"time"
)

func TestErrorLocalize(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", Errorf(EWINDOWCLOSED, "Window closed.").Pt("Janela fechada."))
	tests := []struct{ lang, want string }{
		{"pt-BR,pt;q=0.9,en;q=0.8", "Janela fechada."},
		{"PT", "Janela fechada."},
		{"en-US", "Window closed."},
		{"", "Window closed."},
	}
	for _, tt := range tests {
		if got := ErrorMessage(err, tt.lang); got != tt.want {
			t.Errorf("ErrorMessage(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := ErrorCode(err); got != EWINDOWCLOSED {
		t.Errorf("ErrorCode = %q", got)
	}
	if got := ErrorCode(fmt.Errorf("plain")); got != EINTERNAL {
		t.Errorf("plain error code = %q, want internal", got)
	}
	if got := ErrorMessage(fmt.Errorf("secret detail"), "en"); got != "Internal error." {
		t.Errorf("plain error leaked: %q", got)
	}
}

func TestShiftClock(t *testing.T) {
	c := NewShiftClock()
	target := time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)
	c.Set(target)
	if d := c.Now().Sub(target); d < 0 || d > time.Second {
		t.Fatalf("Set: now is %v off target", d)
	}
	c.Advance(24 * time.Hour)
	if d := c.Now().Sub(target.Add(24 * time.Hour)); d < 0 || d > time.Second {
		t.Fatalf("Advance: now is %v off", d)
	}
}
