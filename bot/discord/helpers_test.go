package discord_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

// start is a fake clock at the first morning of the course.
func start() *clockwork.FakeClock {
	return clockwork.NewFakeClockAt(time.Date(2022, 10, 17, 9, 0, 0, 0, time.UTC))
}

// newAdapter makes an adapter talking to srv; change adjusts its config.
func newAdapter(t testing.TB, srv *discordtest.Server, clock clockwork.Clock, change ...func(*discord.Config)) *discord.Adapter {
	t.Helper()
	cfg := discord.Config{Token: discordtest.Token, APIBase: srv.URL(), Clock: clock}
	for _, c := range change {
		c(&cfg)
	}
	a, err := discord.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// startRun runs the adapter's gateway loop until the test ends and
// checks it then stops cleanly.
func startRun(t testing.TB, a *discord.Adapter, h bot.Handler) {
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
// messenger with its text and two buttons, and can fail a number of
// times first, as a core would while its store is down. For each update
// it notes the clock's time and the acknowledgements Discord had by
// then.
type echo struct {
	out   bot.Messenger
	clock clockwork.Clock
	acks  func() []discordtest.InteractionResponse
	// replies is how many messages each update gets (default 1).
	replies int

	mu      sync.Mutex
	got     []handled
	fails   map[string]int // by update (describe): how many more times to fail
	sent    []bot.Sent
	done    int           // calls of Handle that returned
	changed chan struct{} // closed and replaced when a call returns
}

// handled is one call of Handle.
type handled struct {
	u    bot.Update
	at   time.Time
	acks []discordtest.InteractionResponse
}

func newEcho(out bot.Messenger, clock clockwork.Clock, srv *discordtest.Server) *echo {
	return &echo{out: out, clock: clock, acks: srv.InteractionResponses, replies: 1, fails: map[string]int{}, changed: make(chan struct{})}
}

// failFor makes the update described as what fail the next times calls.
func (e *echo) failFor(what string, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fails[what] = times
}

func (e *echo) Handle(ctx context.Context, u bot.Update) error {
	defer e.returned()
	h := handled{u: u, at: e.clock.Now(), acks: e.acks()}
	e.mu.Lock()
	e.got = append(e.got, h)
	failing := e.fails[describe(u)] > 0
	if failing {
		e.fails[describe(u)]--
	}
	replies := e.replies
	e.mu.Unlock()
	if failing {
		return errors.New("store unavailable")
	}
	for i := range replies {
		text := "echo: " + describe(u)
		if i > 0 {
			text = fmt.Sprintf("more %d: %s", i, describe(u))
		}
		sent, err := e.out.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: text, Buttons: [][]bot.Button{{{Label: "Yes", Data: "yes"}, {Label: "No", Data: "no"}}}})
		if err != nil {
			return err
		}
		e.mu.Lock()
		e.sent = append(e.sent, sent)
		e.mu.Unlock()
	}
	return nil
}

func (e *echo) returned() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done++
	close(e.changed)
	e.changed = make(chan struct{})
}

// awaitReturned waits until Handle returned n times; the bound only
// fails a broken test.
func (e *echo) awaitReturned(t testing.TB, n int) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		e.mu.Lock()
		done, changed := e.done, e.changed
		e.mu.Unlock()
		if done >= n {
			return
		}
		select {
		case <-changed:
		case <-limit.C:
			t.Fatalf("Handle returned %d times in 10s, want %d", done, n)
		}
	}
}

// sentSoFar lists what Send reported to the handler.
func (e *echo) sentSoFar() []bot.Sent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]bot.Sent(nil), e.sent...)
}

func describe(u bot.Update) string {
	if u.Choice != "" {
		return "choice " + u.Choice
	}
	return u.Text
}

func (e *echo) calls() []handled {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]handled(nil), e.got...)
}

// handlerFunc makes a function a bot.Handler.
type handlerFunc func(context.Context, bot.Update) error

func (f handlerFunc) Handle(ctx context.Context, u bot.Update) error { return f(ctx, u) }

// texts lists the contents of messages.
func texts(ms []discordtest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Content
	}
	return out
}

// allValid checks that every request the bot made is a route of
// Discord's API and was taken. The server already fails the test on a
// request that breaks the spec; this also catches one it refused.
func allValid(t *testing.T, srv *discordtest.Server) {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Error("no requests recorded")
	}
	for _, r := range reqs {
		if r.Route == "" || r.Status >= 400 {
			t.Errorf("%s %s: route %q, status %d", r.Method, r.Path, r.Route, r.Status)
		}
	}
}
