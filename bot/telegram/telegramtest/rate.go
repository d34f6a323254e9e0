package telegramtest

import (
	"net/http"
	"sync"
	"time"
)

// rateLimit makes the server behave like Telegram under load: more than
// perSecond messages in any second, or two to one chat closer than
// perChat, are answered 429 with retry_after.
type rateLimit struct {
	mu         sync.Mutex
	perSecond  int
	perChat    time.Duration
	recent     []time.Time // accepted sends in the last second
	lastByChat map[string]time.Time
	violations int
}

// EnforceRate turns rate limiting on for sendMessage and sendPoll.
func (s *Server) EnforceRate(perSecond int, perChat time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = &rateLimit{perSecond: perSecond, perChat: perChat, lastByChat: map[string]time.Time{}}
}

// RateViolations counts the sends the server refused for going too fast.
func (s *Server) RateViolations() int {
	s.mu.Lock()
	rl := s.rate
	s.mu.Unlock()
	if rl == nil {
		return 0
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return rl.violations
}

// overRate admits or refuses one send at the clock's now.
func (s *Server) overRate(method string, params map[string]string) (failure, bool) {
	s.mu.Lock()
	rl := s.rate
	s.mu.Unlock()
	if rl == nil || (method != "sendMessage" && method != "sendPoll") {
		return failure{}, false
	}
	now := s.clock.Now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	cut := 0
	for cut < len(rl.recent) && now.Sub(rl.recent[cut]) >= time.Second {
		cut++
	}
	rl.recent = rl.recent[cut:]
	chat := params["chat_id"]
	last, seen := rl.lastByChat[chat]
	if len(rl.recent) >= rl.perSecond || (seen && now.Sub(last) < rl.perChat) {
		rl.violations++
		return failure{status: http.StatusTooManyRequests, retryAfter: 1}, true
	}
	rl.recent = append(rl.recent, now)
	rl.lastByChat[chat] = now
	return failure{}, false
}
