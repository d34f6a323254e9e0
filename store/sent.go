package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MarkSent marks item (a reminder, a broadcast) as sent to recipient for
// ttl. first is true for the one caller that set the marker, so that a
// restart or a second replica does not send the item again. Mark before
// sending; if the send fails before the message left, UnmarkSent.
func (s *Store) MarkSent(ctx context.Context, item string, recipient ParticipantID, ttl time.Duration) (first bool, err error) {
	if item == "" || recipient == "" {
		return false, errors.New("store: sent marker needs an item and a recipient")
	}
	if ttl <= 0 {
		return false, fmt.Errorf("store: sent marker ttl %v: must be positive", ttl)
	}
	first, err = s.client.SetNX(ctx, s.sentKey(item, recipient), "1", ttl).Result()
	return first, s.fail(ctx, "mark sent", err)
}

// UnmarkSent removes a sent marker, so that the item may be sent again.
func (s *Store) UnmarkSent(ctx context.Context, item string, recipient ParticipantID) error {
	if item == "" || recipient == "" {
		return errors.New("store: sent marker needs an item and a recipient")
	}
	return s.fail(ctx, "unmark sent", s.client.Del(ctx, s.sentKey(item, recipient)).Err())
}
