package telegram

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// shedLimit is how much typing a chat gets before the intake drops the
// excess; see Config.FloodBurst.
type shedLimit struct {
	burst int
	every time.Duration
	queue int
}

// verdict is what the intake does with a typed message.
type verdict int

const (
	admit    verdict = iota // queue it in its chat's lane
	drop                    // count it handled, silently
	slowDown                // drop it, and have the core tell the person to slow down
)

// shedder is a token bucket per chat, on the adapter's clock, for typed
// messages only. Only Run's goroutine uses it.
//
// It exists because a flooding chat hurts everyone, not just itself:
// Telegram confirms updates only below the oldest one not handled, and
// getUpdates returns at most 100 from there, so a chat whose messages
// queue up (one reply a second, the per-chat limit) holds the window
// still while its own messages fill it. Dropping the excess when it
// arrives, before it queues, keeps every chat's lane short.
type shedder struct {
	limit   shedLimit
	clock   clockwork.Clock
	chats   map[string]*chatFlood
	sweepAt int
}

// chatFlood is one chat's bucket. A chat whose bucket is full again is
// the same as one never seen, so it is forgotten (see sweep).
type chatFlood struct {
	tokens float64
	at     time.Time
	// noticed says the person was told to slow down in this episode,
	// which lasts until the bucket has refilled.
	noticed bool
}

func newShedder(l shedLimit, clock clockwork.Clock) *shedder {
	return &shedder{limit: l, clock: clock, chats: map[string]*chatFlood{}, sweepAt: 1024}
}

// judge rules on a typed message of lane, which already holds queued
// typed messages (the one being handled included).
func (s *shedder) judge(lane string, queued int) verdict {
	if s.limit.burst < 0 {
		return admit
	}
	c := s.bucket(lane)
	had := c.tokens >= 1
	// A dropped message costs a token too: a chat that keeps typing
	// faster than the refill gets nothing through until it pauses, so
	// it cannot keep a message of its own in the lane, holding the
	// offset, every time a token comes back.
	c.tokens = max(0, c.tokens-1)
	switch {
	case had && queued < s.limit.queue:
		return admit
	case c.noticed:
		return drop
	}
	c.noticed = true
	return slowDown
}

// bucket is lane's bucket, refilled up to now; a full one starts a new
// episode.
func (s *shedder) bucket(lane string) *chatFlood {
	now := s.clock.Now()
	c := s.chats[lane]
	if c == nil {
		s.sweep(now) // first: the new bucket is full, and would go too
		c = &chatFlood{tokens: float64(s.limit.burst), at: now}
		s.chats[lane] = c
		return c
	}
	c.tokens, c.at = s.level(c, now), now
	if c.tokens >= float64(s.limit.burst) {
		c.noticed = false
	}
	return c
}

// level is how many tokens c holds at now.
func (s *shedder) level(c *chatFlood, now time.Time) float64 {
	refill := now.Sub(c.at).Seconds() / s.limit.every.Seconds()
	return min(float64(s.limit.burst), c.tokens+refill)
}

// sweep forgets the buckets that have refilled, once the map has grown
// to twice its size after the last sweep, so memory follows the chats
// flooding now, not every chat ever seen.
func (s *shedder) sweep(now time.Time) {
	if len(s.chats) < s.sweepAt {
		return
	}
	for lane, c := range s.chats {
		if s.level(c, now) >= float64(s.limit.burst) {
			delete(s.chats, lane)
		}
	}
	s.sweepAt = max(1024, 2*len(s.chats))
}

// tracked is how many chats the shedder remembers.
func (s *shedder) tracked() int { return len(s.chats) }
