package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Handled reports whether the platform event named update (a Telegram
// update id, a Discord interaction or message id) was already handled.
func (s *Store) Handled(ctx context.Context, update string) (bool, error) {
	if update == "" {
		return false, nil
	}
	n, err := s.hot(ctx).Exists(ctx, s.handledKey(update)).Result()
	return n == 1, s.fail(ctx, "read handled update", err)
}

// MarkHandled records that update was handled, for ttl: longer than the
// platform may deliver it again (Telegram keeps updates for 24 hours).
func (s *Store) MarkHandled(ctx context.Context, update string, ttl time.Duration) error {
	if update == "" {
		return errors.New("store: handled update without id")
	}
	if ttl <= 0 {
		return fmt.Errorf("store: handled update ttl %v: must be positive", ttl)
	}
	return s.fail(ctx, "mark update handled", s.hot(ctx).Set(ctx, s.handledKey(update), "1", ttl).Err())
}
