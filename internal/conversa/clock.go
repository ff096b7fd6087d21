package conversa

import (
	"sync"
	"time"
)

// Clock is the source of time. Everything that depends on time (the 24-hour
// window, session expiry, schedules) takes a Clock, so tests move time
// instead of sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real wall clock, in UTC.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

// ShiftClock is the wall clock plus an adjustable offset. The sandbox shares
// one between Conversa and the embedded Cloud API simulator, so "move the
// simulator clock 24 h" moves both; tests use it as a manual clock.
type ShiftClock struct {
	mu     sync.RWMutex
	offset time.Duration
	base   func() time.Time
}

// NewShiftClock returns a ShiftClock over the system clock.
func NewShiftClock() *ShiftClock { return &ShiftClock{base: SystemClock{}.Now} }

func (c *ShiftClock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.base().Add(c.offset)
}

// Advance moves the clock forward by d (backward when d < 0).
func (c *ShiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Set makes Now return t at this instant; time keeps flowing from there.
func (c *ShiftClock) Set(t time.Time) {
	c.mu.Lock()
	c.offset = t.Sub(c.base())
	c.mu.Unlock()
}

// Offset reports how far the clock is from the wall clock.
func (c *ShiftClock) Offset() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.offset
}
