package schedule

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// Clock is the one source of "now" for every component; gocron takes the
// same interface, so the scheduler and the bot always agree on the time.
type Clock = clockwork.Clock

// RealClock is the wall clock.
func RealClock() Clock { return clockwork.NewRealClock() }

// ShiftedClock runs at the real pace but started at start: it lets the
// 2022 course be replayed today. Durations (timers, tickers, sleeps) are
// the real ones; only the reading of the time is shifted.
func ShiftedClock(real Clock, start time.Time) Clock {
	return &shifted{Clock: real, offset: start.Sub(real.Now())}
}

type shifted struct {
	Clock
	offset time.Duration
}

func (c *shifted) Now() time.Time                  { return c.Clock.Now().Add(c.offset) }
func (c *shifted) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c *shifted) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }
