package telegram

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
)

// A reply queued behind a wave's sends goes out first: the wave is
// marked bulk, and the permits it waits for go to replies first.
func TestOutboxRepliesGoBeforeBulk(t *testing.T) {
	clock := clockwork.NewFakeClock()
	o := NewOutbox(OutboxConfig{Clock: clock, GlobalRate: 1})
	var mu sync.Mutex
	var order []string
	call := func(name string) func(context.Context) error {
		return func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			order = append(order, name)
			return nil
		}
	}
	if err := o.Do(context.Background(), "first", call("first")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	bulk := bot.WithBulk(context.Background())
	for i := range 3 {
		wg.Go(func() { _ = o.Do(bulk, fmt.Sprint("bulk", i), call("bulk")) })
	}
	waitQueued(t, o, 0, 3)
	wg.Go(func() { _ = o.Do(context.Background(), "reply", call("reply")) })
	waitQueued(t, o, 1, 3)
	for i := range 4 {
		// The last call's permit comes back on a timer: wait until it is
		// armed, or the clock moves past it unseen.
		if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		waitCalls(t, &mu, &order, i+2)
	}
	wg.Wait()
	if order[1] != "reply" {
		t.Fatalf("order %v: the reply waited behind bulk sends", order)
	}
}

// waitQueued waits until replies and bulk callers wait for permits.
func waitQueued(t *testing.T, o *Outbox, replies, bulk int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		o.mu.Lock()
		r, b := len(o.waiting), len(o.bulk)
		o.mu.Unlock()
		if r == replies && b == bulk {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queued %d replies and %d bulk, want %d and %d", r, b, replies, bulk)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitCalls waits until order holds n calls.
func waitCalls(t *testing.T, mu *sync.Mutex, order *[]string, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := len(*order)
		mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d calls made, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}
