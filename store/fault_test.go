package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/store/storetest"
)

// writer streams answers, one question after the other, and remembers
// which were acknowledged. A failed answer is retried until it is
// acknowledged, as the bot's at-least-once intake would.
type writer struct {
	s  *Store
	id ParticipantID

	mu       sync.Mutex
	acked    []string // questions acknowledged, in order
	failures int
	err      error // an error other than ErrUnavailable
}

func (w *writer) run(ctx context.Context) {
	pause := time.NewTicker(20 * time.Millisecond)
	defer pause.Stop()
	for i := 0; ctx.Err() == nil; {
		question := fmt.Sprintf("q%d", i)
		_, err := w.s.RecordAnswer(ctx, weekly(w.id, 1, question, i%3, i%3 == 0))
		w.mu.Lock()
		switch {
		case err == nil:
			w.acked = append(w.acked, question)
			i++
		case errors.Is(err, ErrUnavailable):
			w.failures++
		case ctx.Err() == nil:
			w.err = err
		}
		w.mu.Unlock()
		if err != nil {
			select { // back off a little while Redis is away
			case <-ctx.Done():
			case <-pause.C:
			}
		}
	}
}

func (w *writer) snapshot() (acked []string, failures int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.acked...), w.failures, w.err
}

// waitFor waits until the writer reaches at least acked answers and
// failures failed attempts.
func (w *writer) waitFor(t *testing.T, acked, failures int, within time.Duration) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(within)
	for {
		got, failed, err := w.snapshot()
		if err != nil {
			t.Fatalf("writer: %v", err)
		}
		if len(got) >= acked && failed >= failures {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("within %v the writer had %d answers acknowledged and %d failures, want %d and %d",
				within, len(got), failed, acked, failures)
		}
	}
}

// The fault test: answers stream in while redis-server (AOF,
// appendfsync always) is SIGKILLed and restarted. Every answer
// acknowledged before the kill is there afterwards, and the writer
// carries on by itself once Redis is back.
func TestAnswersSurviveKill(t *testing.T) {
	srv := storetest.Start(t, storetest.AOF()...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Open(ctx, srv.URL, WithPrefix(srv.Prefix), WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ana := mustCreate(t, s, "Ana", telegram("1"))

	w := &writer{s: s, id: ana.ID}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx)
	}()

	w.waitFor(t, 200, 0, 10*time.Second)
	srv.Kill()
	beforeKill, _, _ := w.snapshot()
	// Keep Redis down until the writer has seen it fail (go-redis's own
	// retries hide a short outage).
	w.waitFor(t, 0, 2, 10*time.Second)
	srv.Restart()
	w.waitFor(t, len(beforeKill)+200, 0, 10*time.Second)
	cancel()
	<-done

	acked, failures, err := w.snapshot()
	if err != nil {
		t.Fatalf("writer: %v", err)
	}
	stored, err := s.Answers(context.Background(), ana.ID, "week-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range acked {
		if _, ok := stored[q]; !ok {
			t.Fatalf("acknowledged answer %s lost (%d acknowledged before the kill, %d in all)", q, len(beforeKill), len(acked))
		}
	}
	// Points match the stored answers exactly: nothing counted twice.
	right := 0
	for _, a := range stored {
		if a.Correct {
			right++
		}
	}
	totals, err := s.Totals(context.Background(), ana.ID)
	if err != nil || totals.Weekly != right {
		t.Fatalf("totals %+v, %v; want weekly %d for the stored answers", totals, err, right)
	}
	t.Logf("%d answers acknowledged (%d before the kill), %d failed attempts while Redis was down", len(acked), len(beforeKill), failures)
}
