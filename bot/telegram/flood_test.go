package telegram_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

// flooder is the chat that types too fast in these tests.
const flooder int64 = 66

// flood queues n messages from the flooder, labelled, and returns the
// last update id.
func flood(srv *telegramtest.Server, label string, n int) int {
	last := 0
	for i := range n {
		last = srv.PushMessage(flooder, fmt.Sprintf("%s %d", label, i), "")
	}
	return last
}

// said is what a chat was sent, one text per message.
func said(srv *telegramtest.Server, chat int64) []string {
	var out []string
	for _, o := range srv.Outgoing(chat) {
		out = append(out, o.Text)
	}
	return out
}

// seen is what the handler got from a chat, as describe words it.
func seen(h *echo, chat string) []string {
	var out []string
	for _, u := range h.updates() {
		if u.ChatID == chat {
			out = append(out, describe(u))
		}
	}
	return out
}

// The clock stands still here, so the flooder's next reply (one a second
// per chat) cannot go out: the others are answered and the offset moves
// past all 500 messages regardless, since nothing of the flooder's holds
// it. Only the first message gets through, then one slow-down notice.
func TestFloodIsShedAtIntake(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	h := newEcho(a)
	flood(srv, "spam", 500)
	last := 0
	for chat := int64(1); chat <= 5; chat++ {
		last = srv.PushMessage(chat, "/progress", "")
	}
	startRun(t, a, h)

	awaitConfirmed(t, srv, last)
	for chat := int64(1); chat <= 5; chat++ {
		if got := said(srv, chat); !slices.Equal(got, []string{"echo: /progress"}) {
			t.Errorf("chat %d was sent %q", chat, got)
		}
	}
	if got := said(srv, flooder); !slices.Equal(got, []string{"echo: spam 0"}) {
		t.Errorf("with the clock still, the flooder was sent %q", got)
	}

	fakeclock.Run(t, clock, 50*time.Millisecond)
	srv.Await("sendMessage", 7)
	if got := said(srv, flooder); !slices.Equal(got, []string{"echo: spam 0", "echo: slow down"}) {
		t.Errorf("the flooder was sent %q, want the first reply and one notice", got)
	}
	if got := seen(h, "66"); len(got) != 2 {
		t.Errorf("the core got %q from the flooder, want its first message and the notice", got)
	}
}

// Button presses and quiz votes answer what the bot sent, and a vote
// cannot be cast twice: a flooding chat loses none of them, in order.
func TestFloodKeepsVotesAndButtons(t *testing.T) {
	srv, a, h := setup(t)
	var want []string
	for i := range 120 {
		srv.PushMessage(flooder, fmt.Sprintf("spam %d", i), "")
		switch i % 40 {
		case 10:
			data := fmt.Sprintf("b:%d", i)
			srv.PushCallback(flooder, data)
			want = append(want, "choice "+data)
		case 30:
			poll := fmt.Sprintf("p%d", i)
			srv.PushPollAnswer(flooder, poll, []int{1})
			want = append(want, fmt.Sprintf("poll %s [1]", poll))
		}
	}
	last := srv.PushMessage(1, "/help", "")
	startRun(t, a, h)

	// The notice queues ahead of the presses and votes, so it was
	// handled by the time they all were.
	awaitConfirmed(t, srv, last)
	var answers, notices, typed []string
	for _, d := range seen(h, "66") {
		switch {
		case d == "slow down":
			notices = append(notices, d)
		case strings.HasPrefix(d, "spam"):
			typed = append(typed, d)
		default:
			answers = append(answers, d)
		}
	}
	if !slices.Equal(answers, want) {
		t.Errorf("presses and votes handled: %q, want %q", answers, want)
	}
	if len(notices) != 1 {
		t.Errorf("%d slow-down notices, want 1", len(notices))
	}
	if n := srv.Count("answerCallbackQuery"); n != 3 {
		t.Errorf("%d callback queries answered, want 3", n)
	}
	if len(typed) > telegram.DefaultFloodBurst {
		t.Errorf("%d of 120 flooding messages reached the core: %q", len(typed), typed)
	}
	if got := said(srv, 1); !slices.Equal(got, []string{"echo: /help"}) {
		t.Errorf("chat 1 was sent %q", got)
	}
}

// An episode lasts until the bucket has refilled: more flooding within
// it is dropped without a second notice; a flood after it gets one. The
// flooder's first message is held each time, so that all of a flood is
// judged while it runs, however getUpdates splits it.
func TestOneNoticePerEpisode(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 50*time.Millisecond)
	a := newAdapter(t, srv, clock)
	h := newEcho(a)
	startRun(t, a, h)

	floodHeld(t, srv, h, "first", 1)
	want := []string{"echo: first 0", "echo: slow down"}
	if got := said(srv, flooder); !slices.Equal(got, want) {
		t.Fatalf("first flood: the flooder was sent %q, want %q", got, want)
	}
	// A few seconds on, the bucket holds a token or two, not all 8: a
	// message or two may pass (the clock runs on its own here), but no
	// second notice comes.
	clock.Advance(3 * time.Second)
	floodHeld(t, srv, h, "second", 2)
	got := said(srv, flooder)
	if slices.Contains(got[len(want):], "echo: slow down") || len(got) > len(want)+2 {
		t.Fatalf("second flood, same episode: the flooder was sent %q after %q, want a message or two and no notice", got[len(want):], want)
	}
	want = got
	clock.Advance(20 * time.Second) // the bucket refills in 16s
	floodHeld(t, srv, h, "third", 3)
	want = append(want, "echo: third 0", "echo: slow down")
	if got := said(srv, flooder); !slices.Equal(got, want) {
		t.Errorf("third flood, a new episode: the flooder was sent %q, want %q", got, want)
	}
}

// floodHeld floods 50 messages while the flooder's first one is held,
// shows that another chat is answered meanwhile, then lets the flooder's
// chat go on and waits until the whole flood is confirmed and whatever
// the flooder is owed was sent.
func floodHeld(t *testing.T, srv *telegramtest.Server, h *echo, label string, other int64) {
	t.Helper()
	release := h.hold("66")
	last := flood(srv, label, 50)
	srv.PushMessage(other, "hi", "")
	for len(srv.Outgoing(other)) == 0 {
		srv.Await("sendMessage", srv.Count("sendMessage")+1)
	}
	release()
	awaitConfirmed(t, srv, last)
	for len(seen(h, "66")) > len(srv.Outgoing(flooder)) {
		srv.Await("sendMessage", srv.Count("sendMessage")+1)
	}
}

// Someone typing briskly, three messages at once and then a pause, never
// loses one.
func TestNormalTypistIsNeverDropped(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 50*time.Millisecond)
	a := newAdapter(t, srv, clock)
	h := newEcho(a)
	startRun(t, a, h)
	var want []string
	for burst := range 10 {
		for i := range 3 {
			text := fmt.Sprintf("message %d.%d", burst, i)
			srv.PushMessage(42, text, "")
			want = append(want, "echo: "+text)
		}
		srv.Await("sendMessage", len(want))
		clock.Advance(6 * time.Second)
	}
	if got := said(srv, 42); !slices.Equal(got, want) {
		t.Errorf("the typist was sent %q, want %q", got, want)
	}
}

// Messages that failed (a storage outage) were let in once and are owed
// an answer: when the chat floods while they are being tried again, the
// new messages are dropped, never those.
func TestRetriedMessagesAreNeverShed(t *testing.T) {
	srv, a, h := setup(t)
	h.failFor("42", 1)
	release := h.hold("42") // the failing attempt returns before the hold
	var want []string
	for i := range 3 {
		srv.PushMessage(42, fmt.Sprintf("before %d", i), "")
		want = append(want, fmt.Sprintf("echo: before %d", i))
	}
	startRun(t, a, h)
	for len(h.updates()) < 2 { // the failure, then the retry, held
		srv.Await("getUpdates", srv.Count("getUpdates")+1)
	}
	last := 0
	for i := range 10 {
		last = srv.PushMessage(42, fmt.Sprintf("after %d", i), "")
	}
	for srv.Deliveries(last) == 0 {
		srv.Await("getUpdates", srv.Count("getUpdates")+1)
	}
	srv.Await("getUpdates", srv.Count("getUpdates")+1) // the flood was judged
	release()
	awaitConfirmed(t, srv, last)
	for len(seen(h, "42"))-1 > len(srv.Outgoing(42)) {
		srv.Await("sendMessage", srv.Count("sendMessage")+1)
	}
	got := said(srv, 42)
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("the chat was sent %q, want first %q", got, want)
	}
	if n := count(got, "echo: slow down"); n != 1 {
		t.Errorf("%d slow-down notices in %q, want 1: the flood after the outage was shed", n, got)
	}
}
