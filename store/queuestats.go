package store

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// QueueStats is the delivery queue at a glance, for monitoring.
type QueueStats struct {
	Depth int64 // every delivery queued: due, waiting for a retry, or taken
	Due   int64 // those due at the instant asked about (a lease run out counts)
	// Oldest is when the earliest due delivery came due; zero when none
	// is due.
	Oldest time.Time
}

// QueueStats reads the queue's size, what of it is due at now, and the
// earliest due instant, in one round trip of three cheap commands (ZCARD,
// ZCOUNT, and the first member's score): a monitoring scrape may call it
// often.
func (s *Store) QueueStats(ctx context.Context, now time.Time) (QueueStats, error) {
	key := s.dlvQueueKey()
	upTo := strconv.FormatInt(now.UnixMilli(), 10)
	var depth, due *redis.IntCmd
	var first *redis.ZSliceCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		depth = p.ZCard(ctx, key)
		due = p.ZCount(ctx, key, "-inf", upTo)
		first = p.ZRangeWithScores(ctx, key, 0, 0)
		return nil
	})
	if err != nil {
		return QueueStats{}, s.fail(ctx, "read delivery queue size", err)
	}
	st := QueueStats{Depth: depth.Val(), Due: due.Val()}
	if z := first.Val(); len(z) > 0 && int64(z[0].Score) <= now.UnixMilli() {
		st.Oldest = time.UnixMilli(int64(z[0].Score)).UTC()
	}
	return st, nil
}
