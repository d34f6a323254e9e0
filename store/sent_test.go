package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSentMarkers(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	first, err := s.MarkSent(ctx, "reminder:w1-plenary:24h", "p1", time.Hour)
	if err != nil || !first {
		t.Fatalf("first mark = %v, %v", first, err)
	}
	again, err := s.MarkSent(ctx, "reminder:w1-plenary:24h", "p1", time.Hour)
	if err != nil || again {
		t.Fatalf("second mark = %v, %v; want false", again, err)
	}
	if other, _ := s.MarkSent(ctx, "reminder:w1-plenary:24h", "p2", time.Hour); !other {
		t.Fatal("a marker for p1 blocked p2")
	}
	ttl, err := s.client.PTTL(ctx, s.sentKey("reminder:w1-plenary:24h", "p1")).Result()
	if err != nil || ttl <= 0 || ttl > time.Hour {
		t.Fatalf("marker ttl %v, %v", ttl, err)
	}
	if err := s.UnmarkSent(ctx, "reminder:w1-plenary:24h", "p1"); err != nil {
		t.Fatal(err)
	}
	if retry, _ := s.MarkSent(ctx, "reminder:w1-plenary:24h", "p1", time.Hour); !retry {
		t.Fatal("unmarked item could not be marked again")
	}
	if _, err := s.MarkSent(ctx, "x", "p1", 0); err == nil {
		t.Fatal("marker without expiry accepted")
	}
}

// Several replicas sending one broadcast: one sender per recipient.
func TestSentMarkerOneWinner(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	var winners atomic.Int32
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := s.MarkSent(ctx, "broadcast:7", "p1", time.Hour)
			if err != nil {
				t.Error(err)
			}
			if first {
				winners.Add(1)
			}
		}()
	}
	wg.Wait()
	if winners.Load() != 1 {
		t.Fatalf("%d senders, want 1", winners.Load())
	}
}
