// Package limitcount records what an adapter reports of one platform's
// rate limits (bot.LimitMetrics), for the adapters' tests.
package limitcount

import (
	"sync"
	"time"
)

// Counter counts the refusals and adds up the waits reported for
// Platform, ignoring other platforms'.
type Counter struct {
	Platform string

	mu      sync.Mutex
	refused int
	waited  time.Duration
}

// RateLimited counts a refusal (a 429).
func (c *Counter) RateLimited(platform string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if platform == c.Platform {
		c.refused++
	}
}

// RateWait adds a wait the limits imposed.
func (c *Counter) RateWait(platform string, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if platform == c.Platform {
		c.waited += d
	}
}

// Get is the refusals counted and the waits added up so far.
func (c *Counter) Get() (int, time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refused, c.waited
}
