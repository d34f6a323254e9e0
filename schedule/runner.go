package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Deliverer sends one planned wave to its audience. It must be safe to
// call again for the same Send: a restarted or second replica does, and
// the per-recipient markers make the repeat a no-op.
type Deliverer interface {
	Deliver(ctx context.Context, s Send) error
}

// Runner runs a plan on gocron: one job per future send at its instant,
// and at once for sends that came due while the bot was down and are
// still worth sending.
type Runner struct {
	sched gocron.Scheduler
	d     Deliverer
	clock Clock
	log   *slog.Logger

	mu  sync.Mutex
	ctx context.Context
}

// planTag marks the plan's jobs, so a reload can replace them all.
const planTag = "plan"

// NewRunner builds a stopped runner. locker, when not nil, makes one
// replica run each job (the sent markers still guard each recipient).
func NewRunner(ctx context.Context, clock Clock, d Deliverer, locker gocron.Locker, log *slog.Logger) (*Runner, error) {
	opts := []gocron.SchedulerOption{gocron.WithClock(clock)}
	if locker != nil {
		opts = append(opts, gocron.WithDistributedLocker(locker))
	}
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{sched: s, d: d, clock: clock, log: log, ctx: ctx}, nil
}

// Load replaces the scheduled plan. Sends already delivered are not
// repeated: their markers are in the store.
func (r *Runner) Load(plan []Send) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sched.RemoveByTags(planTag)
	now := r.clock.Now()
	var errs []error
	for _, s := range plan {
		start, ok := r.startOf(s, now)
		if !ok {
			continue
		}
		_, err := r.sched.NewJob(gocron.OneTimeJob(start), gocron.NewTask(r.run, s),
			gocron.WithName(s.ID), gocron.WithTags(planTag))
		if err != nil {
			errs = append(errs, fmt.Errorf("scheduling %s: %w", s.ID, err))
		}
	}
	return errors.Join(errs...)
}

// startOf says when to run s: at its instant, at once if it is late but
// still due, or never if it has expired (logged, so an operator sees
// what downtime cost).
func (r *Runner) startOf(s Send, now time.Time) (gocron.OneTimeJobStartAtOption, bool) {
	switch {
	case !now.Before(s.Expires):
		if now.Sub(s.Expires) < 24*time.Hour {
			r.log.Warn("skipping a send that expired while the bot was down", "send", s.ID, "due", s.At, "expired", s.Expires)
		}
		return nil, false
	case now.Before(s.At):
		return gocron.OneTimeJobStartDateTime(s.At), true
	}
	return gocron.OneTimeJobStartImmediately(), true
}

// retryWave bounds the pause between tries of a wave that could not be
// handed over (storage down): 5 s, 10 s ... up to 5 minutes.
const (
	retryWaveBase = 5 * time.Second
	retryWaveMax  = 5 * time.Minute
)

// run hands s to the deliverer, trying again while it fails and s is
// still due: a wave that could not be queued is not given up for the
// process's life.
func (r *Runner) run(s Send) {
	for attempt := 0; ; attempt++ {
		if !s.Due(r.clock.Now()) {
			r.log.Warn("send no longer due when its job ran", "send", s.ID)
			return
		}
		err := r.d.Deliver(r.ctx, s)
		if err == nil || r.ctx.Err() != nil {
			return
		}
		wait := min(retryWaveBase<<min(attempt, 8), retryWaveMax)
		r.log.Error("delivering; will try again", "send", s.ID, "retry_in", wait, "err", err)
		t := r.clock.NewTimer(wait)
		select {
		case <-t.Chan():
		case <-r.ctx.Done():
			t.Stop()
			return
		}
	}
}

// Start runs the scheduler; Shutdown stops it and waits for running jobs.
func (r *Runner) Start() { r.sched.Start() }

// Shutdown stops the scheduler, waiting for jobs that are running.
func (r *Runner) Shutdown() error { return r.sched.Shutdown() }
