package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// DeliveryConfig tunes the durable delivery path; zero values take the
// defaults.
type DeliveryConfig struct {
	// Lease is how long a taken delivery is held before another worker
	// (or a restarted process) may take it: the longest a crash delays a
	// message. Default 2 minutes.
	Lease time.Duration
	// Workers is how many deliveries are sent at once. Default: what the
	// registered platforms can take in a second (see Pacer), at least 4.
	Workers int
	// MaxAttempts bounds the tries of one delivery; default 20, which
	// with the backoff below spans about two and a half hours.
	MaxAttempts int
}

// Pacer is what a Messenger may tell about its platform's pace: how many
// sends it can take at once without queueing for long. The delivery
// workers follow it instead of a fixed number.
type Pacer interface {
	Concurrency() int
}

// Backoff between tries of one delivery: 5 s, 10 s, 20 s ... up to 10
// minutes, each with up to a fifth of jitter so a wave's retries spread.
const (
	retryBase = 5 * time.Second
	retryMax  = 10 * time.Minute
)

// idlePoll is how often an idle delivery loop looks at the queue, to
// find what other replicas queued and what a dead process's leases left.
const idlePoll = time.Second

// directMsg is a message for one chat, kept in the queue with its
// delivery: a reply composed already (the next quiz question, a support
// answer), unlike a wave's messages, which are composed when sent.
type directMsg struct {
	Platform Platform            `json:"pl,omitempty"` // with Chat: this chat
	Chat     string              `json:"c,omitempty"`
	To       store.ParticipantID `json:"p,omitempty"` // else their first reachable account
	Reply    Reply               `json:"r"`
	Expires  int64               `json:"x"` // unix ms
}

// deliveries is the delivery loop's state.
type deliveries struct {
	wake chan struct{} // something was queued here: look now

	mu         sync.Mutex
	nextReport time.Time           // when finished waves are looked for again
	sending    map[string]struct{} // deliveries being sent by this process
}

// begin marks a delivery as being sent here; false if it already is.
func (d *deliveries) begin(member string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, busy := d.sending[member]; busy {
		return false
	}
	d.sending[member] = struct{}{}
	return true
}

func (d *deliveries) end(member string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.sending, member)
}

// reportDue says whether to look for finished waves now: at most once a
// second, however busy the loop.
func (d *deliveries) reportDue(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if now.Before(d.nextReport) {
		return false
	}
	d.nextReport = now.Add(idlePoll)
	return true
}

func newDeliveries() *deliveries {
	return &deliveries{wake: make(chan struct{}, 1), sending: map[string]struct{}{}}
}

// poke wakes the delivery loop.
func (b *Bot) poke() {
	select {
	case b.dlv.wake <- struct{}{}:
	default:
	}
}

func (b *Bot) lease() time.Duration {
	if b.cfg.Delivery.Lease > 0 {
		return b.cfg.Delivery.Lease
	}
	return 2 * time.Minute
}

func (b *Bot) maxAttempts() int {
	if b.cfg.Delivery.MaxAttempts > 0 {
		return b.cfg.Delivery.MaxAttempts
	}
	return 20
}

// workers sizes the pool by the registered platforms' pace.
func (b *Bot) workers() int {
	if b.cfg.Delivery.Workers > 0 {
		return b.cfg.Delivery.Workers
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	n := 0
	for _, m := range b.messengers {
		if p, ok := m.(Pacer); ok {
			n += p.Concurrency()
		}
	}
	return max(n, 4)
}

// StartDeliveries runs the delivery loop (RunDeliveries) until Close.
func (b *Bot) StartDeliveries() { b.background(b.RunDeliveries) }

// RunDeliveries sends what the delivery queue holds, as it comes due,
// until ctx is done; then it lets the sends under way finish. Every
// replica runs one: a delivery is taken by one of them at a time, and one
// a dead process held comes back when its lease ends.
func (b *Bot) RunDeliveries(ctx context.Context) {
	slots := make(chan struct{}, b.workers())
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		free := cap(slots) - len(slots)
		ds, err := b.claim(ctx, free)
		if err != nil {
			b.storeTrouble(err)
			b.log.Warn("delivery queue unavailable", "err", err)
		}
		for _, d := range ds {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots; b.poke() }()
				b.deliver(ctx, d)
			})
		}
		if err == nil && len(ds) == free && free > 0 {
			continue // more may be due
		}
		b.reportWaves(ctx, false)
		b.waitForWork(ctx, err != nil, len(slots) == cap(slots))
	}
}

func (b *Bot) claim(ctx context.Context, n int) ([]store.Delivery, error) {
	if n == 0 {
		return nil, nil
	}
	now := b.cfg.Clock.Now()
	return b.cfg.Store.Claim(ctx, now, now.Add(b.lease()), n)
}

// waitForWork sleeps until a delivery may be due: something queued here,
// a slot freed, the next due instant, or the idle poll. With every slot
// taken (full) only a freed slot makes a claim possible, so the queue's
// next due instant is not looked at: in the middle of a wave it is
// always now, and the loop would spin on it, a Redis call each turn
// (hundreds per message sent), until a slot freed.
func (b *Bot) waitForWork(ctx context.Context, failing, full bool) {
	wait := idlePoll
	switch {
	case failing:
		wait = retryBase
	case full:
		// A worker pokes when it ends; the idle poll is a safety net.
	default:
		if at, ok, err := b.cfg.Store.NextDue(ctx); err == nil && ok {
			wait = min(wait, max(b.cfg.Clock.Until(at), 0))
		}
	}
	if wait <= 0 {
		return
	}
	t := b.cfg.Clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-b.dlv.wake:
	case <-t.Chan():
	}
}

// DrainDeliveries sends, now and in this goroutine's time, everything
// due, and returns when nothing due is left: for tests and one-shot
// tools, which run no delivery loop.
func (b *Bot) DrainDeliveries(ctx context.Context) error {
	for {
		ds, err := b.claim(ctx, b.workers())
		if err != nil || len(ds) == 0 {
			b.reportWaves(ctx, true)
			return err
		}
		var wg sync.WaitGroup
		for _, d := range ds {
			wg.Go(func() { b.deliver(ctx, d) })
		}
		wg.Wait()
	}
}

// deliver makes one try at d and records how it went. The send is
// finished even if ctx ends meanwhile (within the lease): a message cut
// off mid-request may or may not have arrived.
func (b *Bot) deliver(parent context.Context, d store.Delivery) {
	member := d.Item + "|" + d.Recipient
	if !b.dlv.begin(member) {
		// Still being sent here: its lease ran out under load and the
		// loop took it again. Sending it twice would repeat it.
		return
	}
	defer b.dlv.end(member)
	ctx, cancel := context.WithTimeout(WithBulk(context.WithoutCancel(parent)), b.lease()-b.lease()/8)
	defer cancel()
	outcome, expires, err := b.attempt(ctx, d)
	retryAt := time.Time{}
	switch outcome {
	case store.Retry:
		b.storeTrouble(err)
		outcome, retryAt = b.retryOrGiveUp(d, expires, err)
		b.logRetry("delivery failed", d, outcome, err)
	case store.Wait:
		retryAt = expires // for Wait, attempt says when it is due
	}
	// A fresh deadline: the send may have used up its own, and a result
	// not recorded means the message goes out again.
	sctx, scancel := context.WithTimeout(context.WithoutCancel(parent), settleTimeout)
	defer scancel()
	b.settle(sctx, d, outcome, retryAt)
}

// settleTimeout bounds recording a delivery's outcome.
const settleTimeout = 10 * time.Second

// settle records how d went; whoever settles a wave's last delivery
// reports the wave, if a coordinator is waiting for that.
func (b *Bot) settle(ctx context.Context, d store.Delivery, o store.Outcome, retryAt time.Time) {
	b.metrics.Delivery(ItemKind(d.Item), OutcomeName(o))
	applied, left, err := b.cfg.Store.Settle(ctx, d, o, retryAt)
	if err != nil {
		b.storeTrouble(err)
		// The lease runs out and the delivery is taken again: at worst
		// this one message is repeated.
		b.log.Error("recording a delivery", "item", d.Item, "to", d.Recipient, "outcome", o, "err", err)
		return
	}
	if !applied || left > 0 || o == store.Retry || o == store.Wait {
		return
	}
	raw, watched, err := b.cfg.Store.WatchedWave(ctx, d.Item)
	if err == nil && watched {
		err = b.reportWave(ctx, d.Item, raw)
	}
	if err != nil {
		// The idle loop's look at watched waves reports it later.
		b.log.Warn("reporting a finished wave", "item", d.Item, "err", err)
	}
}

// elsewhereWait is how soon a delivery for a chat another process serves
// (ErrElsewhere) is offered again.
const elsewhereWait = time.Second

// retryOrGiveUp schedules the next try, unless d has had its tries or
// the next would come after it expires. A delivery for a chat served
// elsewhere is offered again soon, however often, until it expires.
func (b *Bot) retryOrGiveUp(d store.Delivery, expires time.Time, err error) (store.Outcome, time.Time) {
	if errors.Is(err, ErrElsewhere) {
		at := b.cfg.Clock.Now().Add(elsewhereWait + time.Duration(rand.Int64N(int64(elsewhereWait))))
		if !at.Before(expires) {
			return store.Expired, time.Time{}
		}
		return store.Retry, at
	}
	wait := min(retryBase<<min(d.Attempts, 10), retryMax)
	wait += time.Duration(rand.Int64N(int64(wait)/5 + 1))
	at := b.cfg.Clock.Now().Add(wait)
	if d.Attempts+1 >= b.maxAttempts() || !at.Before(expires) {
		return store.Failed, time.Time{}
	}
	return store.Retry, at
}

// attempt tries d once. expires is when d stops being worth sending;
// with Wait, it is when d is due for its recipient.
func (b *Bot) attempt(ctx context.Context, d store.Delivery) (store.Outcome, time.Time, error) {
	if d.Payload != nil {
		var msg directMsg
		if err := json.Unmarshal(d.Payload, &msg); err != nil {
			return store.Failed, time.Time{}, fmt.Errorf("bot: malformed delivery %s: %w", d.Item, err)
		}
		o, _, err := b.sendDirect(ctx, msg)
		return o, time.UnixMilli(msg.Expires), err
	}
	if id, ok := strings.CutPrefix(d.Item, store.ScheduledItem); ok {
		return b.fireScheduled(ctx, id)
	}
	if id, ok := strings.CutPrefix(d.Item, broadcastItem); ok {
		return b.attemptBroadcast(ctx, d, id)
	}
	return b.attemptWave(ctx, d)
}

// logRetry logs a delivery that did not go out; one waiting for the
// process that serves its chat is routine, and logged only for debugging.
func (b *Bot) logRetry(msg string, d store.Delivery, o store.Outcome, err error) {
	level := slog.LevelWarn
	if errors.Is(err, ErrElsewhere) {
		level = slog.LevelDebug
	}
	b.log.Log(context.Background(), level, msg, "item", d.Item, "to", d.Recipient, "attempt", d.Attempts+1, "outcome", o, "err", err)
}

// outcomeOf sorts a send's error.
func outcomeOf(err error) store.Outcome {
	switch {
	case err == nil:
		return store.Sent
	case errors.Is(err, ErrUnreachable), errors.Is(err, errNowhere):
		return store.Unreachable
	}
	return store.Retry
}

// sendDirect sends msg, now expired or not, and saves a quiz poll's id.
func (b *Bot) sendDirect(ctx context.Context, msg directMsg) (store.Outcome, Sent, error) {
	if !b.cfg.Clock.Now().Before(time.UnixMilli(msg.Expires)) {
		return store.Expired, Sent{}, nil
	}
	var sent Sent
	var err error
	if msg.Chat != "" {
		sent, err = b.sendToChat(ctx, msg.Platform, msg.Chat, msg.Reply)
	} else {
		var p store.Participant
		if p, err = b.cfg.Store.Participant(ctx, msg.To); err == nil {
			sent, err = b.sendReply(ctx, &p, msg.Reply)
		}
	}
	if err == nil && sent.PollID != "" && msg.Reply.Quiz != nil {
		b.savePoll(ctx, sent.PollID, msg.Reply.Quiz.Ref)
	}
	return outcomeOf(err), sent, err
}

// savePoll ties a sent poll to its question. Failing that, the vote
// still counts: it is matched to the question being asked (see
// pollAnswer), so the message is not sent again.
func (b *Bot) savePoll(ctx context.Context, pollID string, ref PollRef) {
	sr := store.PollRef{Participant: store.ParticipantID(ref.Participant), Quiz: quiz.ID(ref.Quiz), Question: ref.Question}
	if err := b.cfg.Store.SavePoll(ctx, pollID, sr, pollTTL); err != nil {
		b.log.Warn("saving a poll", "poll", pollID, "err", err)
	}
}

// sendToChat sends rep to one chat; a refusal marks the account.
func (b *Bot) sendToChat(ctx context.Context, p Platform, chat string, rep Reply) (Sent, error) {
	m, err := b.messenger(p)
	if err != nil {
		return Sent{}, err
	}
	rep.ChatID = chat
	return m.Send(ctx, rep)
}

// sendOnce sends msg now as the delivery (item, to), which it records
// first: if this process dies before the platform answers, another takes
// it over; if the same item was queued for to before (a redelivered
// update), nothing is sent and queued is false. An error means the
// delivery could not be recorded; a failed send is retried by the queue.
func (b *Bot) sendOnce(ctx context.Context, item, to string, msg directMsg) (sent Sent, queued bool, err error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return Sent{}, false, err
	}
	tag := ""
	if msg.Reply.Quiz != nil {
		tag = questionTag // see unsavedPoll
	}
	now := b.cfg.Clock.Now()
	d, queued, err := b.cfg.Store.EnqueueHeld(ctx, item, to, tag, now, now.Add(b.lease()), time.UnixMilli(msg.Expires), payload)
	if err != nil || !queued {
		return Sent{}, queued, err
	}
	o, sent, serr := b.sendDirect(ctx, msg)
	retryAt := time.Time{}
	if o == store.Retry {
		b.storeTrouble(serr)
		o, retryAt = b.retryOrGiveUp(d, time.UnixMilli(msg.Expires), serr)
		b.logRetry("send failed, queued for a retry", d, o, serr)
		b.poke()
	}
	b.settle(context.WithoutCancel(ctx), d, o, retryAt)
	return sent, true, nil
}
