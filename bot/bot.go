package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// Config is what the core needs; every field but Logger is required.
type Config struct {
	Course  *course.Course
	Store   Store
	Catalog *locales.Catalog
	Clock   schedule.Clock
	Logger  *slog.Logger
	// Secret signs the data of answer buttons, so a forged press (another
	// person's button, an invented option) is recognised and refused.
	Secret []byte
	// Flood limits how many updates one person may send: a burst of
	// FloodBurst, then one per FloodEvery. Zero values take defaults.
	Flood FloodLimit
	// Delivery tunes the durable delivery path.
	Delivery DeliveryConfig
	// ClaimFor is how long a replica's claim on an event it is handling
	// lasts (default 15s): longer than handling takes, since another
	// replica given the same event meanwhile turns it away; short,
	// since a replica that died mid-update holds the event that long.
	ClaimFor time.Duration
	// Metrics hears what the bot does; nil counts nothing.
	Metrics Metrics
}

// DefaultClaimFor is Config.ClaimFor's default.
const DefaultClaimFor = 15 * time.Second

// Bot is the conversation. It is safe for concurrent use by several
// adapters.
type Bot struct {
	cfg     Config
	log     *slog.Logger
	flood   *flood
	metrics Metrics

	mu         sync.RWMutex
	messengers map[Platform]Messenger
	// current is the course being served; SetCourse swaps it when the
	// coordinators reload edited course files.
	current atomic.Pointer[course.Course]
	plan    atomic.Pointer[planIndex]
	dlv     *deliveries

	// Work that outlives its update (a broadcast wave) runs under bg and
	// is counted in waves, so Close can stop it and wait.
	bg     context.Context
	stopBg context.CancelFunc
	waves  sync.WaitGroup
}

var _ Handler = (*Bot)(nil)

// New checks cfg and builds a Bot.
func New(cfg Config) (*Bot, error) {
	switch {
	case cfg.Course == nil, cfg.Store == nil, cfg.Catalog == nil, cfg.Clock == nil:
		return nil, errors.New("bot: Course, Store, Catalog and Clock are required")
	case len(cfg.Secret) < 16:
		return nil, errors.New("bot: Secret must be at least 16 bytes")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	metrics := cfg.Metrics
	if metrics == nil {
		metrics = NoMetrics{}
	}
	b := &Bot{
		cfg: cfg, log: log, metrics: metrics,
		flood:      newFlood(cfg.Flood, cfg.Clock),
		messengers: map[Platform]Messenger{},
		dlv:        newDeliveries(),
	}
	b.current.Store(cfg.Course)
	b.bg, b.stopBg = context.WithCancel(context.Background())
	return b, nil
}

// Close stops background waves and waits for them: sends already begun
// finish, no new one starts. A wave cut short leaves its unsent
// recipients unmarked, so sending it again reaches them and nobody else.
func (b *Bot) Close() error {
	b.stopBg()
	b.waves.Wait()
	return nil
}

// background runs fn outside the update that started it.
func (b *Bot) background(fn func(ctx context.Context)) {
	b.waves.Add(1)
	go func() {
		defer b.waves.Done()
		fn(b.bg)
	}()
}

// Course is the course being served.
func (b *Bot) Course() *course.Course { return b.current.Load() }

// SetCourse serves c from now on; updates being handled finish with the
// course they started with.
func (b *Bot) SetCourse(c *course.Course) { b.current.Store(c) }

// Register makes m the way replies reach people on m's platform.
func (b *Bot) Register(m Messenger) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.messengers[m.Platform()] = m
}

func (b *Bot) messenger(p Platform) (Messenger, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	m, ok := b.messengers[p]
	if !ok {
		return nil, fmt.Errorf("bot: no messenger for platform %q", p)
	}
	return m, nil
}

// Handle answers one update. It returns an error only when storage is
// unavailable, or when the same event is being handled elsewhere right
// now (store.ErrBeingHandled), so the adapter delivers it again later; a panic
// while handling is logged and answered with an apology instead.
func (b *Bot) Handle(ctx context.Context, u Update) (err error) {
	start := b.cfg.Clock.Now()
	result := UpdateHandled
	defer func() {
		if v := recover(); v != nil {
			b.log.Error("panic while handling update", "platform", u.Platform, "user", u.UserID, "panic", v, "stack", string(debug.Stack()))
			result, err = UpdateHandled, nil
		}
		b.metrics.Update(string(u.Platform), updateKind(u), result, b.cfg.Clock.Since(start))
	}()
	result, err = b.handle(ctx, u)
	return err
}

// handle is Handle without the panic guard; it says how the update went.
func (b *Bot) handle(ctx context.Context, u Update) (string, error) {
	// Only typed messages are limited: button presses and poll votes
	// answer what the bot sent, and a dropped vote could never be cast
	// again (a quiz poll takes one vote).
	if u.Text != "" && !b.flood.allow(u.Platform, u.UserID) {
		return UpdateDropped, nil
	}
	claim, done, err := b.claimUpdate(ctx, u)
	if err == nil && done {
		return UpdateRedelivered, nil // handled before a crash: no second effect
	}
	if err != nil {
		return b.result(ctx, u, err)
	}
	r, err := b.newRequest(ctx, u)
	if err == nil {
		err = r.dispatch()
	}
	if res, err := b.result(ctx, u, err); err != nil {
		b.release(ctx, u, claim)
		return res, err
	}
	b.markHandled(ctx, u)
	return UpdateHandled, nil
}

// result sorts a handling error (see failed) into an update's result.
func (b *Bot) result(ctx context.Context, u Update, err error) (string, error) {
	if err := b.failed(ctx, u, err); err != nil {
		return UpdateFailed, err
	}
	return UpdateHandled, nil
}

// handledFor outlasts every platform's redelivery: Telegram keeps an
// unconfirmed update for 24 hours.
const handledFor = 48 * time.Hour

// claimUpdate reports whether u was handled before the platform delivered it
// again and, if not, claims it, so that a second delivery arriving while
// this one is handled (at another replica, or a webhook retried) is
// turned away with store.ErrBeingHandled instead of running alongside.
// Poll votes skip both: recording an answer is idempotent and says
// nothing twice, and votes are the busiest path.
func (b *Bot) claimUpdate(ctx context.Context, u Update) (string, bool, error) {
	if u.ID == "" || u.Poll != nil {
		return "", false, nil
	}
	ttl := b.cfg.ClaimFor
	if ttl <= 0 {
		ttl = DefaultClaimFor
	}
	return b.cfg.Store.ClaimHandling(ctx, u.ID, ttl)
}

// release gives up the claim on an update whose handling failed, so its
// redelivery is handled at once; should that fail, the claim expires.
func (b *Bot) release(ctx context.Context, u Update, claim string) {
	if claim == "" {
		return
	}
	if err := b.cfg.Store.ReleaseHandling(context.WithoutCancel(ctx), u.ID, claim); err != nil {
		b.log.Info("releasing an update claim", "update", u.ID, "err", err)
	}
}

// markHandled records that u's effects happened, so the platform
// delivering it again (the bot died before confirming it) repeats none.
func (b *Bot) markHandled(ctx context.Context, u Update) {
	if u.ID == "" || u.Poll != nil {
		return
	}
	if err := b.cfg.Store.MarkHandled(context.WithoutCancel(ctx), u.ID, handledFor); err != nil {
		b.storeTrouble(err)
		b.log.Warn("recording a handled update", "update", u.ID, "err", err)
	}
}

// failed sorts a handling error: storage outages go back to the adapter
// for redelivery; anything else is logged and the person gets an apology.
func (b *Bot) failed(ctx context.Context, u Update, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrBeingHandled) {
		b.log.Info("update being handled elsewhere; it will be delivered again", "update", u.ID)
		return err
	}
	if errors.Is(err, store.ErrUnavailable) {
		b.metrics.StoreUnavailable()
		b.log.Warn("storage unavailable; update will be redelivered", "platform", u.Platform, "user", u.UserID, "err", err)
		return err
	}
	b.log.Error("handling update", "platform", u.Platform, "user", u.UserID, "err", err)
	pr := b.cfg.Catalog.Printer(hintLang(u.LangHint))
	if m, merr := b.messenger(u.Platform); merr == nil {
		_, _ = m.Send(ctx, Reply{ChatID: u.ChatID, Text: pr.T("error_generic")})
	}
	return nil
}

// hintLang maps a platform locale to a course language, else English.
func hintLang(hint string) locales.Lang {
	if l, ok := locales.ParseLang(hint); ok {
		return l
	}
	return locales.EN
}
