package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis replicates asynchronously: a write the primary acknowledged may
// not have reached a replica when the replica is promoted, and is then
// gone. TestAnswersSurviveFailover loses thousands of acknowledged
// answers that way without WAIT: the old primary keeps taking writes
// after Sentinel promoted its replica, until Sentinel demotes it.

// replicaAcks is how many replicas must have an answer before
// RecordAnswer acknowledges it, and how long WAIT may wait for them.
type replicaAcks struct {
	n       int
	timeout time.Duration
}

// WithReplicaAcks has RecordAnswer acknowledge an answer only once n
// replicas have it (WAIT n after the script, on the same connection),
// and fail with ErrUnavailable otherwise, for the caller to retry. With
// n equal to the number of replicas, an acknowledged answer survives any
// failover, at the price of answers waiting while a replica is missing.
// Open on a Sentinel URL uses 1 unless told otherwise; 0 turns it off.
// WAIT waits at most half of WithTimeout. Not for Cluster, whose
// pipelines cannot keep WAIT on the script's connection.
func WithReplicaAcks(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("store: replica acks must not be negative, got %d", n)
		}
		c.acks = n
		return nil
	}
}

// acksFor settles the replica acks for a REDIS_URL: one for Sentinel
// unless set, and none possible on Cluster.
func acksFor(url string, c config) (config, error) {
	t, err := parseURL(url)
	if err != nil {
		return c, err
	}
	switch {
	case t.cluster != nil && c.acks > 0:
		return c, errors.New("store: WithReplicaAcks does not work on Cluster")
	case t.failover != nil && c.acks < 0:
		c.acks = 1
	}
	return c, nil
}

// runAcked runs an answer's script: through the hot path when no
// replica needs to confirm it, otherwise followed by WAIT in one
// pipeline, since WAIT counts the replicas that have the writes of its
// own connection.
func (s *Store) runAcked(ctx context.Context, sc *redis.Script, keys []string, args ...any) (any, error) {
	if s.acks.n == 0 {
		return sc.Run(ctx, s.hot(ctx), keys, args...).Result()
	}
	v, err := s.evalWait(ctx, func(p redis.Pipeliner) *redis.Cmd { return sc.EvalSha(ctx, p, keys, args...) })
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		v, err = s.evalWait(ctx, func(p redis.Pipeliner) *redis.Cmd { return sc.Eval(ctx, p, keys, args...) })
	}
	return v, err
}

// evalWait sends the script and WAIT together and reads both.
func (s *Store) evalWait(ctx context.Context, eval func(redis.Pipeliner) *redis.Cmd) (any, error) {
	var script *redis.Cmd
	var wait *redis.Cmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		script = eval(p)
		// WAIT's timeout stays under the connection's read timeout,
		// so a missing replica reads as a count, not a broken reply.
		wait = p.Do(ctx, "WAIT", s.acks.n, s.acks.timeout.Milliseconds())
		return nil
	})
	if script.Err() != nil {
		return nil, script.Err()
	}
	if err != nil {
		return nil, err
	}
	if got, err := wait.Int64(); err != nil || got < int64(s.acks.n) {
		return nil, &notReplicated{got: got, want: s.acks.n, within: s.acks.timeout}
	}
	return script.Val(), nil
}

// notReplicated is a write that fewer replicas confirmed than asked.
// It is no server reply, so fail reports it as ErrUnavailable.
type notReplicated struct {
	got    int64
	want   int
	within time.Duration
}

func (e *notReplicated) Error() string {
	return fmt.Sprintf("%d of %d replicas confirmed the write within %v", e.got, e.want, e.within)
}
