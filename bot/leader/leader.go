// Package leader runs work on one replica at a time: the one holding a
// lease in Redis (see store.Lease). The others stand by and take over
// within a lease's time once the holder dies, hangs or gives up.
//
// It guards what a platform allows only one of: Telegram's getUpdates
// (a second consumer gets 409 Conflict, and both would handle the same
// updates) and a Discord gateway session per shard. Everything else a
// replica does (sending, the delivery queue, scheduled jobs) is safe to
// run on every replica and needs no leader.
package leader

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/store"
)

// Defaults for Config.
const (
	DefaultTTL = 10 * time.Second
	// releaseTimeout bounds giving a lease up on the way out; the lease
	// expires by itself if Redis does not answer in time.
	releaseTimeout = 2 * time.Second
)

// Leases is the part of the store a leader needs.
type Leases interface {
	AcquireLease(ctx context.Context, name string, ttl time.Duration) (store.Lease, error)
	RenewLease(ctx context.Context, l store.Lease, ttl time.Duration) error
	ReleaseLease(ctx context.Context, l store.Lease) error
}

var _ Leases = (*store.Store)(nil)

// Config names the lease and times it.
type Config struct {
	Name string // e.g. "telegram:<bot id>"
	// TTL is how long the lease lasts unless renewed: the longest a
	// dead holder keeps the others waiting (default 10s).
	TTL time.Duration
	// Renew is how often the holder renews, and how often a standby
	// replica asks for the lease (default TTL/3).
	Renew  time.Duration
	Clock  clockwork.Clock // nil: the real clock
	Logger *slog.Logger    // nil: discard
}

func (c Config) withDefaults() (Config, error) {
	if c.Name == "" {
		return c, errors.New("leader: no lease name")
	}
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	if c.Renew <= 0 {
		c.Renew = c.TTL / 3
	}
	if c.Renew >= c.TTL {
		return c, fmt.Errorf("leader: renewing every %v does not keep a %v lease", c.Renew, c.TTL)
	}
	if c.Clock == nil {
		c.Clock = clockwork.NewRealClock()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Run does work while this replica holds the lease, until ctx ends. It
// stands by while another replica holds it. Should the lease be lost (a
// renewal refused, or impossible for longer than the lease is sure to
// last), work's context is cancelled at once; once work has returned,
// Run stands by again and runs work anew when it gets the lease back.
// Work returning by itself (a refused token) ends Run with its error.
func Run(ctx context.Context, leases Leases, cfg Config, work func(ctx context.Context) error) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	r := &runner{leases: leases, cfg: cfg, log: cfg.Logger.With("lease", cfg.Name)}
	for {
		l, ok := r.standby(ctx)
		if !ok {
			return nil
		}
		lost, err := r.lead(ctx, l, work)
		if !lost {
			return err
		}
	}
}

type runner struct {
	leases Leases
	cfg    Config
	log    *slog.Logger
}

// standby asks for the lease every Renew until it gets it; it reports
// false when ctx ended first.
func (r *runner) standby(ctx context.Context) (store.Lease, bool) {
	waiting := false
	for {
		l, err := r.leases.AcquireLease(ctx, r.cfg.Name, r.cfg.TTL)
		if err == nil {
			r.log.Info("leader: lease acquired; this replica leads", "fence", l.Fence)
			return l, true
		}
		if ctx.Err() != nil {
			return store.Lease{}, false
		}
		switch {
		case !errors.Is(err, store.ErrLeaseHeld):
			r.log.Warn("leader: cannot ask for the lease", "err", err)
		case !waiting:
			r.log.Info("leader: another replica leads; standing by", "err", err)
		}
		waiting = true
		select {
		case <-ctx.Done():
			return store.Lease{}, false
		case <-r.cfg.Clock.After(r.cfg.Renew):
		}
	}
}

// lead runs work under l, renewing it every Renew. It reports lost when
// work was stopped because the lease was lost; otherwise work's error.
func (r *runner) lead(ctx context.Context, l store.Lease, work func(ctx context.Context) error) (lost bool, err error) {
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- work(wctx) }()
	tick := r.cfg.Clock.NewTicker(r.cfg.Renew)
	defer tick.Stop()
	// sure is until when the lease is certainly ours: a renewal counts
	// from when it was sent, not from when it was answered.
	sure := r.cfg.Clock.Now().Add(r.cfg.TTL)
	for {
		select {
		case err := <-done:
			r.release(ctx, l)
			return false, err
		case <-ctx.Done():
			err := <-done
			r.release(ctx, l)
			return false, err
		case <-tick.Chan():
			if r.renew(ctx, l, &sure) {
				continue
			}
			stop()
			<-done
			r.release(ctx, l)
			return true, nil
		}
	}
}

// renew extends l, moving sure on. It reports false when the lease is
// lost, or when Redis has not answered for so long that the lease may
// expire before the next try: the work must stop before another replica
// can start it.
func (r *runner) renew(ctx context.Context, l store.Lease, sure *time.Time) bool {
	sent := r.cfg.Clock.Now()
	err := r.leases.RenewLease(ctx, l, r.cfg.TTL)
	switch {
	case err == nil:
		*sure = sent.Add(r.cfg.TTL)
		return true
	case errors.Is(err, store.ErrLeaseLost):
		r.log.Warn("leader: lease lost; stopping and standing by", "fence", l.Fence, "err", err)
		return false
	case r.cfg.Clock.Now().Add(r.cfg.Renew).Before(*sure):
		r.log.Warn("leader: lease not renewed; will try again", "fence", l.Fence, "err", err)
		return true
	}
	r.log.Warn("leader: lease could not be renewed in time; stopping and standing by", "fence", l.Fence, "err", err)
	return false
}

// release gives the lease up so a standby replica need not wait for it
// to expire; a lease already lost stays with its new holder.
func (r *runner) release(ctx context.Context, l store.Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	if err := r.leases.ReleaseLease(ctx, l); err != nil {
		r.log.Info("leader: lease not released", "fence", l.Fence, "err", err)
		return
	}
	r.log.Info("leader: lease released", "fence", l.Fence)
}
