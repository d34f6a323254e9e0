package discord

import (
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
	if _, _, ok := g.take(); !ok {
		t.Fatal("the first call waited")
	}
	wait, _, ok := g.take()
	if ok || wait != 20*time.Millisecond {
		t.Fatalf("second call: ok %v, wait %v; want a 20 ms wait", ok, wait)
	}
	clock.Advance(20 * time.Millisecond)
	if _, _, ok := g.take(); !ok {
		t.Fatal("the second call waited past its slot")
	}

	unspread := &globalLimit{clock: clock, rate: 50, freed: make(chan struct{})}
	for i := range 50 {
		if _, _, ok := unspread.take(); !ok {
			t.Fatalf("unspread call %d waited; a second's budget goes at once", i)
		}
	}
}
