package discord_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/internal/limitcount"
)

const callback = "POST /interactions/{interaction_id}/{interaction_token}/callback"

// participants opens n DM channels on the server, as a course whose
// participants' channels the core has stored.
func participants(srv *discordtest.Server, n int) []string {
	chats := make([]string, n)
	for i := range chats {
		chats[i] = srv.DMChannel(fmt.Sprintf("%d", 3000000000000000000+i))
	}
	return chats
}

// wave sends one message to every chat from senders goroutines through
// Adapter.Send, as the core's delivery workers do, and returns what
// failed.
func wave(a *discord.Adapter, chats []string, senders int) []error {
	work := make(chan string)
	var mu sync.Mutex
	var failed []error
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for chat := range work {
				_, err := a.Send(context.Background(), bot.Reply{ChatID: chat, Text: "Week 3 opens today"})
				if err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, c := range chats {
		work <- c
	}
	close(work)
	wg.Wait()
	return failed
}

func TestWaveStaysInsideDiscordsLimits(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	srv.EnforceRateLimits(discordtest.DiscordLimits())
	fakeclock.Run(t, clock, 10*time.Millisecond)
	a := newAdapter(t, srv, clock)
	chats := participants(srv, 300)
	began := clock.Now()

	failed := wave(a, chats, 64)

	if len(failed) != 0 {
		t.Fatalf("%d sends failed, first: %v", len(failed), failed[0])
	}
	for _, c := range chats {
		if n := len(srv.Messages(c)); n != 1 {
			t.Fatalf("channel %s got %d messages, want 1", c, n)
		}
	}
	if st := srv.RateStats(); st.Limited != 0 || st.Requests != 300 {
		t.Errorf("server counted %+v, want 300 requests and no 429", st)
	}
	// 50 go at once, then 50 a second: the last 50 no earlier than 5 s in.
	if took := clock.Since(began); took < 5*time.Second {
		t.Errorf("300 messages went out in %v of the clock; 50 a second needs 5 s", took)
	}
}

func TestOneChannelIsPacedToItsBucket(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	srv.EnforceRateLimits(discordtest.DiscordLimits())
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)

	for i := range 12 {
		if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: fmt.Sprintf("part %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}

	calls := srv.Calls(createMessage)
	if st := srv.RateStats(); st.Limited != 0 || len(calls) != 12 {
		t.Fatalf("%d calls, %+v; want 12 and no 429", len(calls), st)
	}
	// 5 per 5 s: the 6th waits for the first window, the 11th for the second.
	if gap := calls[5].At.Sub(calls[0].At); gap < 5*time.Second {
		t.Errorf("6th message %v after the 1st, the bucket takes 5 per 5 s", gap)
	}
	if gap := calls[10].At.Sub(calls[5].At); gap < 5*time.Second {
		t.Errorf("11th message %v after the 6th, the bucket takes 5 per 5 s", gap)
	}
}

func TestRateLimitStormLongerThanMaxRetriesStillDelivers(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.MaxRetries = 2 })
	dm := srv.DMChannel(ana)
	for range 6 {
		srv.FailNext(createMessage, 429, 1.5)
	}

	sent, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Week 3 opens today"})

	if err != nil {
		t.Fatalf("Send = %v, want delivery once the 429s stop", err)
	}
	calls := srv.Calls(createMessage)
	if len(calls) != 7 || calls[6].Status != 200 {
		t.Fatalf("%d calls, want 6 refused and the 7th taken", len(calls))
	}
	for i := 1; i < len(calls); i++ {
		if gap := calls[i].At.Sub(calls[i-1].At); gap < 1500*time.Millisecond {
			t.Errorf("try %d came %v after a 429 that asked for 1.5 s", i+1, gap)
		}
	}
	if msgs := srv.Messages(dm); len(msgs) != 1 || msgs[0].ID != sent.MessageID {
		t.Errorf("messages %+v, want the one Send reported", msgs)
	}
}

func TestFailuresStillCountBetweenRateLimits(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.MaxRetries = 1 })
	dm := srv.DMChannel(ana)
	for _, status := range []int{500, 429, 502} {
		srv.FailNext(createMessage, status, 0.5)
	}

	_, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "hello"})

	if err == nil || errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("Send = %v, want a failure after two 5xx with one retry allowed", err)
	}
	if n := srv.Count(createMessage); n != 3 {
		t.Errorf("%d tries, want 3: the 429 between the failures is not one", n)
	}
}

func TestAcknowledgementRateLimitedIsRetriedInTime(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	srv.PushDM(ana, "hello")
	srv.AwaitMessages(dm, 1)
	srv.FailNext(callback, 429, 0.8)

	id := srv.PushButton(ana, dm, "yes", "en-US")
	srv.AwaitMessages(dm, 2)

	calls := srv.Calls(callback)
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 204 {
		t.Fatalf("callbacks %+v, want a 429 then the acknowledgement", calls)
	}
	r, ok := srv.Response(id)
	if !ok || r.Type != 6 || r.Delay < 800*time.Millisecond || r.Delay >= discordtest.AckLimit {
		t.Errorf("acknowledged %+v, want a deferred update after the 0.8 s wait, inside 3 s", r)
	}
	if press := e.calls()[1]; !acked(press.acks, id) {
		t.Error("the handler ran before the retried acknowledgement")
	}
}

func TestAcknowledgementIsNotRetriedPastTheWindow(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	srv.PushDM(ana, "hello")
	srv.AwaitMessages(dm, 1)
	srv.FailNext(callback, 429, 4)

	srv.PushButton(ana, dm, "yes", "en-US")
	msgs := srv.AwaitMessages(dm, 2)

	if n := srv.Count(callback); n != 1 {
		t.Errorf("%d callbacks, want 1: a 4 s wait ends past Discord's 3 s", n)
	}
	if msgs[1].Content != "echo: choice yes" {
		t.Errorf("reply %q, want the press handled all the same", msgs[1].Content)
	}
}

func TestAnsweredQuestionComesBackWithItsButtonsOff(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	var mu sync.Mutex
	var got []bot.Update
	startRun(t, a, handlerFunc(func(ctx context.Context, u bot.Update) error {
		mu.Lock()
		got = append(got, u)
		mu.Unlock()
		_, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "Correct!"})
		return err
	}))
	dm := srv.DMChannel(ana)
	q := &bot.QuizPoll{
		Question: "(2/5) Which convention covers migrant workers?",
		Options:  []string{"No. 97", "No. 138"},
		Buttons:  []bot.Button{{Label: "No. 97", Data: "a:w1:q2:0:AAAA"}, {Label: "No. 138", Data: "a:w1:q2:1:BBBB"}},
	}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Quiz: q}); err != nil {
		t.Fatal(err)
	}

	id := srv.PushButton(ana, dm, "a:w1:q2:0:AAAA", "en-GB")
	msgs := srv.AwaitMessages(dm, 2)

	if r, _ := srv.Response(id); r.Type != 7 {
		t.Fatalf("answer acknowledged with type %d, want an update of the message (7)", r.Type)
	}
	want := [][]discordtest.Button{
		{{Label: "No. 97", CustomID: "a:w1:q2:0:AAAA", Style: 1, Disabled: true}},
		{{Label: "No. 138", CustomID: "a:w1:q2:1:BBBB", Style: 2, Disabled: true}},
	}
	question := msgs[0]
	if question.Content != q.Question || !reflect.DeepEqual(question.Rows, want) {
		t.Errorf("question now %q with %+v, want its text and %+v", question.Content, question.Rows, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Choice != "a:w1:q2:0:AAAA" || got[0].ID != "dc:i:"+id {
		t.Errorf("core got %+v, want the press once", got)
	}
	allValid(t, srv)
}

func TestOtherPressesLeaveTheMessageAlone(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	srv.PushDM(ana, "hello")
	srv.AwaitMessages(dm, 1)

	id := srv.PushButton(ana, dm, "yes", "en-US")
	msgs := srv.AwaitMessages(dm, 2)

	if r, _ := srv.Response(id); r.Type != 6 {
		t.Errorf("press acknowledged with type %d, want a deferred update (6)", r.Type)
	}
	if !reflect.DeepEqual(msgs[0].Rows, yesNo()) {
		t.Errorf("buttons now %+v, want them as sent", msgs[0].Rows)
	}
}

func TestDMChannelIsOpenedOnce(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)

	first, err1 := a.OpenDM(context.Background(), bob)
	again, err2 := a.OpenDM(context.Background(), bob)

	if err1 != nil || err2 != nil || first != again || first != srv.DMChannel(bob) {
		t.Fatalf("OpenDM = %q, %v then %q, %v; want %q twice", first, err1, again, err2, srv.DMChannel(bob))
	}
	if n := srv.Count("POST /users/@me/channels"); n != 1 {
		t.Errorf("%d calls to open the DM, want 1", n)
	}
}

func TestGlobalRateLimitHoldsEveryRoute(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	srv.EnforceRateLimits(discordtest.Limits{Global: 1})
	// The adapter thinks it may go faster than Discord lets it.
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.GlobalRate = 5 })
	chats := participants(srv, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Send(ctx, bot.Reply{ChatID: chats[0], Text: "first"}); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	send := func(chat string) {
		_, err := a.Send(ctx, bot.Reply{ChatID: chat, Text: "next"})
		errs <- err
	}

	go send(chats[1])
	if err := clock.BlockUntilContext(ctx, 1); err != nil { // waiting out its global 429
		t.Fatal(err)
	}
	go send(chats[2])
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	held := srv.Count(createMessage)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	if held != 2 {
		t.Errorf("%d calls before the global 429's wait ended, want 2: a call on another route waits too", held)
	}
	calls := srv.Calls(createMessage)
	refused := calls[1]
	if refused.Status != 429 || refused.Path != "/channels/"+chats[1]+"/messages" {
		t.Fatalf("second call %+v, want the global 429", refused)
	}
	for _, c := range calls[2:] {
		if c.At.Sub(refused.At) < time.Second {
			t.Errorf("call to %s %v after the global 429 that asked for 1 s", c.Path, c.At.Sub(refused.At))
		}
	}
	for _, c := range chats {
		if n := len(srv.Messages(c)); n != 1 {
			t.Errorf("channel %s has %d messages, want 1", c, n)
		}
	}
}

// TestRefusalsAndWaitsAreCounted: each 429 is counted, and so is the
// time calls were held back, by the waits the 429s asked for and by a
// route's bucket.
func TestRefusalsAndWaitsAreCounted(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	srv.EnforceRateLimits(discordtest.DiscordLimits())
	fakeclock.Run(t, clock, 100*time.Millisecond)
	m := &limitcount.Counter{Platform: "discord"}
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.Metrics = m })
	dm := srv.DMChannel(ana)
	srv.FailNext(createMessage, 429, 1.5)
	srv.FailNext(createMessage, 429, 1.5)
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Week 3 opens today"}); err != nil {
		t.Fatal(err)
	}
	refused, waited := m.Get()
	if refused != 2 || waited < 3*time.Second {
		t.Fatalf("counted %d refusals and %v waited, want 2 and at least the 3 s asked", refused, waited)
	}
	// 5 per 5 s on a channel: the 6th message waits for the window.
	for i := range 6 {
		if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: fmt.Sprintf("part %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, more := m.Get(); more-waited < time.Second {
		t.Errorf("six messages to one channel added %v of waiting, want the bucket's window", more-waited)
	}
	if st := srv.RateStats(); st.Limited != 0 {
		t.Errorf("the server refused %d calls on its own", st.Limited)
	}
}
