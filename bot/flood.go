package bot

import (
	"sync"
	"time"

	"github.com/elmabot/elmabot/schedule"
)

// FloodLimit bounds how fast one person may write to the bot.
type FloodLimit struct {
	Burst int           // updates accepted at once; default 20
	Every time.Duration // one more accepted per this interval; default 1s
}

// flood is a token bucket per person. Buckets of people who went quiet
// are dropped when full again, so the map does not grow for ever.
type flood struct {
	limit FloodLimit
	clock schedule.Clock

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newFlood(l FloodLimit, c schedule.Clock) *flood {
	if l.Burst <= 0 {
		l.Burst = 20
	}
	if l.Every <= 0 {
		l.Every = time.Second
	}
	return &flood{limit: l, clock: c, buckets: map[string]*bucket{}}
}

// allow takes a token for the person; false means drop the update.
func (f *flood) allow(p Platform, user string) bool {
	now := f.clock.Now()
	key := string(p) + ":" + user
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(f.limit.Burst), at: now}
		f.buckets[key] = b
	}
	b.tokens = min(float64(f.limit.Burst), b.tokens+now.Sub(b.at).Seconds()/f.limit.Every.Seconds())
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	if len(f.buckets) > 10000 {
		f.sweep()
	}
	return true
}

// sweep forgets buckets that have refilled: they hold no information.
func (f *flood) sweep() {
	now := f.clock.Now()
	for k, b := range f.buckets {
		if b.tokens+now.Sub(b.at).Seconds()/f.limit.Every.Seconds() >= float64(f.limit.Burst) {
			delete(f.buckets, k)
		}
	}
}
