package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
)

// DefaultGlobalRate is Discord's global limit for a bot: requests a
// second over all routes. Interaction callbacks do not count.
const DefaultGlobalRate = 50

// globalSpan is the window of the global limit.
const globalSpan = time.Second

// pruneFloor is how many route buckets are kept before spent ones are
// dropped; each DM channel and each interaction has its own.
const pruneFloor = 256

// pacer holds every REST call to Discord's rate limits, on the adapter's
// clock, so that the bot waits before a call Discord would refuse
// instead of collecting 429s (Discord bans an IP past 10,000 refused
// calls in ten minutes).
//
// It does the work discordgo's own RateLimiter would, which sleeps on
// the wall clock: the pacing transport strips the X-RateLimit headers
// before discordgo sees them, so discordgo's buckets never wait and
// only keep calls to one URL one at a time.
type pacer struct {
	clock   clockwork.Clock
	global  *globalLimit     // nil: no global pacing
	metrics bot.LimitMetrics // hears 429s and waits

	mu      sync.Mutex
	routes  map[string]*routeBucket // by method and path
	pruneAt int
}

func newPacer(clock clockwork.Clock, rate int, spread bool) *pacer {
	p := &pacer{clock: clock, metrics: bot.NoMetrics{}, routes: map[string]*routeBucket{}, pruneAt: pruneFloor}
	if rate > 0 {
		p.global = &globalLimit{clock: clock, rate: rate, spread: spread, freed: make(chan struct{})}
	}
	return p
}

// routeBucket is what Discord's headers said of one route's bucket.
type routeBucket struct {
	limit     int
	remaining int
	reset     time.Time // the end of the current window; zero: not known
}

// awaitRoute waits until the route's bucket can take one more call and
// counts it taken.
func (p *pacer) awaitRoute(ctx context.Context, key string) error {
	for {
		wait := p.takeRoute(key)
		if wait <= 0 {
			return nil
		}
		if err := bot.Sleep(ctx, p.clock, wait); err != nil {
			return err
		}
	}
}

// takeRoute takes a call from the bucket, or says how long until its
// window ends. A bucket not heard of lets calls through: its headers
// come with the first answer.
func (p *pacer) takeRoute(key string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.routes[key]
	if b == nil {
		return 0
	}
	now := p.clock.Now()
	if !b.reset.IsZero() && !now.Before(b.reset) {
		b.remaining, b.reset = b.limit, time.Time{}
	}
	if b.remaining <= 0 && !b.reset.IsZero() {
		return b.reset.Sub(now)
	}
	b.remaining--
	return 0
}

// learn reads a response's rate-limit headers into the route's bucket,
// or a 429's body into the bucket or the global limit. The window is
// counted from when the answer came, which is no earlier than Discord
// counted it from.
func (p *pacer) learn(key string, resp *http.Response) {
	now := p.clock.Now()
	if resp.StatusCode == http.StatusTooManyRequests {
		p.metrics.RateLimited(string(bot.Discord))
		wait, global := refusal(resp)
		if global && p.global != nil {
			p.global.block(now.Add(wait))
			return
		}
		p.setRoute(key, now, func(b *routeBucket) { b.remaining, b.reset = 0, now.Add(wait) })
		return
	}
	h := resp.Header
	remaining, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	limit, err2 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	after, err3 := strconv.ParseFloat(h.Get("X-RateLimit-Reset-After"), 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	p.setRoute(key, now, func(b *routeBucket) {
		b.limit, b.remaining, b.reset = limit, remaining, now.Add(secondsOf(after))
	})
}

func (p *pacer) setRoute(key string, now time.Time, set func(*routeBucket)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.routes[key]
	if b == nil {
		p.prune(now)
		b = &routeBucket{}
		p.routes[key] = b
	}
	set(b)
}

// prune drops buckets whose window is over, which know nothing a new
// bucket would not learn from its first answer; the caller holds p.mu.
func (p *pacer) prune(now time.Time) {
	if len(p.routes) < p.pruneAt {
		return
	}
	for key, b := range p.routes {
		if b.reset.IsZero() || !now.Before(b.reset) {
			delete(p.routes, key)
		}
	}
	p.pruneAt = max(2*len(p.routes), pruneFloor)
}

// refusal reads how long a 429 asks to wait and whether it holds for
// every route. The body is put back for discordgo to read.
func refusal(resp *http.Response) (time.Duration, bool) {
	raw, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	if json.Unmarshal(raw, &body) != nil {
		// Not Discord's JSON (a proxy's page): the header still says,
		// and the body is rewritten as Discord's, so that discordgo
		// reports a rate limit to wait out, not a failure.
		body.RetryAfter, _ = strconv.ParseFloat(resp.Header.Get("Retry-After"), 64)
		body.RetryAfter = max(body.RetryAfter, 1)
		rewritten, _ := json.Marshal(map[string]any{"message": "rate limited (rewritten from a non-JSON answer)", "retry_after": body.RetryAfter, "global": false})
		resp.Body = io.NopCloser(bytes.NewReader(rewritten))
		resp.ContentLength = int64(len(rewritten))
		resp.Header.Set("Content-Type", "application/json")
	}
	global := body.Global || strings.EqualFold(resp.Header.Get("X-RateLimit-Global"), "true")
	return secondsOf(body.RetryAfter), global
}

func secondsOf(s float64) time.Duration {
	return max(time.Duration(s*float64(time.Second)), 0)
}

// globalLimit lets at most rate calls be under way, or answered within
// the last second. Counting a call from its answer, not its start,
// keeps the bot inside Discord's window however long calls travel:
// Discord saw each call before the bot saw its answer.
type globalLimit struct {
	clock  clockwork.Clock
	rate   int
	spread bool // calls start 1/rate apart, not a second's worth at once

	mu       sync.Mutex
	answered []time.Time // answers within the last second, oldest first
	underway int
	freed    chan struct{} // closed and replaced when a call is answered
	blocked  time.Time     // a global 429 holds every call until then
	next     time.Time     // with spread, the earliest next start
	replies  int           // calls waiting that are not bulk: they go first
}

// acquire waits for room for one call; done must be called once the
// call is answered or failed. A bulk call (a wave's) gives way while a
// reply to someone waits, so a wave of thousands does not hold up the
// bot's answers.
func (g *globalLimit) acquire(ctx context.Context, bulk bool) (done func(), err error) {
	if !bulk {
		g.mu.Lock()
		g.replies++
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			g.replies--
			g.mu.Unlock()
		}()
	}
	for {
		wait, freed, ok := g.take(bulk)
		if ok {
			return g.release, nil
		}
		if freed != nil {
			// Every slot is under way: room comes with an answer.
			select {
			case <-freed:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if err := bot.Sleep(ctx, g.clock, wait); err != nil {
			return nil, err
		}
	}
}

// take claims a slot, or says how long until one frees, or hands the
// channel an answer will close when all are under way.
func (g *globalLimit) take(bulk bool) (time.Duration, <-chan struct{}, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if now.Before(g.blocked) {
		return g.blocked.Sub(now), nil, false
	}
	if bulk && g.replies > 0 {
		return time.Second / time.Duration(g.rate), nil, false
	}
	old := 0
	for old < len(g.answered) && !g.answered[old].After(now.Add(-globalSpan)) {
		old++
	}
	g.answered = slices.Delete(g.answered, 0, old)
	if g.underway+len(g.answered) < g.rate {
		// Spread: the same rate, but fewer requests on the wire at any
		// instant, so a crash leaves fewer messages of unknown fate.
		if g.spread && now.Before(g.next) {
			return g.next.Sub(now), nil, false
		}
		g.next = now.Add(time.Second / time.Duration(g.rate))
		g.underway++
		return 0, nil, true
	}
	if len(g.answered) > 0 {
		return g.answered[0].Add(globalSpan).Sub(now), nil, false
	}
	return 0, g.freed, false
}

func (g *globalLimit) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.underway--
	g.answered = append(g.answered, g.clock.Now())
	close(g.freed)
	g.freed = make(chan struct{})
}

// block holds every call until the time a global 429 named.
func (g *globalLimit) block(until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.blocked) {
		g.blocked = until
	}
}

// pacing is the http.RoundTripper that paces calls: it waits for the
// route's bucket, then for the global limit (interaction callbacks
// excepted, as on Discord), then makes the exchange, bounded by
// timeout, and learns from the answer.
type pacing struct {
	pacer   *pacer
	next    http.RoundTripper
	timeout time.Duration
}

func (t pacing) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != apiHost {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	key := req.Method + " " + req.URL.Path
	start := t.pacer.clock.Now()
	if err := t.pacer.awaitRoute(ctx, key); err != nil {
		return nil, err
	}
	done := func() {}
	if g := t.pacer.global; g != nil && !isCallback(req.URL.Path) {
		var err error
		if done, err = g.acquire(ctx, bot.Bulk(ctx)); err != nil {
			return nil, err
		}
	}
	t.pacer.waited(start)
	// The waits above may be long; only the exchange itself is bounded.
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	done()
	if err != nil {
		cancel()
		return nil, err
	}
	t.pacer.learn(key, resp)
	stripRateHeaders(resp.Header)
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// waited counts the time since start as held back by the limits.
func (p *pacer) waited(start time.Time) {
	if d := p.clock.Since(start); d > 0 {
		p.metrics.RateWait(string(bot.Discord), d)
	}
}

// isCallback tells an interaction callback, /api/v9/interactions/{id}/{token}/callback.
func isCallback(path string) bool {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	return len(seg) == 6 && seg[0] == "api" && seg[2] == "interactions" && seg[5] == "callback"
}

// stripRateHeaders keeps discordgo's RateLimiter from sleeping on the
// wall clock: the pacer has read the headers.
func stripRateHeaders(h http.Header) {
	for k := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Ratelimit-") {
			delete(h, k)
		}
	}
}

// cancelOnClose ends an exchange's context once its body is read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
