package store

import "sync"

// memo remembers facts that never change once written to Redis (which
// participant owns an account, what a poll asks), sparing a round trip
// on the hot path of every answer. It forgets everything when full:
// Redis stays the source of truth, so forgetting costs only a lookup.
type memo[K comparable, V any] struct {
	mu  sync.RWMutex
	max int
	m   map[K]V
}

func newMemo[K comparable, V any](max int) *memo[K, V] {
	return &memo[K, V]{max: max, m: map[K]V{}}
}

func (c *memo[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *memo[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = map[K]V{}
	}
	c.m[k] = v
}
