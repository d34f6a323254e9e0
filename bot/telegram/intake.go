package telegram

import (
	"context"
	"time"

	"github.com/elmabot/elmabot/bot"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// batchSize is the most updates one getUpdates brings (Telegram's limit).
const batchSize = 100

// repollEvery is how often Run asks for new updates while a handler is
// still busy and the last call brought nothing new. It runs on the wall
// clock, like the network deadlines: it paces calls, not course time.
const repollEvery = 200 * time.Millisecond

// intake is Run's account of the updates fetched and not yet confirmed.
// Only Run's goroutine touches it; the handlers report on done.
//
// Telegram confirms every update below the offset of a getUpdates call,
// so the offset can only move past what was handled, and fetching while
// handlers run means asking again from the lowest update not handled:
// the updates still being handled come back and are skipped.
type intake struct {
	ctx     context.Context
	a       *Adapter
	h       bot.Handler
	active  map[int]bool          // running or queued behind its chat
	waiting map[int]bool          // failed, or queued behind a failure
	handled map[int]bool          // handled, at or above the offset
	lanes   map[string][]incoming // per chat: the running update, then the queued
	next    int                   // past the highest update fetched
	failed  bool                  // an update failed since takeFailed
	notices int                   // slow-down notices queued or running
	shed    *shedder
	done    chan outcome
	slots   chan struct{}
}

// outcome is what a handler reports for one update.
type outcome struct {
	in  incoming
	err error
}

func newIntake(ctx context.Context, a *Adapter, h bot.Handler) *intake {
	return &intake{
		ctx: ctx, a: a, h: h,
		active:  map[int]bool{},
		waiting: map[int]bool{},
		handled: map[int]bool{},
		lanes:   map[string][]incoming{},
		shed:    newShedder(a.shed, a.clock),
		done:    make(chan outcome, batchSize),
		slots:   make(chan struct{}, a.workers),
	}
}

// offset is the lowest update not yet handled: where to ask from.
func (in *intake) offset() int {
	low := in.next
	for _, pending := range []map[int]bool{in.active, in.waiting} {
		for id := range pending {
			low = min(low, id)
		}
	}
	return low
}

// pollTimeout long-polls only when nothing is being handled: otherwise
// the updates being handled would answer the long poll at once.
func (in *intake) pollTimeout() time.Duration {
	if len(in.active) > 0 {
		return 0
	}
	return in.a.pollTimeout
}

// dispatch takes the updates not seen before and those whose earlier
// attempt failed, each behind the earlier ones of its chat; it returns
// how many it took. ups come in update order, from the offset.
func (in *intake) dispatch(ups []tgbotapi.Update) int {
	in.forgetGone(ups)
	fresh := 0
	for _, u := range ups {
		id := u.UpdateID
		in.next = max(in.next, id+1)
		if in.handled[id] || in.active[id] {
			continue
		}
		retry := in.waiting[id]
		delete(in.waiting, id)
		fresh++
		in.take(in.a.convert(u), retry)
	}
	in.forgetConfirmed()
	return fresh
}

// take queues an update in its chat's lane unless the chat floods: then
// a typed message is dropped on arrival and counts as handled, so the
// offset moves past it at once. An update tried before was let in then,
// and is neither judged again nor shed later: a storage outage must not
// cost anyone their messages.
func (in *intake) take(u incoming, retry bool) {
	if retry {
		u.typed = false
	}
	if !u.typed {
		in.admit(u)
		return
	}
	v := in.shed.judge(u.lane, in.typedIn(u.lane))
	if v == admit {
		in.admit(u)
		return
	}
	in.handled[u.id] = true
	in.shedWaiting(u.lane)
	if v == slowDown {
		in.a.log.Info("telegram: chat floods; dropping its typed messages", "chat", u.lane, "update", u.id)
		in.notify(u)
	}
}

func (in *intake) admit(u incoming) {
	in.active[u.id] = true
	in.enqueue(u)
}

// typedIn counts the typed messages in a lane, the running one included.
func (in *intake) typedIn(lane string) int {
	n := 0
	for _, u := range in.lanes[lane] {
		if u.typed {
			n++
		}
	}
	return n
}

// shedWaiting drops the typed messages of a flooding chat that wait
// behind its running update: each would hold the offset for a second or
// more (the per-chat pace of replies) while the chat's later messages
// fill getUpdates' window.
func (in *intake) shedWaiting(lane string) {
	queue := in.lanes[lane]
	if len(queue) < 2 {
		return
	}
	kept := queue[:1]
	for _, u := range queue[1:] {
		if !u.typed {
			kept = append(kept, u)
			continue
		}
		delete(in.active, u.id)
		in.handled[u.id] = true
	}
	in.lanes[lane] = kept
}

// notify queues, in the person's lane, the update that has the core
// tell them to slow down, in place of their message. Messages in
// groups get no notice (the bot does not talk there).
func (in *intake) notify(u incoming) {
	if u.update == nil {
		return
	}
	note := *u.update
	note.Text, note.Slowdown = "", true
	in.notices++
	in.enqueue(incoming{id: u.id, lane: u.lane, update: &note, notice: true})
}

func (in *intake) enqueue(u incoming) {
	queue := in.lanes[u.lane]
	in.lanes[u.lane] = append(queue, u)
	if len(queue) == 0 {
		in.start(u)
	}
}

func (in *intake) start(u incoming) {
	go func() {
		in.slots <- struct{}{}
		err := in.a.deliver(in.ctx, in.h, u)
		<-in.slots
		in.done <- outcome{u, err}
	}()
}

// settle takes the handlers' reports until it is worth asking Telegram
// again: once half a batch has room after a call that brought work. After
// one that brought nothing new, once half of what runs has finished (so
// the end of a burst costs a few calls, not one per update) or repollEvery
// has passed (so a slow chat does not hold up the others). With nothing
// left running, the next call is a long poll.
func (in *intake) settle(fresh int) {
	target := batchSize / 2
	var repoll <-chan time.Time
	if fresh == 0 {
		target = len(in.active) / 2
		t := time.NewTimer(repollEvery)
		defer t.Stop()
		repoll = t.C
	}
	for len(in.active) > target {
		select {
		case o := <-in.done:
			in.finish(o)
		case <-repoll:
			in.drain()
			return
		case <-in.ctx.Done():
			return
		}
	}
	in.drain()
}

// drain takes the reports already in.
func (in *intake) drain() {
	for {
		select {
		case o := <-in.done:
			in.finish(o)
		default:
			return
		}
	}
}

// finish records a report and starts the next update of its chat. After
// a failure, or once Run is stopping, the rest of the chat waits for
// getUpdates to bring it back.
func (in *intake) finish(o outcome) {
	lane := o.in.lane
	queue := in.lanes[lane][1:]
	in.record(o)
	// A failed notice holds nothing back: its update counts as handled.
	if len(queue) > 0 && (o.err == nil || o.in.notice) && in.ctx.Err() == nil {
		in.lanes[lane] = queue
		in.start(queue[0])
		return
	}
	for _, u := range queue {
		in.putBack(u)
	}
	delete(in.lanes, lane)
}

// record notes how an update went.
func (in *intake) record(o outcome) {
	id := o.in.id
	if o.in.notice {
		in.notices--
		if o.err != nil {
			in.a.log.Info("telegram: slow-down notice not sent", "update", id, "err", o.err)
		}
		return
	}
	delete(in.active, id)
	if o.err != nil {
		in.a.log.Warn("telegram: handler failed", "update", id, "err", o.err)
		in.failed = true
		in.waiting[id] = true
		return
	}
	in.handled[id] = true
}

// putBack leaves a queued update for getUpdates to bring again; a
// notice, whose update was counted handled, is given up.
func (in *intake) putBack(u incoming) {
	if u.notice {
		in.notices--
		return
	}
	in.waiting[u.id] = true
	delete(in.active, u.id)
}

// forgetGone drops the failed updates that Telegram no longer returns
// (it keeps updates for 24 hours), which would otherwise hold the offset
// back for good. ups start at the offset, so a waiting update below the
// first of them, or any when there are none, is gone.
func (in *intake) forgetGone(ups []tgbotapi.Update) {
	for id := range in.waiting {
		if len(ups) == 0 || id < ups[0].UpdateID {
			in.a.log.Error("telegram: update expired before it could be handled", "update", id)
			delete(in.waiting, id)
		}
	}
}

// forgetConfirmed drops what the next offset confirms for good.
func (in *intake) forgetConfirmed() {
	off := in.offset()
	for id := range in.handled {
		if id < off {
			delete(in.handled, id)
		}
	}
}

// takeFailed reports whether an update failed since the last call.
func (in *intake) takeFailed() bool {
	f := in.failed
	in.failed = false
	return f
}

// stop waits for the handlers still running, whose context is done.
func (in *intake) stop() {
	for len(in.active) > 0 || in.notices > 0 {
		in.finish(<-in.done)
	}
}
