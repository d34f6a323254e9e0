package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-co-op/gocron/v2"
	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/metrics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// deps is everything a running bot is made of, built once by wire.
type deps struct {
	course  *course.Course
	clock   schedule.Clock
	catalog *locales.Catalog
	store   *store.Store
	bot     *bot.Bot
	log     *slog.Logger
	metrics *metrics.Metrics
	memory  bool // storage is an in-process Redis: nothing survives exit
	runner  *schedule.Runner
	closers []func() error
	// courseChanged tells, once per reload, whoever keeps something in
	// step with the course (the Discord scheduled events).
	courseChanged chan struct{}
}

// Close releases what wire opened, last opened first.
func (d *deps) Close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		_ = d.closers[i]()
	}
}

// wire builds the bot. With REDIS_URL unset and allowMemory, storage is
// an embedded in-process Redis running the very same store code.
func (g *globals) wire(ctx context.Context, log *slog.Logger, allowMemory bool) (*deps, error) {
	c, err := g.loadCourse()
	if err != nil {
		return nil, err
	}
	if err := storageCodes(c); err != nil {
		return nil, err
	}
	d := &deps{course: c, log: log, metrics: metrics.New(), courseChanged: make(chan struct{}, 1)}
	if d.clock, err = g.clock(c); err != nil {
		return nil, err
	}
	if d.catalog, err = locales.NewCatalog(); err != nil {
		return nil, err
	}
	if err := g.openStore(ctx, d, allowMemory); err != nil {
		return nil, err
	}
	secret, err := g.secret(allowMemory)
	if err != nil {
		d.Close()
		return nil, err
	}
	lease, err := g.duration("ELMA_DELIVERY_LEASE")
	if err != nil {
		d.Close()
		return nil, err
	}
	claim, err := g.duration("ELMA_CLAIM_TTL")
	if err != nil {
		d.Close()
		return nil, err
	}
	d.bot, err = bot.New(bot.Config{Course: c, Store: d.store, Catalog: d.catalog, Clock: d.clock, Logger: log, Secret: secret,
		Delivery: bot.DeliveryConfig{Lease: lease}, ClaimFor: claim, Metrics: d.metrics})
	if err != nil {
		d.Close()
		return nil, err
	}
	// Closed before the store: the delivery loop finishes the sends it
	// has begun and starts no more.
	d.closers = append(d.closers, d.bot.Close)
	return d, nil
}

func (g *globals) openStore(ctx context.Context, d *deps, allowMemory bool) error {
	url := g.env.Getenv("REDIS_URL")
	if url == "" && !allowMemory {
		return fmt.Errorf("REDIS_URL is not set (e.g. redis://localhost:6379/0)")
	}
	if url != "" {
		st, err := store.Open(ctx, url)
		if err != nil {
			return err
		}
		d.store = st
		d.closers = append(d.closers, st.Close)
		return nil
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return fmt.Errorf("starting the in-memory store: %w", err)
	}
	d.memory = true
	d.store = store.New(redis.NewClient(&redis.Options{Addr: mr.Addr()}))
	d.closers = append(d.closers, func() error { mr.Close(); return nil }, d.store.Close)
	return nil
}

// secret is ELMA_SECRET, which signs quiz buttons; a served bot needs it
// to outlive restarts. The console, whose buttons live only as long as
// the session, gets a random one when it is unset.
func (g *globals) secret(console bool) ([]byte, error) {
	if s := g.env.Getenv("ELMA_SECRET"); s != "" {
		if len(s) < 16 {
			return nil, fmt.Errorf("ELMA_SECRET must be at least 16 characters")
		}
		return []byte(s), nil
	}
	if !console {
		return nil, fmt.Errorf("ELMA_SECRET is not set: it signs quiz buttons and must stay the same across restarts (e.g. openssl rand -hex 32)")
	}
	b := make([]byte, 32)
	_, err := rand.Read(b)
	return b, err
}

// startReminders runs the course's plan on gocron with the bot as the
// deliverer; the returned func stops it.
func (d *deps) startReminders(ctx context.Context, locker gocron.Locker) (func(), error) {
	r, err := schedule.NewRunner(ctx, d.clock, d.bot, locker, d.log)
	if err != nil {
		return nil, err
	}
	if err := r.Load(plan(d.course)); err != nil {
		return nil, err
	}
	r.Start()
	d.runner = r
	return func() {
		if err := r.Shutdown(); err != nil {
			d.log.Warn("stopping the scheduler", "err", err)
		}
	}, nil
}

// reload reads the course files again and, if they check out, serves
// them and replans. Sends already made are not repeated: their ids (and
// markers) are unchanged unless their session moved.
func (d *deps) reload(g *globals) error {
	c, err := g.loadCourse()
	if err == nil {
		err = storageCodes(c)
	}
	if err != nil {
		return fmt.Errorf("course not reloaded, still serving the previous one: %w", err)
	}
	d.bot.SetCourse(c)
	d.course = c
	select {
	case d.courseChanged <- struct{}{}:
	default: // one pending signal says it all
	}
	if d.runner != nil {
		return d.runner.Load(plan(c))
	}
	return nil
}

// duration reads an optional duration setting ("90s", "2m"); unset is 0.
func (g *globals) duration(name string) (time.Duration, error) {
	v := g.env.Getenv(name)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 90s or 2m", name, v)
	}
	return d, nil
}
