package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
)

// Backoff for passing failures (5xx, network): 1s, 2s, 4s ... up to 30s.
const (
	backoffBase = time.Second
	backoffMax  = 30 * time.Second
)

// OutboxConfig sets up an Outbox. Here a zero limit means no limit.
type OutboxConfig struct {
	Clock      clockwork.Clock // nil: the real clock
	GlobalRate int             // messages per second over all chats; 0: unlimited
	PerChat    time.Duration   // least gap between two messages to one chat; 0: none
	MaxRetries int             // further tries after a passing failure; 0: none
	// Spread spaces call starts evenly (see startSlot) instead of sending
	// a second's permits at once.
	Spread  bool
	Logger  *slog.Logger     // nil: discard
	Metrics bot.LimitMetrics // hears 429s and waits; nil: nothing
}

// Outbox paces calls to Telegram. It keeps Telegram's broadcast limits
// (about 30 messages a second overall, one a second per chat), waits out
// a 429's retry_after, retries server and network failures a bounded
// number of times, and turns a 403 into bot.ErrUnreachable at once.
//
// The pacing is measured from when a call finished, not when it started,
// so it holds at Telegram's end whatever the network delay: a global
// permit comes back one second after the call that used it returned, and
// a chat's next call waits PerChat after its last one returned.
//
// Callers block until their call is done. Calls to one chat go out one at
// a time in arrival order; calls to different chats queue for the global
// permits first come, first served, so none starves.
type Outbox struct {
	clock      clockwork.Clock
	log        *slog.Logger
	metrics    bot.LimitMetrics
	global     int
	perChat    time.Duration
	maxRetries int

	mu      sync.Mutex
	free    int             // global permits available now
	waiting []chan struct{} // callers queued for a permit, oldest first
	bulk    []chan struct{} // bulk callers, served when no other waits
	chats   map[string]*chatLane
	pruneAt int
	// nextStart is the earliest start of the next call (see startSlot).
	spread    bool
	nextStart time.Time
}

// chatLane serializes the calls to one chat.
type chatLane struct {
	turn  chan struct{} // holds a token while a call to the chat is under way
	users int           // callers holding or waiting for the turn; guarded by Outbox.mu
	next  time.Time     // earliest start of the next call; guarded by turn
}

// NewOutbox makes an outbox.
func NewOutbox(cfg OutboxConfig) *Outbox {
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NoMetrics{}
	}
	return &Outbox{
		clock:      cfg.Clock,
		log:        cfg.Logger,
		metrics:    cfg.Metrics,
		global:     max(cfg.GlobalRate, 0),
		perChat:    max(cfg.PerChat, 0),
		maxRetries: max(cfg.MaxRetries, 0),
		spread:     cfg.Spread,
		free:       max(cfg.GlobalRate, 0),
		chats:      map[string]*chatLane{},
		pruneAt:    1024,
	}
}

// Do runs call for chat when the limits allow and retries it as the
// error warrants. call gets a context to make its request with. The
// error wraps bot.ErrUnreachable when the person blocked the bot.
func (o *Outbox) Do(ctx context.Context, chat string, call func(context.Context) error) error {
	lane, err := o.enter(ctx, chat)
	if err != nil {
		return err
	}
	defer o.leave(lane)
	for attempt := 0; ; attempt++ {
		if err := o.pause(ctx, lane.next); err != nil {
			return err
		}
		err := o.attempt(ctx, lane, call)
		if err == nil {
			return nil
		}
		wait, retry := o.verdict(ctx, err, attempt)
		if !retry {
			return o.final(chat, err, attempt)
		}
		o.log.Debug("telegram: retrying", "chat", chat, "attempt", attempt+1, "wait", wait, "err", err)
		lane.next = later(lane.next, o.clock.Now().Add(wait))
	}
}

// attempt makes one call under a global permit and notes when the chat
// may be written to again.
func (o *Outbox) attempt(ctx context.Context, lane *chatLane, call func(context.Context) error) error {
	start := o.clock.Now()
	if err := o.acquire(ctx); err != nil {
		return err
	}
	if err := o.sleepUntil(ctx, o.startSlot()); err != nil {
		o.release()
		return err
	}
	o.waited(start)
	err := call(ctx)
	done := o.clock.Now()
	o.releaseLater()
	lane.next = done.Add(o.perChat)
	return err
}

// verdict decides whether a failed call is tried again, and after how
// long.
func (o *Outbox) verdict(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	if ctx.Err() != nil || attempt >= o.maxRetries {
		return 0, false
	}
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) {
		return backoff(attempt), true // network trouble, or a reply that was not JSON
	}
	switch {
	case apiErr.Code == http.StatusTooManyRequests:
		o.metrics.RateLimited(string(bot.Telegram))
		return max(time.Duration(apiErr.RetryAfter)*time.Second, time.Second), true
	case apiErr.Code >= 500:
		return backoff(attempt), true
	}
	return 0, false
}

// final words the error the caller gets.
func (o *Outbox) final(chat string, err error, attempt int) error {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) && apiErr.Code == http.StatusForbidden {
		return fmt.Errorf("telegram: chat %s: %w: %s", chat, bot.ErrUnreachable, apiErr.Message)
	}
	if attempt > 0 {
		return fmt.Errorf("telegram: chat %s: gave up after %d tries: %w", chat, attempt+1, err)
	}
	return fmt.Errorf("telegram: chat %s: %w", chat, err)
}

func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	return min(d, backoffMax)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// enter waits for the chat's turn.
func (o *Outbox) enter(ctx context.Context, chat string) (*chatLane, error) {
	o.mu.Lock()
	lane := o.chats[chat]
	if lane == nil {
		lane = &chatLane{turn: make(chan struct{}, 1)}
		o.chats[chat] = lane
		o.prune()
	}
	lane.users++
	o.mu.Unlock()
	select {
	case lane.turn <- struct{}{}:
		return lane, nil
	case <-ctx.Done():
		o.mu.Lock()
		lane.users--
		o.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (o *Outbox) leave(lane *chatLane) {
	<-lane.turn
	o.mu.Lock()
	lane.users--
	o.mu.Unlock()
}

// prune forgets idle chats whose gap has passed, once the map has grown
// to twice its size after the last pruning; the caller holds o.mu.
func (o *Outbox) prune() {
	if len(o.chats) < o.pruneAt {
		return
	}
	now := o.clock.Now()
	for id, lane := range o.chats {
		if lane.users == 0 && !lane.next.After(now) {
			delete(o.chats, id)
		}
	}
	o.pruneAt = max(1024, 2*len(o.chats))
}

// acquire takes a global permit, queueing behind earlier callers of its
// kind: replies to people go before bulk sends (see bot.WithBulk), so a
// wave in progress does not hold up the bot's answers.
func (o *Outbox) acquire(ctx context.Context) error {
	if o.global == 0 {
		return nil
	}
	o.mu.Lock()
	if o.free > 0 && len(o.waiting) == 0 && len(o.bulk) == 0 {
		o.free--
		o.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	if bot.Bulk(ctx) {
		o.bulk = append(o.bulk, ready)
	} else {
		o.waiting = append(o.waiting, ready)
	}
	o.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		o.abandon(ready)
		return ctx.Err()
	}
}

// abandon leaves the permit queue; a permit handed over meanwhile is
// passed on.
func (o *Outbox) abandon(ready chan struct{}) {
	o.mu.Lock()
	for _, q := range []*[]chan struct{}{&o.waiting, &o.bulk} {
		if i := slices.Index(*q, ready); i >= 0 {
			*q = slices.Delete(*q, i, i+1)
			o.mu.Unlock()
			return
		}
	}
	o.mu.Unlock()
	o.release()
}

// startSlot spaces call starts evenly, one every 1/GlobalRate seconds,
// instead of letting a second's permits go out in one burst: the rate is
// the same, and far fewer requests are on the wire at any instant, so
// the bot dying mid-wave leaves at most about one message whose fate is
// unknown (and is sent again).
func (o *Outbox) startSlot() time.Time {
	now := o.clock.Now()
	if o.global == 0 || !o.spread {
		return now
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	at := later(now, o.nextStart)
	o.nextStart = at.Add(time.Second / time.Duration(o.global))
	return at
}

// releaseLater gives a permit back one second from now.
func (o *Outbox) releaseLater() {
	if o.global == 0 {
		return
	}
	o.clock.AfterFunc(time.Second, o.release)
}

// release hands a permit to the longest waiter, or puts it back.
func (o *Outbox) release() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, q := range []*[]chan struct{}{&o.waiting, &o.bulk} {
		if len(*q) > 0 {
			close((*q)[0])
			*q = (*q)[1:]
			return
		}
	}
	o.free++
}

// pause waits for the chat's gap or a 429's wait to pass, counting the
// wait.
func (o *Outbox) pause(ctx context.Context, t time.Time) error {
	start := o.clock.Now()
	err := o.sleepUntil(ctx, t)
	o.waited(start)
	return err
}

// waited counts the time since start as held back by the limits.
func (o *Outbox) waited(start time.Time) {
	if d := o.clock.Since(start); d > 0 {
		o.metrics.RateWait(string(bot.Telegram), d)
	}
}

// sleepUntil waits on the clock until t, or until ctx is done.
func (o *Outbox) sleepUntil(ctx context.Context, t time.Time) error {
	return bot.Sleep(ctx, o.clock, o.clock.Until(t))
}
