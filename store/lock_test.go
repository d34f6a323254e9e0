package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLockerOneHolderAtATime(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	a, b := s.Locker(time.Minute), s.Locker(time.Minute)
	la, err := a.Lock(ctx, "rem:w2-plenary:15m0s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, "rem:w2-plenary:15m0s"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second replica got %v, want ErrLocked", err)
	}
	if _, err := b.Lock(ctx, "another job"); err != nil {
		t.Fatalf("another job's lock: %v", err)
	}
	if err := la.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, "rem:w2-plenary:15m0s"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

func TestLockerExpiredLockIsNotReleasedByItsOldHolder(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	old, err := s.Locker(50*time.Millisecond).Lock(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	// Wait for Redis to expire the lock (its own clock, not ours).
	deadline := time.Now().Add(5 * time.Second)
	var taken interface{ Unlock(context.Context) error }
	for taken == nil {
		if l, err := s.Locker(time.Minute).Lock(ctx, "job"); err == nil {
			taken = l
		} else if time.Now().After(deadline) {
			t.Fatalf("the lock never expired: %v", err)
		}
	}
	if err := old.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Locker(time.Minute).Lock(ctx, "job"); !errors.Is(err, ErrLocked) {
		t.Fatalf("the old holder released the new holder's lock: %v", err)
	}
}
