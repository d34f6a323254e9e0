package discordtest

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Limits are the rate limits the server holds the bot to once
// EnforceRateLimits is called; Discord's are DiscordLimits.
type Limits struct {
	// Global is how many requests the bot may make in one second over
	// all routes; interaction callbacks do not count, as on Discord.
	Global int
	// PerRoute is how many requests one bucket takes per Window. A
	// bucket is a route together with its major parameter: the channel,
	// the guild, the webhook and its token, or the interaction.
	PerRoute int
	Window   time.Duration
}

// DiscordLimits are Discord's limits for a bot: 50 requests a second,
// and 5 messages per 5 seconds in one channel.
func DiscordLimits() Limits {
	return Limits{Global: 50, PerRoute: 5, Window: 5 * time.Second}
}

// RateStats counts requests and the 429s the limits answered (scripted
// ones, from FailNext, are not counted as limited).
type RateStats struct {
	Requests      int // every REST request that reached a route
	Limited       int // 429s from the limits
	GlobalLimited int // of those, the ones from the global limit
}

// callbackRoute is exempt from the global limit on Discord.
const callbackRoute = "/interactions/{interaction_id}/{interaction_token}/callback"

// globalSpan is the window of the global limit.
const globalSpan = time.Second

// limiter holds the windows of the limits. Both kinds are fixed
// windows, as Discord's headers describe them: a window opens with the
// first request after the last one closed and takes a number of
// requests until its reset.
type limiter struct {
	limits Limits
	global window
	routes map[string]*window
}

type window struct {
	reset time.Time
	count int
}

// open starts a new window at now if the current one is over.
func (w *window) open(now time.Time, span time.Duration) {
	if !now.Before(w.reset) {
		w.reset = now.Add(span)
		w.count = 0
	}
}

// EnforceRateLimits makes the server answer like Discord at its limits:
// X-RateLimit-* headers on every response of a bucket, and a 429 with
// retry_after once the bucket or the global limit is used up. Windows
// run on the server's clock. Zero fields of l switch that limit off.
func (s *Server) EnforceRateLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = &limiter{limits: l, routes: map[string]*window{}}
}

// RateStats reports the requests and 429s so far.
func (s *Server) RateStats() RateStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rates
}

// rateVerdict is what the limits say about one request.
type rateVerdict struct {
	limited    bool
	global     bool
	retryAfter time.Duration
}

// admit counts a request against the limits, sets the bucket's headers
// on h and says whether it is refused.
func (s *Server) admit(route Route, params map[string]string, now time.Time, h http.Header) rateVerdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rates.Requests++
	l := s.limits
	if l == nil {
		return rateVerdict{}
	}
	v := l.admitGlobal(route, now)
	if !v.limited {
		v = l.admitRoute(route, params, now, h)
	}
	if v.limited {
		s.rates.Limited++
		if v.global {
			s.rates.GlobalLimited++
		}
	}
	return v
}

func (l *limiter) admitGlobal(route Route, now time.Time) rateVerdict {
	if l.limits.Global <= 0 || route.Template == callbackRoute {
		return rateVerdict{}
	}
	l.global.open(now, globalSpan)
	if l.global.count >= l.limits.Global {
		return rateVerdict{limited: true, global: true, retryAfter: l.global.reset.Sub(now)}
	}
	l.global.count++
	return rateVerdict{}
}

func (l *limiter) admitRoute(route Route, params map[string]string, now time.Time, h http.Header) rateVerdict {
	if l.limits.PerRoute <= 0 || l.limits.Window <= 0 {
		return rateVerdict{}
	}
	key := bucketKey(route, params)
	w := l.routes[key]
	if w == nil {
		w = &window{}
		l.routes[key] = w
	}
	w.open(now, l.limits.Window)
	limited := w.count >= l.limits.PerRoute
	if !limited {
		w.count++
	}
	after := w.reset.Sub(now)
	h.Set("X-RateLimit-Limit", strconv.Itoa(l.limits.PerRoute))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(l.limits.PerRoute-w.count))
	h.Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(w.reset.UnixMilli())/1000))
	h.Set("X-RateLimit-Reset-After", seconds(after))
	h.Set("X-RateLimit-Bucket", bucketHash(route))
	return rateVerdict{limited: limited, retryAfter: after}
}

// bucketKey is a route with its major parameters: Discord counts each
// channel's (guild's, webhook's, interaction's) calls apart.
func bucketKey(route Route, params map[string]string) string {
	key := route.String()
	for _, p := range []string{"channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id", "interaction_token"} {
		if v, ok := params[p]; ok {
			key += " " + p + "=" + v
		}
	}
	return key
}

// bucketHash names a route's bucket as Discord's opaque X-RateLimit-Bucket does.
func bucketHash(route Route) string {
	h := fnv.New64a()
	h.Write([]byte(route.String()))
	return strconv.FormatUint(h.Sum64(), 16)
}

// writeLimited answers a request the limits refused, as Discord does.
func writeLimited(w http.ResponseWriter, v rateVerdict) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(v.retryAfter.Seconds()))))
	if v.global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		h.Set("X-RateLimit-Scope", "user")
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": math.Ceil(v.retryAfter.Seconds()*1000) / 1000,
		"global":      v.global,
	})
}

// seconds writes a duration as Discord does, in seconds with milliseconds.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", math.Ceil(d.Seconds()*1000)/1000)
}
