package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLeaseOneHolderAndGrowingFence(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	a, err := s.AcquireLease(ctx, "telegram:123", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AcquireLease(ctx, "telegram:123", time.Minute); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("second replica got %v, want ErrLeaseHeld", err)
	}
	if _, err := s.AcquireLease(ctx, "discord:9", time.Minute); err != nil {
		t.Fatalf("another name's lease: %v", err)
	}
	if err := s.RenewLease(ctx, a, time.Minute); err != nil {
		t.Fatalf("the holder's renewal: %v", err)
	}
	if err := s.ReleaseLease(ctx, a); err != nil {
		t.Fatal(err)
	}
	b, err := s.AcquireLease(ctx, "telegram:123", time.Minute)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	if b.Fence <= a.Fence || b.Token == a.Token {
		t.Errorf("fences %d then %d, tokens %q then %q: want a larger fence and a new token", a.Fence, b.Fence, a.Token, b.Token)
	}
}

func TestLeaseRenewalKeepsItPastItsFirstTTL(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	l, err := s.AcquireLease(ctx, "telegram:1", 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RenewLease(ctx, l, time.Hour); err != nil {
		t.Fatal(err)
	}
	ttl, err := srv.Client().PTTL(ctx, s.leaseKey("telegram:1")).Result()
	if err != nil || ttl < 59*time.Minute {
		t.Fatalf("ttl after renewal %v (%v), want about an hour", ttl, err)
	}
}

// TestLeaseExpiryTakeoverAndStaleHolder: a holder that stops renewing
// (it died, or hung) loses the lease when Redis expires it; another
// replica takes it with a larger fence, and the stale holder can neither
// renew nor release the new holder's lease.
func TestLeaseExpiryTakeoverAndStaleHolder(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	old, err := s.AcquireLease(ctx, "telegram:1", 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Wait for Redis to expire the lease (its own clock, not ours).
	deadline := time.Now().Add(5 * time.Second)
	var cur Lease
	for {
		if cur, err = s.AcquireLease(ctx, "telegram:1", time.Minute); err == nil {
			break
		}
		if !errors.Is(err, ErrLeaseHeld) || time.Now().After(deadline) {
			t.Fatalf("no takeover: %v", err)
		}
	}
	if cur.Fence <= old.Fence {
		t.Errorf("takeover fence %d, want above the old %d", cur.Fence, old.Fence)
	}
	if err := s.RenewLease(ctx, old, time.Minute); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("stale renewal: %v, want ErrLeaseLost", err)
	}
	if err := s.ReleaseLease(ctx, old); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("stale release: %v, want ErrLeaseLost", err)
	}
	if err := s.RenewLease(ctx, cur, time.Minute); err != nil {
		t.Errorf("the new holder lost its lease to the stale one: %v", err)
	}
}

func TestLeaseStaleRenewalAfterExpiryWithNoTakeover(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	l, err := s.AcquireLease(ctx, "discord:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// The key vanishing is what expiry does; delete it to play that.
	if err := srv.Client().Del(ctx, s.leaseKey("discord:1")).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewLease(ctx, l, time.Minute); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("renewal of an expired lease: %v, want ErrLeaseLost", err)
	}
}

func TestLeaseRejectsBadArguments(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{"", time.Second}, {"a{b}", time.Second}, {"ok", 0}} {
		if _, err := s.AcquireLease(ctx, c.name, c.ttl); err == nil || errors.Is(err, ErrLeaseHeld) {
			t.Errorf("AcquireLease(%q, %v) = %v, want an argument error", c.name, c.ttl, err)
		}
	}
}

// TestClaimHandlingOneAtATime: of two deliveries of one event at once,
// one handles it and the other is told it is being handled; a failed
// handler's release lets the next delivery in, and a handled record
// answers every later one.
func TestClaimHandlingOneAtATime(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	first, done, err := s.ClaimHandling(ctx, "tg:5", time.Minute)
	if err != nil || done || first == "" {
		t.Fatalf("first claim: %q %v %v", first, done, err)
	}
	if _, _, err := s.ClaimHandling(ctx, "tg:5", time.Minute); !errors.Is(err, ErrBeingHandled) {
		t.Fatalf("concurrent claim: %v, want ErrBeingHandled", err)
	}
	if h, err := s.Handled(ctx, "tg:5"); err != nil || h {
		t.Fatalf("a claimed event reads as handled: %v %v", h, err)
	}
	if err := s.ReleaseHandling(ctx, "tg:5", "someone else's"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimHandling(ctx, "tg:5", time.Minute); !errors.Is(err, ErrBeingHandled) {
		t.Fatalf("another's release freed the claim: %v", err)
	}
	if err := s.ReleaseHandling(ctx, "tg:5", first); err != nil {
		t.Fatal(err)
	}
	second, done, err := s.ClaimHandling(ctx, "tg:5", time.Minute)
	if err != nil || done {
		t.Fatalf("claim after release: %v %v", done, err)
	}
	if err := s.MarkHandled(ctx, "tg:5", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseHandling(ctx, "tg:5", second); err != nil {
		t.Fatal(err)
	}
	if _, done, err := s.ClaimHandling(ctx, "tg:5", time.Minute); err != nil || !done {
		t.Fatalf("claim of a handled event: done %v, %v; want done", done, err)
	}
}

func TestClaimHandlingExpires(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if _, _, err := s.ClaimHandling(ctx, "dc:i:1", 30*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// A claimant that died: Redis ends its claim (its clock, not ours).
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, err := s.ClaimHandling(ctx, "dc:i:1", time.Minute)
		if err == nil {
			return
		}
		if !errors.Is(err, ErrBeingHandled) || time.Now().After(deadline) {
			t.Fatalf("the dead claim never ended: %v", err)
		}
	}
}
