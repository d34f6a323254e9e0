package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Leader leases.
var (
	// ErrLeaseHeld means another replica holds the lease asked for.
	ErrLeaseHeld = errors.New("store: lease held by another replica")
	// ErrLeaseLost means the lease expired or another replica took it:
	// its former holder must stop the work it guards at once.
	ErrLeaseLost = errors.New("store: lease lost")
)

// Lease is one replica's hold on a named role ("telegram:<bot id>"):
// while it lasts, that replica alone does the work, such as long-polling
// a platform that allows one consumer.
type Lease struct {
	Name  string
	Token string // random, this grant's own
	// Fence grows with every grant of the name (INCR), so whatever the
	// holder writes can carry it and a stale holder's writes be told
	// from the current one's.
	Fence int64
}

// holder is the lease's value in Redis.
func (l Lease) holder() string { return strconv.FormatInt(l.Fence, 10) + ":" + l.Token }

// AcquireLease takes the lease called name for ttl, or fails with
// ErrLeaseHeld while another replica holds it.
func (s *Store) AcquireLease(ctx context.Context, name string, ttl time.Duration) (Lease, error) {
	if err := checkLease(name, ttl); err != nil {
		return Lease{}, err
	}
	token, err := randomToken()
	if err != nil {
		return Lease{}, err
	}
	v, err := s.scripts.leaseAcquire.Run(ctx, s.client, []string{s.leaseKey(name), s.leaseFenceKey(name)}, token, ttl.Milliseconds()).Result()
	if err != nil {
		return Lease{}, s.fail(ctx, "acquire lease "+name, err)
	}
	r, err := asReply(v)
	if err != nil {
		return Lease{}, err
	}
	granted, err := r.int(0)
	if err != nil {
		return Lease{}, err
	}
	if granted == 0 {
		holder, _ := r.str(1)
		fence, _, _ := strings.Cut(holder, ":")
		return Lease{}, fmt.Errorf("%w: %s (fence %s)", ErrLeaseHeld, name, fence)
	}
	fence, err := r.int(1)
	if err != nil {
		return Lease{}, err
	}
	return Lease{Name: name, Token: token, Fence: fence}, nil
}

// RenewLease extends l for ttl from now, or fails with ErrLeaseLost when
// it expired or another replica holds it now.
func (s *Store) RenewLease(ctx context.Context, l Lease, ttl time.Duration) error {
	if err := checkLease(l.Name, ttl); err != nil {
		return err
	}
	ok, err := s.scripts.leaseRenew.Run(ctx, s.client, []string{s.leaseKey(l.Name)}, l.holder(), ttl.Milliseconds()).Int()
	if err != nil {
		return s.fail(ctx, "renew lease "+l.Name, err)
	}
	if ok == 0 {
		return fmt.Errorf("%w: %s (fence %d)", ErrLeaseLost, l.Name, l.Fence)
	}
	return nil
}

// ReleaseLease gives l up, so a standby replica takes over without
// waiting for it to expire. Releasing a lease that is no longer ours
// changes nothing and fails with ErrLeaseLost.
func (s *Store) ReleaseLease(ctx context.Context, l Lease) error {
	ok, err := s.scripts.leaseRelease.Run(ctx, s.client, []string{s.leaseKey(l.Name)}, l.holder()).Int()
	if err != nil {
		return s.fail(ctx, "release lease "+l.Name, err)
	}
	if ok == 0 {
		return fmt.Errorf("%w: %s (fence %d)", ErrLeaseLost, l.Name, l.Fence)
	}
	return nil
}

func checkLease(name string, ttl time.Duration) error {
	if name == "" || strings.ContainsAny(name, "{}") {
		return fmt.Errorf("store: lease name %q: must be non-empty, without braces", name)
	}
	if ttl < time.Millisecond {
		return fmt.Errorf("store: lease ttl %v: must be at least 1ms", ttl)
	}
	return nil
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
