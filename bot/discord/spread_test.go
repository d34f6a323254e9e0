package discord

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// With spread, the global limit lets a call start only 1/rate after the
// previous one, even while the second's budget has room: the same rate,
// with few requests on the wire at once.
func TestSpreadStartsCallsApart(t *testing.T) {
	clock := clockwork.NewFakeClock()
	g := &globalLimit{clock: clock, rate: 50, spread: true, freed: make(chan struct{})}
	if _, _, ok := g.take(false); !ok {
		t.Fatal("the first call waited")
	}
	wait, _, ok := g.take(false)
	if ok || wait != 20*time.Millisecond {
		t.Fatalf("second call: ok %v, wait %v; want a 20 ms wait", ok, wait)
	}
	clock.Advance(20 * time.Millisecond)
	if _, _, ok := g.take(false); !ok {
		t.Fatal("the second call waited past its slot")
	}

	unspread := &globalLimit{clock: clock, rate: 50, freed: make(chan struct{})}
	for i := range 50 {
		if _, _, ok := unspread.take(false); !ok {
			t.Fatalf("unspread call %d waited; a second's budget goes at once", i)
		}
	}
}

// A reply waiting for the global limit goes before a wave's calls: with
// room in the window, a bulk call gives way while a reply waits, and
// takes the room once none does.
func TestGlobalLimitServesRepliesFirst(t *testing.T) {
	ctx := context.Background()
	clock := clockwork.NewFakeClock()
	g := &globalLimit{clock: clock, rate: 3, freed: make(chan struct{})}
	waiting := make(chan struct{})
	go func() {
		// A reply held by a global 429, as acquire counts it.
		g.block(clock.Now().Add(time.Second))
		close(waiting)
		done, err := g.acquire(ctx, false)
		if err == nil {
			done()
		}
	}()
	<-waiting
	if err := clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	g.blocked = time.Time{} // the window is open; the reply has not woken yet
	g.mu.Unlock()
	if _, _, ok := g.take(true); ok {
		t.Fatal("a bulk call took the room while a reply waited")
	}
	if _, _, ok := g.take(false); !ok {
		t.Fatal("a reply found no room")
	}
	g.release()
	clock.Advance(time.Second) // the waiting reply goes, and stops waiting
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, _, ok := g.take(true); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("bulk calls still give way with no reply waiting")
		}
		time.Sleep(time.Millisecond)
	}
}
