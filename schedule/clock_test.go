package schedule

import (
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestShiftedClock(t *testing.T) {
	real := clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	start := time.Date(2022, 10, 24, 13, 0, 0, 0, time.UTC)
	c := ShiftedClock(real, start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	real.Advance(90 * time.Minute)
	want := start.Add(90 * time.Minute)
	if got := c.Now(); !got.Equal(want) {
		t.Errorf("after 90 minutes Now() = %v, want %v", got, want)
	}
	if got := c.Since(start); got != 90*time.Minute {
		t.Errorf("Since(start) = %v, want 1h30m", got)
	}
	if got := c.Until(start.Add(2 * time.Hour)); got != 30*time.Minute {
		t.Errorf("Until = %v, want 30m", got)
	}
}
