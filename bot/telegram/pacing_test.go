package telegram_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

// The pacing as Telegram sees it: times are those the server recorded
// on the fake clock.

func TestBurstIsPacedAtTheServer(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 50*time.Millisecond)
	a := newAdapter(t, srv, clock)
	var wg sync.WaitGroup
	for i := range 200 {
		chat := strconv.Itoa(1000 + i%100)
		wg.Go(func() {
			if _, err := a.Send(context.Background(), bot.Reply{ChatID: chat, Text: "Webinar in one hour"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	reqs := srv.Calls("sendMessage")
	if len(reqs) != 200 {
		t.Fatalf("%d messages reached the server, want 200", len(reqs))
	}
	byChat := map[string][]time.Time{}
	for _, r := range reqs {
		byChat[r.Params["chat_id"]] = append(byChat[r.Params["chat_id"]], r.At)
	}
	if len(byChat) != 100 {
		t.Fatalf("%d chats, want 100", len(byChat))
	}
	checkPacing(t, byChat, time.Second, 30)
}

func TestTooManyRequestsDelaysThenDelivers(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	srv.FailNext("sendMessage", 429, 5)
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: "Quiz 3 is open"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Calls("sendMessage")
	if len(reqs) != 2 {
		t.Fatalf("%d calls, want the refused one and the delivered one", len(reqs))
	}
	if d := reqs[1].At.Sub(reqs[0].At); d < 5*time.Second {
		t.Errorf("retried %v after retry_after 5", d)
	}
	if out := srv.Outgoing(42); len(out) != 1 {
		t.Errorf("%d messages delivered, want 1", len(out))
	}
}

func TestServerErrorsRetriedThenDelivered(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	srv.FailNext("sendPoll", 500, 0)
	srv.FailNext("sendPoll", 502, 0)
	sent, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Quiz: quiz()})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("sendPoll"); n != 3 {
		t.Errorf("%d sendPoll calls, want 3", n)
	}
	if _, ok := srv.Poll(sent.PollID); !ok {
		t.Error("the poll id returned is not the one created")
	}
}

func TestServerFailingForeverGivesUp(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, time.Second)
	a := newAdapter(t, srv, clock, func(c *telegram.Config) { c.MaxRetries = 3 })
	srv.FailAlways("sendMessage", 503)
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: "hi"}); err == nil {
		t.Fatal("delivered through a dead server")
	}
	if n := srv.Count("sendMessage"); n != 4 {
		t.Errorf("%d calls, want 1 + 3 retries", n)
	}
}
