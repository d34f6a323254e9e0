package telegram_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/internal/limitcount"
	"github.com/elmabot/elmabot/bot/telegram"
)

// calls records, per chat, the clock's time of every call the outbox
// lets through.
type calls struct {
	clock clockwork.Clock
	mu    sync.Mutex
	at    map[string][]time.Time
}

func newCalls(clock clockwork.Clock) *calls {
	return &calls{clock: clock, at: map[string][]time.Time{}}
}

// call returns a call for chat that answers with the errors given, in
// turn, then succeeds.
func (c *calls) call(chat string, errs ...error) func(context.Context) error {
	return func(context.Context) error {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.at[chat] = append(c.at[chat], c.clock.Now())
		n := len(c.at[chat]) - 1
		if n < len(errs) {
			return errs[n]
		}
		return nil
	}
}

func (c *calls) times(chat string) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.at[chat]...)
}

func (c *calls) byChat() map[string][]time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]time.Time{}
	for k, v := range c.at {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

func outbox(clock clockwork.Clock, retries int) *telegram.Outbox {
	return telegram.NewOutbox(telegram.OutboxConfig{Clock: clock, GlobalRate: 30, PerChat: time.Second, MaxRetries: retries})
}

func TestOutboxBurstKeepsLimits(t *testing.T) {
	clock := start()
	fakeclock.Run(t, clock, 50*time.Millisecond)
	o := outbox(clock, 3)
	rec := newCalls(clock)
	var wg sync.WaitGroup
	for i := range 200 {
		chat := strconv.Itoa(i % 100)
		wg.Go(func() {
			if err := o.Do(context.Background(), chat, rec.call(chat)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := rec.byChat()
	total := 0
	for _, times := range got {
		total += len(times)
	}
	if total != 200 {
		t.Fatalf("%d calls went out, want 200", total)
	}
	checkPacing(t, got, time.Second, 30)
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	clock := start()
	fakeclock.Run(t, clock, 100*time.Millisecond)
	rec := newCalls(clock)
	tooMany := &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 5", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 5}}
	if err := outbox(clock, 3).Do(context.Background(), "7", rec.call("7", tooMany)); err != nil {
		t.Fatal(err)
	}
	times := rec.times("7")
	if len(times) != 2 {
		t.Fatalf("%d calls, want the refused one and its retry", len(times))
	}
	if d := times[1].Sub(times[0]); d < 5*time.Second {
		t.Errorf("retried %v after a 429 with retry_after 5", d)
	}
}

func TestOutboxBlockedIsUnreachableAtOnce(t *testing.T) {
	clock := start()
	rec := newCalls(clock)
	blocked := &tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}
	err := outbox(clock, 3).Do(context.Background(), "7", rec.call("7", blocked, blocked))
	if !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if n := len(rec.times("7")); n != 1 {
		t.Errorf("%d calls, want 1: a block is not retried", n)
	}
}

func TestOutboxRetriesAreBounded(t *testing.T) {
	clock := start()
	fakeclock.Run(t, clock, 100*time.Millisecond)
	rec := newCalls(clock)
	down := &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}
	err := outbox(clock, 3).Do(context.Background(), "7", rec.call("7", down, down, down, down, down, down))
	if err == nil || errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("got %v, want a plain failure", err)
	}
	times := rec.times("7")
	if len(times) != 4 {
		t.Fatalf("%d calls, want 1 + 3 retries", len(times))
	}
	for i := 1; i < len(times); i++ {
		if want := time.Second << (i - 1); times[i].Sub(times[i-1]) < want {
			t.Errorf("retry %d came %v after the failure, want >= %v (1s, 2s, 4s)", i, times[i].Sub(times[i-1]), want)
		}
	}
}

func TestOutboxRetriesNetworkErrorsButNotBadRequests(t *testing.T) {
	clock := start()
	fakeclock.Run(t, clock, 100*time.Millisecond)
	rec := newCalls(clock)
	o := outbox(clock, 3)
	if err := o.Do(context.Background(), "1", rec.call("1", errors.New("connection reset"))); err != nil {
		t.Fatalf("a network error then success: %v", err)
	}
	bad := &tgbotapi.Error{Code: 400, Message: "Bad Request: message text is empty"}
	if err := o.Do(context.Background(), "2", rec.call("2", bad)); err == nil {
		t.Fatal("a 400 passed")
	}
	if n, m := len(rec.times("1")), len(rec.times("2")); n != 2 || m != 1 {
		t.Errorf("calls: %d and %d, want 2 (retried) and 1 (not)", n, m)
	}
}

// A chat with a long queue must not hold up the others: they all go out
// while the clock stands still and the busy chat waits for its gap.
func TestOutboxBusyChatDoesNotStarveOthers(t *testing.T) {
	clock := start()
	o := outbox(clock, 0)
	rec := newCalls(clock)
	var busy, others sync.WaitGroup
	for range 20 {
		busy.Go(func() { _ = o.Do(context.Background(), "busy", rec.call("busy")) })
	}
	for i := range 20 {
		chat := "c" + strconv.Itoa(i)
		others.Go(func() { _ = o.Do(context.Background(), chat, rec.call(chat)) })
	}
	othersDone := make(chan struct{})
	go func() { others.Wait(); close(othersDone) }()
	select {
	case <-othersDone:
	case <-time.After(10 * time.Second):
		t.Fatal("other chats stuck behind the busy one")
	}
	if n := len(rec.times("busy")); n != 1 {
		t.Errorf("busy chat got %d messages with the clock standing, want 1", n)
	}
	fakeclock.Run(t, clock, 50*time.Millisecond)
	busy.Wait()
	checkPacing(t, map[string][]time.Time{"busy": rec.times("busy")}, time.Second, 30)
}

func TestOutboxCancelWhileWaiting(t *testing.T) {
	clock := start() // never advanced: the second call must wait for the first's gap
	o := outbox(clock, 0)
	rec := newCalls(clock)
	if err := o.Do(context.Background(), "7", rec.call("7")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Do(ctx, "7", rec.call("7")) }()
	if err := clock.BlockUntilContext(context.Background(), 2); err != nil { // the permit's return and the chat's gap
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(rec.times("7")); n != 1 {
		t.Errorf("%d calls, want only the first", n)
	}
	// The chat is free again: another call goes through once its gap passed.
	clock.Advance(time.Second)
	if err := o.Do(context.Background(), "7", rec.call("7")); err != nil {
		t.Fatal(err)
	}
}

func TestOutboxWithoutLimits(t *testing.T) {
	clock := start() // never advanced: nothing may wait on it
	o := telegram.NewOutbox(telegram.OutboxConfig{Clock: clock})
	rec := newCalls(clock)
	for range 100 {
		if err := o.Do(context.Background(), "7", rec.call("7")); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.times("7")); n != 100 {
		t.Fatalf("%d calls, want 100", n)
	}
}

// TestOutboxCountsRefusalsAndWaits: a 429 is counted, and so is the
// time calls were held back, by the 429's wait and by the per-chat gap.
func TestOutboxCountsRefusalsAndWaits(t *testing.T) {
	clock := start()
	fakeclock.Run(t, clock, 100*time.Millisecond)
	m := &limitcount.Counter{Platform: "telegram"}
	o := telegram.NewOutbox(telegram.OutboxConfig{Clock: clock, GlobalRate: 30, PerChat: time.Second, MaxRetries: 3, Metrics: m})
	rec := newCalls(clock)
	tooMany := &tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 5", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 5}}
	if err := o.Do(context.Background(), "7", rec.call("7", tooMany)); err != nil {
		t.Fatal(err)
	}
	refused, waited := m.Get()
	if refused != 1 || waited < 5*time.Second {
		t.Fatalf("counted %d refusals and %v waited, want 1 and at least the 5s asked", refused, waited)
	}
	if err := o.Do(context.Background(), "7", rec.call("7")); err != nil {
		t.Fatal(err)
	}
	if _, more := m.Get(); more-waited < time.Second/2 {
		t.Errorf("a second message to the chat added %v of waiting, want most of the 1s gap", more-waited)
	}
}
