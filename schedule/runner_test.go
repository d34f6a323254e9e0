package schedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// recorder is a Deliverer that reports each delivery on a channel.
type recorder chan string

func (r recorder) Deliver(_ context.Context, s Send) error {
	r <- s.ID
	return nil
}

func wait(t *testing.T, r chan string) string {
	t.Helper()
	select {
	case id := <-r:
		return id
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	return ""
}

func TestRunnerRunsLateSendsAndSkipsExpiredOnes(t *testing.T) {
	now := time.Date(2022, 10, 24, 12, 50, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(now)
	rec := make(recorder, 10)
	r, err := NewRunner(context.Background(), clock, rec, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2022, 10, 24, 13, 0, 0, 0, time.UTC)
	plan := []Send{
		// Due 5 minutes ago while the bot was down; the session has not started.
		{ID: "late", At: start.Add(-15 * time.Minute), Expires: start},
		// Its session started yesterday: never sent.
		{ID: "expired", At: start.Add(-25 * time.Hour), Expires: start.Add(-24 * time.Hour)},
		// Due in 5 minutes.
		{ID: "future", At: start.Add(-5 * time.Minute), Expires: start},
	}
	if err := r.Load(plan); err != nil {
		t.Fatal(err)
	}
	r.Start()
	defer r.Shutdown()
	if got := wait(t, rec); got != "late" {
		t.Fatalf("first delivery %q, want late", got)
	}
	// Wait until the future job's timer is armed, then move past it.
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Minute)
	if got := wait(t, rec); got != "future" {
		t.Fatalf("second delivery %q, want future", got)
	}
	select {
	case id := <-rec:
		t.Errorf("unexpected delivery %q", id)
	default:
	}
}

func TestRunnerReloadReplacesThePlan(t *testing.T) {
	now := time.Date(2022, 10, 24, 12, 0, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(now)
	rec := make(recorder, 10)
	r, err := NewRunner(context.Background(), clock, rec, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Start()
	defer r.Shutdown()
	old := Send{ID: "old", At: now.Add(time.Hour), Expires: now.Add(2 * time.Hour)}
	if err := r.Load([]Send{old}); err != nil {
		t.Fatal(err)
	}
	moved := Send{ID: "moved", At: now.Add(30 * time.Minute), Expires: now.Add(2 * time.Hour)}
	if err := r.Load([]Send{moved}); err != nil {
		t.Fatal(err)
	}
	if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(90 * time.Minute)
	if got := wait(t, rec); got != "moved" {
		t.Fatalf("delivered %q, want moved", got)
	}
	select {
	case id := <-rec:
		t.Errorf("the replaced send %q still ran", id)
	case <-time.After(200 * time.Millisecond):
	}
}

// flaky fails its first deliveries, as when storage is down, and reports
// each try.
type flaky struct {
	tries chan string
	fails int
}

func (f *flaky) Deliver(_ context.Context, s Send) error {
	f.tries <- s.ID
	if f.fails > 0 {
		f.fails--
		return errors.New("storage down")
	}
	return nil
}

// A wave that could not be handed over is tried again, on the clock,
// until it is; not again after that.
func TestRunnerRetriesAFailedSend(t *testing.T) {
	now := time.Date(2022, 10, 24, 12, 50, 0, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(now)
	f := &flaky{tries: make(chan string, 10), fails: 2}
	r, err := NewRunner(context.Background(), clock, f, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Load([]Send{{ID: "late", At: now.Add(-time.Minute), Expires: now.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	r.Start()
	defer r.Shutdown()
	for try := range 3 {
		if got := wait(t, f.tries); got != "late" {
			t.Fatalf("try %d delivered %q", try, got)
		}
		if try < 2 {
			if err := clock.BlockUntilContext(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			clock.Advance(5 * time.Minute)
		}
	}
	clock.Advance(time.Hour)
	select {
	case id := <-f.tries:
		t.Errorf("delivered again after success: %q", id)
	case <-time.After(100 * time.Millisecond):
	}
}
