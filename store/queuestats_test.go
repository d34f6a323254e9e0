package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// QueueStats counts what is queued and what is due, and dates the
// earliest due delivery; a taken delivery is not due until its lease
// runs out.
func TestQueueStats(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	if st, err := s.QueueStats(ctx, start); err != nil || st != (QueueStats{}) {
		t.Fatalf("empty queue: %+v, %v", st, err)
	}
	exp := start.Add(time.Hour)
	if _, err := s.Enqueue(ctx, "rem:w1", []string{"p1", "p2"}, start, exp, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, "bc:1", []string{"p3"}, start.Add(10*time.Minute), exp, nil); err != nil {
		t.Fatal(err)
	}
	now := start.Add(time.Minute)
	st, err := s.QueueStats(ctx, now)
	if err != nil || st.Depth != 3 || st.Due != 2 || !st.Oldest.Equal(start) {
		t.Fatalf("stats %+v, %v; want 3 queued, 2 due since %v", st, err, start)
	}
	if got := mustClaim(t, s, now, 2); len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	if st, _ := s.QueueStats(ctx, now); st.Depth != 3 || st.Due != 0 || !st.Oldest.IsZero() {
		t.Fatalf("after claiming: %+v; taken deliveries are not due", st)
	}
	srv.Kill()
	if _, err := s.QueueStats(ctx, now); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("with Redis down: %v, want ErrUnavailable", err)
	}
}
