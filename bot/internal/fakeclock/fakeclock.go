// Package fakeclock drives a fake clock for adapter tests.
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
