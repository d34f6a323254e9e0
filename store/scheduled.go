package store

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// A scheduled announcement goes out through the delivery queue: one
// delivery, its trigger, is queued due at the announcement's instant.
// Whichever process takes the trigger then queues the announcement's
// wave, and the queue's leases make that happen once, on one replica,
// even across a crash (see doc.go, "Scheduled announcements").

// ScheduledItem prefixes the trigger of a scheduled announcement:
// "sb:<announcement id>".
const ScheduledItem = "sb:"

// scheduledTo is the trigger's only recipient: it sends nothing itself.
const scheduledTo = "wave"

// The scripts are run only on a coordinator's command, so they are
// loaded where used rather than with the hot scripts (scripts.go).
var (
	//go:embed lua/sched_list.lua
	schedListLua string
	//go:embed lua/sched_cancel.lua
	schedCancelLua string
)

// Scheduled is an announcement waiting for its instant.
type Scheduled struct {
	ID  string
	Due time.Time
}

// CancelOutcome is what cancelling a scheduled announcement came to.
type CancelOutcome int

// The outcomes of CancelScheduled.
const (
	Cancelled        CancelOutcome = iota // it will not go out
	AlreadyCancelled                      // it had been cancelled before
	Begun                                 // it is going out, or went out
	NotScheduled                          // it was never scheduled
)

// ScheduleBroadcast queues announcement id to go out at due, and lists
// it for ScheduledBroadcasts. Repeating the call changes nothing, and
// does not list again an announcement that has gone out or was
// cancelled since; listed reports whether it is waiting now.
func (s *Store) ScheduleBroadcast(ctx context.Context, id string, due, expires time.Time) (listed bool, err error) {
	item := ScheduledItem + id
	if _, err := s.Enqueue(ctx, item, []string{scheduledTo}, due, expires, nil); err != nil {
		return false, err
	}
	keys := []string{s.dlvLeaseKey(), s.dlvAttemptsKey(), s.dlvStatesKey(item), s.schedListKey()}
	n, err := redis.NewScript(schedListLua).Run(ctx, s.client, keys, item+"|"+scheduledTo, scheduledTo, id, due.UnixMilli()).Int()
	return n == 1, s.fail(ctx, "list scheduled announcement", err)
}

// ScheduledBroadcasts lists the announcements waiting for their
// instant, soonest first.
func (s *Store) ScheduledBroadcasts(ctx context.Context) ([]Scheduled, error) {
	z, err := s.client.ZRangeWithScores(ctx, s.schedListKey(), 0, -1).Result()
	if err != nil {
		return nil, s.fail(ctx, "list scheduled announcements", err)
	}
	out := make([]Scheduled, 0, len(z))
	for _, m := range z {
		id, ok := m.Member.(string)
		if !ok {
			return nil, fmt.Errorf("store: malformed scheduled announcement %v", m.Member)
		}
		out = append(out, Scheduled{ID: id, Due: time.UnixMilli(int64(m.Score)).UTC()})
	}
	return out, nil
}

// Unlist takes announcement id off the scheduled list, once it is
// going out.
func (s *Store) Unlist(ctx context.Context, id string) error {
	return s.fail(ctx, "unlist scheduled announcement", s.client.ZRem(ctx, s.schedListKey(), id).Err())
}

// CancelScheduled keeps announcement id from going out, unless its
// trigger was already taken: then part of it may have been sent.
func (s *Store) CancelScheduled(ctx context.Context, id string) (CancelOutcome, error) {
	item := ScheduledItem + id
	keys := []string{s.dlvQueueKey(), s.dlvLeaseKey(), s.dlvAttemptsKey(), s.dlvStatesKey(item), s.dlvCountsKey(item), s.schedListKey()}
	v, err := redis.NewScript(schedCancelLua).Run(ctx, s.client, keys, item+"|"+scheduledTo, scheduledTo, id).Text()
	switch {
	case errors.Is(err, redis.Nil):
		return NotScheduled, nil
	case err != nil:
		return 0, s.fail(ctx, "cancel scheduled announcement", err)
	}
	switch v {
	case "ok":
		return Cancelled, nil
	case string(Skipped):
		return AlreadyCancelled, nil
	}
	return Begun, nil
}

// ScheduledState is where the trigger of announcement id stands, as
// DeliveryState says: "" when it was never scheduled.
func (s *Store) ScheduledState(ctx context.Context, id string) (string, error) {
	return s.DeliveryState(ctx, ScheduledItem+id, scheduledTo)
}
