package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

// start is a fake clock at a fixed instant of the course.
func start() *clockwork.FakeClock {
	return clockwork.NewFakeClockAt(time.Date(2022, 10, 17, 9, 0, 0, 0, time.UTC))
}

// newAdapter makes an adapter talking to srv; change adjusts its config.
func newAdapter(t testing.TB, srv *telegramtest.Server, clock clockwork.Clock, change ...func(*telegram.Config)) *telegram.Adapter {
	t.Helper()
	cfg := telegram.Config{
		Token:       telegramtest.Token,
		APIURL:      srv.URL(),
		Clock:       clock,
		PollTimeout: time.Second,
	}
	for _, c := range change {
		c(&cfg)
	}
	a, err := telegram.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startRun runs the adapter's update loop until the test ends and checks
// it then stops cleanly.
func startRun(t testing.TB, a *telegram.Adapter, h bot.Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v after cancel, want nil", err)
		}
	})
}

// echo is a small real handler: it answers every update through the
// messenger, and can fail a number of times first, as a core would
// while its store is down.
type echo struct {
	out bot.Messenger

	mu    sync.Mutex
	got   []bot.Update
	fails map[string]int           // by ChatID: how many more times to fail
	holds map[string]chan struct{} // by ChatID: closed to let updates go on
}

func newEcho(out bot.Messenger) *echo {
	return &echo{out: out, fails: map[string]int{}, holds: map[string]chan struct{}{}}
}

// hold makes the chat's updates wait, as a slow handler would, until
// release is called.
func (e *echo) hold(chatID string) (release func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	gate := make(chan struct{})
	e.holds[chatID] = gate
	return func() { close(gate) }
}

func (e *echo) failFor(chatID string, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fails[chatID] = times
}

func (e *echo) Handle(ctx context.Context, u bot.Update) error {
	e.mu.Lock()
	e.got = append(e.got, u)
	failing := e.fails[u.ChatID] > 0
	if failing {
		e.fails[u.ChatID]--
	}
	gate := e.holds[u.ChatID]
	e.mu.Unlock()
	if failing {
		return errors.New("store unavailable")
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	_, err := e.out.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "echo: " + describe(u)})
	return err
}

func describe(u bot.Update) string {
	switch {
	case u.Poll != nil:
		return fmt.Sprintf("poll %s %v", u.Poll.PollID, u.Poll.Options)
	case u.Choice != "":
		return "choice " + u.Choice
	case u.Slowdown:
		return "slow down"
	}
	return u.Text
}

func (e *echo) updates() []bot.Update {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Update(nil), e.got...)
}

// checkPacing asserts Telegram's limits on a series of call times per
// chat: no chat gets two calls less than gap apart, and no one-second
// window holds more than rate calls.
func checkPacing(t *testing.T, byChat map[string][]time.Time, gap time.Duration, rate int) {
	t.Helper()
	var all []time.Time
	for chat, times := range byChat {
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		for i := 1; i < len(times); i++ {
			if d := times[i].Sub(times[i-1]); d < gap {
				t.Errorf("chat %s: two calls %v apart, want >= %v", chat, d, gap)
			}
		}
		all = append(all, times...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	for i := rate; i < len(all); i++ {
		if d := all[i].Sub(all[i-rate]); d < time.Second {
			t.Fatalf("calls %d..%d fall within %v: more than %d in one second", i-rate, i, d, rate)
		}
	}
}

// awaitConfirmed waits, one getUpdates call at a time, until the bot has
// confirmed update id.
func awaitConfirmed(t testing.TB, srv *telegramtest.Server, id int) {
	t.Helper()
	deadline := time.Now().Add(e2eWait)
	for srv.Confirmed() <= id {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for update %d to be confirmed (confirmed offset %d, %d pending)", e2eWait, id, srv.Confirmed(), srv.Pending())
		}
		srv.Await("getUpdates", srv.Count("getUpdates")+1)
	}
}
