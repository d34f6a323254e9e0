package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrBeingHandled means another replica (or another delivery of the same
// event) is handling the event right now: the caller should have the
// platform deliver it again later, when it is handled or the claim ran out.
var ErrBeingHandled = errors.New("store: event being handled elsewhere")

// handledMark is the value of a handled event's key; a claim is
// "p:<token>".
const handledMark = "1"

// Handled reports whether the platform event named update (a Telegram
// update id, a Discord interaction or message id) was already handled.
// An event only claimed is not.
func (s *Store) Handled(ctx context.Context, update string) (bool, error) {
	if update == "" {
		return false, nil
	}
	v, err := s.hot(ctx).Get(ctx, s.handledKey(update)).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return v == handledMark, s.fail(ctx, "read handled update", err)
}

// ClaimHandling reserves update for the caller for ttl, so that two
// replicas given the same event at once (a webhook retried while the
// first delivery is still being handled, a replica that lost its lease
// mid-update) do not both have its effects. It reports done when the
// event was handled already; ErrBeingHandled when someone else holds a
// claim. The claim ends with MarkHandled, ReleaseHandling, or its ttl: a
// replica that dies holding one delays the event by at most ttl.
func (s *Store) ClaimHandling(ctx context.Context, update string, ttl time.Duration) (claim string, done bool, err error) {
	if update == "" {
		return "", false, errors.New("store: claim for an event without id")
	}
	if ttl < time.Millisecond {
		return "", false, fmt.Errorf("store: claim ttl %v: must be at least 1ms", ttl)
	}
	token, err := randomToken()
	if err != nil {
		return "", false, err
	}
	v, err := s.scripts.handlingClaim.Run(ctx, s.hot(ctx), []string{s.handledKey(update)}, token, ttl.Milliseconds()).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return token, false, nil
	case err != nil:
		return "", false, s.fail(ctx, "claim update", err)
	case v == handledMark:
		return "", true, nil
	}
	return "", false, fmt.Errorf("%w: %s", ErrBeingHandled, update)
}

// ReleaseHandling drops the caller's claim on update after its handling
// failed, so the event delivered again is handled at once rather than
// after the claim's ttl. A handled record, or another's claim, stays.
func (s *Store) ReleaseHandling(ctx context.Context, update, claim string) error {
	err := s.scripts.handlingRelease.Run(ctx, s.hot(ctx), []string{s.handledKey(update)}, claim).Err()
	return s.fail(ctx, "release update claim", err)
}

// MarkHandled records that update was handled, for ttl: longer than the
// platform may deliver it again (Telegram keeps updates for 24 hours).
// It replaces a claim.
func (s *Store) MarkHandled(ctx context.Context, update string, ttl time.Duration) error {
	if update == "" {
		return errors.New("store: handled update without id")
	}
	if ttl <= 0 {
		return fmt.Errorf("store: handled update ttl %v: must be positive", ttl)
	}
	return s.fail(ctx, "mark update handled", s.hot(ctx).Set(ctx, s.handledKey(update), handledMark, ttl).Err())
}
