// Package fakeclock sets and drives fake clocks for the bot's tests.
package fakeclock

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// Run moves clock forward by step whenever something waits on it, until
// the test ends: time passes only while the code under test waits, never
// in the middle of what it measures.
func Run(t testing.TB, clock *clockwork.FakeClock, step time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for clock.BlockUntilContext(ctx, 1) == nil {
			clock.Advance(step)
			runtime.Gosched()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// Turin reads a wall time such as "2022-10-24T15:00" in the course's
// zone, in which the tests set their clocks.
func Turin(t testing.TB, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
