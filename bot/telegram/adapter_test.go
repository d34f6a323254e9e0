package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

// setup is a fake Telegram, an adapter on a fake clock that moves while
// the adapter waits, and an echo handler behind it.
func setup(t *testing.T) (*telegramtest.Server, *telegram.Adapter, *echo) {
	t.Helper()
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 50*time.Millisecond)
	a := newAdapter(t, srv, clock)
	return srv, a, newEcho(a)
}

func TestMessageIsHandledAndAnswered(t *testing.T) {
	srv, a, h := setup(t)
	srv.SetName(42, "Ana", "Pérez")
	id := srv.PushMessage(42, "hello", "es-CO")
	startRun(t, a, h)

	sent := srv.Await("sendMessage", 1)
	if got := sent[0].Params; got["chat_id"] != "42" || got["text"] != "echo: hello" {
		t.Errorf("sendMessage params %v", got)
	}
	if _, set := sent[0].Params["parse_mode"]; set {
		t.Error("plain text must go without parse_mode")
	}
	want := bot.Update{ID: "tg:" + strconv.Itoa(id), Platform: bot.Telegram, UserID: "42", ChatID: "42", Name: "Ana Pérez", LangHint: "es-CO", Text: "hello"}
	if got := h.updates(); len(got) != 1 || !sameUpdate(got[0], want) {
		t.Errorf("handler got %+v, want %+v", got, want)
	}
}

func sameUpdate(a, b bot.Update) bool {
	if (a.Poll == nil) != (b.Poll == nil) {
		return false
	}
	if a.Poll != nil && (a.Poll.PollID != b.Poll.PollID || !equalInts(a.Poll.Options, b.Poll.Options)) {
		return false
	}
	a.Poll, b.Poll = nil, nil
	return a == b
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommandLosesBotName(t *testing.T) {
	srv, a, h := setup(t)
	srv.PushMessage(42, "/start@elma_test_bot AB12CD", "")
	startRun(t, a, h)
	srv.Await("sendMessage", 1)
	if got := h.updates()[0].Text; got != "/start AB12CD" {
		t.Errorf("text %q, want /start AB12CD", got)
	}
}

func TestCallbackIsAnsweredThenRouted(t *testing.T) {
	srv, a, h := setup(t)
	id := srv.PushCallback(42, "lang:es")
	startRun(t, a, h)

	srv.Await("sendMessage", 1)
	answers := srv.Calls("answerCallbackQuery")
	if len(answers) != 1 || answers[0].Params["callback_query_id"] != telegramtest.CallbackID(1) {
		t.Fatalf("answerCallbackQuery calls %v", answers)
	}
	order := srv.Requests()
	if firstIndex(order, "answerCallbackQuery") > firstIndex(order, "sendMessage") {
		t.Error("the callback was answered after the reply, not promptly")
	}
	got := h.updates()
	if len(got) != 1 || got[0].Choice != "lang:es" || got[0].ChatID != "42" || got[0].UserID != "42" || got[0].Text != "" || got[0].ID != "tg:"+strconv.Itoa(id) {
		t.Errorf("handler got %+v", got)
	}
}

func firstIndex(reqs []telegramtest.Request, method string) int {
	for i, r := range reqs {
		if r.Method == method {
			return i
		}
	}
	return len(reqs)
}

func quiz() *bot.QuizPoll {
	return &bot.QuizPoll{
		Question:    "Which ILO convention covers migrant workers' equal treatment?",
		Options:     []string{"C29", "C97", "C138"},
		Correct:     1,
		Explanation: "C97, Migration for Employment Convention (Revised), 1949.",
	}
}

func TestQuizIsANativeQuizPoll(t *testing.T) {
	srv, a, _ := setup(t)
	q := quiz()
	q.CloseAt = start().Now().Add(48 * time.Hour)
	sent, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Quiz: q})
	if err != nil {
		t.Fatal(err)
	}
	if sent.PollID == "" || sent.MessageID == "" {
		t.Fatalf("sent %+v, want a poll id and a message id", sent)
	}
	calls := srv.Calls("sendPoll")
	if len(calls) != 1 {
		t.Fatalf("%d sendPoll calls", len(calls))
	}
	p := calls[0].Params
	if p["type"] != "quiz" || p["is_anonymous"] != "false" || p["correct_option_ids"] != "[1]" {
		t.Errorf("quiz params %v", p)
	}
	if _, old := p["correct_option_id"]; old {
		t.Error("sent the pre-10.0 correct_option_id")
	}
	var options []map[string]any
	if err := json.Unmarshal([]byte(p["options"]), &options); err != nil {
		t.Fatalf("options %q are not InputPollOption objects: %v", p["options"], err)
	}
	if len(options) != 3 || options[1]["text"] != "C97" || len(options[1]) != 1 {
		t.Errorf("options %v", options)
	}
	if p["explanation"] != q.Explanation || p["close_date"] != "1666170000" {
		t.Errorf("explanation %q, close_date %q", p["explanation"], p["close_date"])
	}
	poll, ok := srv.Poll(sent.PollID)
	if !ok || poll.Anonymous || poll.Type != "quiz" || !equalInts(poll.Correct, []int{1}) || poll.ChatID != 42 {
		t.Errorf("server saw poll %+v", poll)
	}
}

func TestQuizRejectsBadQuestions(t *testing.T) {
	srv, a, _ := setup(t)
	for name, q := range map[string]*bot.QuizPoll{
		"no options":     {Question: "Q?", Correct: 0},
		"correct beyond": {Question: "Q?", Options: []string{"a", "b"}, Correct: 2},
		"no question":    {Options: []string{"a", "b"}},
	} {
		if _, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Quiz: q}); err == nil {
			t.Errorf("%s: sent", name)
		}
	}
	if n := srv.Count("sendPoll"); n != 0 {
		t.Errorf("%d sendPoll calls for bad quizzes", n)
	}
}

func TestPollAnswerRoutedToVoter(t *testing.T) {
	srv, a, h := setup(t)
	sent, err := a.Send(context.Background(), bot.Reply{ChatID: "77", Quiz: quiz()})
	if err != nil {
		t.Fatal(err)
	}
	id := srv.PushPollAnswer(77, sent.PollID, []int{2})
	startRun(t, a, h)
	srv.Await("sendMessage", 1)
	want := bot.Update{ID: "tg:" + strconv.Itoa(id), Platform: bot.Telegram, UserID: "77", ChatID: "77", Name: "User 77", Poll: &bot.PollAnswer{PollID: sent.PollID, Options: []int{2}}}
	if got := h.updates(); len(got) != 1 || !sameUpdate(got[0], want) {
		t.Errorf("handler got %+v", got)
	}
}

func TestButtonsBecomeInlineKeyboard(t *testing.T) {
	srv, a, _ := setup(t)
	reply := bot.Reply{ChatID: "42", Text: "Language?", Buttons: [][]bot.Button{{{Label: "English", Data: "lang:en"}, {Label: "Español", Data: "lang:es"}}}}
	if _, err := a.Send(context.Background(), reply); err != nil {
		t.Fatal(err)
	}
	out := srv.Outgoing(42)
	if len(out) != 1 || len(out[0].Buttons) != 1 || out[0].Buttons[0][1] != (telegramtest.Button{Text: "Español", Data: "lang:es"}) {
		t.Errorf("outgoing %+v", out)
	}
}

func TestCallbackDataOverLimitIsRefused(t *testing.T) {
	srv, a, _ := setup(t)
	long := strings.Repeat("x", 65)
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: "Pick", Buttons: [][]bot.Button{{{Label: "A", Data: long}}}})
	if err == nil {
		t.Fatal("65 bytes of callback data were accepted")
	}
	if n := srv.Count("sendMessage"); n != 0 {
		t.Errorf("%d calls made", n)
	}
}

func TestLongTextIsSplit(t *testing.T) {
	srv, a, _ := setup(t)
	line := strings.Repeat("á", 99) + "\n"
	text := strings.Repeat(line, 50) // 5000 characters
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: text, Buttons: [][]bot.Button{{{Label: "OK", Data: "ok"}}}})
	if err != nil {
		t.Fatal(err)
	}
	out := srv.Outgoing(42)
	if len(out) != 2 {
		t.Fatalf("%d messages, want 2", len(out))
	}
	if out[0].Buttons != nil || out[1].Buttons == nil {
		t.Error("buttons must go under the last part only")
	}
	if got := out[0].Text + "\n" + out[1].Text; got != text {
		t.Error("the parts do not add up to the text")
	}
	for _, o := range out {
		if n := len([]rune(o.Text)); n > 4096 {
			t.Errorf("a part of %d characters", n)
		}
	}
}

func TestFailedUpdateIsDeliveredAgainUntilHandled(t *testing.T) {
	srv, a, h := setup(t)
	h.failFor("42", 2)
	first := srv.PushMessage(42, "first", "")
	startRun(t, a, h)

	srv.Await("sendMessage", 1)
	// The handler replies before it returns, so no getUpdates may
	// confirm the update before that reply (requests are logged in the
	// order they arrive).
	for _, r := range srv.Requests() {
		if r.Method == "sendMessage" {
			break
		}
		if off := r.Params["offset"]; r.Method == "getUpdates" && off != "" && atoi(t, off) > first {
			t.Errorf("offset %s confirmed update %d before it was handled", off, first)
		}
	}
	second := srv.PushMessage(42, "second", "")
	srv.Await("sendMessage", 2)
	awaitConfirmed(t, srv, second)
	// Confirmed for good: later polls no longer bring it.
	delivered := srv.Deliveries(first)
	srv.Await("getUpdates", srv.Count("getUpdates")+2)
	if n := srv.Deliveries(first); n != delivered {
		t.Errorf("update delivered again after it was confirmed (%d -> %d)", delivered, n)
	}
	var texts []string
	for _, u := range h.updates() {
		texts = append(texts, u.Text)
	}
	if strings.Join(texts, ",") != "first,first,first,second" {
		t.Errorf("handler saw %v", texts)
	}
}

// One chat failing does not make the others' updates count twice.
func TestFailureInOneChatDoesNotRepeatOthers(t *testing.T) {
	srv, a, h := setup(t)
	h.failFor("1", 1)
	srv.PushMessage(1, "a", "")
	srv.PushMessage(2, "b", "")
	srv.PushMessage(1, "c", "")
	startRun(t, a, h)
	srv.Await("sendMessage", 3)

	var one, two []string
	for _, u := range h.updates() {
		if u.ChatID == "1" {
			one = append(one, u.Text)
		} else {
			two = append(two, u.Text)
		}
	}
	if strings.Join(one, ",") != "a,a,c" {
		t.Errorf("chat 1 saw %v, want a twice then c, in order", one)
	}
	if strings.Join(two, ",") != "b" {
		t.Errorf("chat 2 saw %v, want b once", two)
	}
}

// A chat whose update takes long holds up neither the other chats nor the
// updates that arrive meanwhile; its own later updates wait their turn,
// and nothing from it on is confirmed before it is handled.
func TestSlowChatDoesNotHoldUpOthers(t *testing.T) {
	srv, a, h := setup(t)
	release := h.hold("1")
	slow := srv.PushMessage(1, "slow", "")
	startRun(t, a, h)
	srv.Await("getUpdates", 2) // the slow update is out, and being handled
	srv.PushMessage(1, "after", "")
	srv.PushMessage(2, "b1", "")
	last := srv.PushMessage(2, "b2", "")
	srv.Await("sendMessage", 2)
	if got := joined(srv.Outgoing(2)); got != "echo: b1\necho: b2" {
		t.Errorf("chat 2 got %q while chat 1 was busy, want b1 then b2", got)
	}
	if c := srv.Confirmed(); c > slow {
		t.Errorf("offset %d confirmed update %d before it was handled", c, slow)
	}
	release()
	srv.Await("sendMessage", 4)
	if got := joined(srv.Outgoing(1)); got != "echo: slow\necho: after" {
		t.Errorf("chat 1 got %q, want slow then after", got)
	}
	awaitConfirmed(t, srv, last)
	if n := len(h.updates()); n != 4 {
		t.Errorf("handler got %d updates, want each of the 4 once", n)
	}
}

func TestBlockedUserIsUnreachable(t *testing.T) {
	srv, a, _ := setup(t)
	srv.Block(42)
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: "Reminder"})
	if !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if n := srv.Count("sendMessage"); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: "43", Text: "Reminder"}); err != nil {
		t.Errorf("another chat: %v", err)
	}
}

// TestCommandMenusDoNotWaitOnEachOther: the three menus a start sets are
// not messages to one chat, so no per-chat gap holds them: they are set
// without the clock moving at all.
func TestCommandMenusDoNotWaitOnEachOther(t *testing.T) {
	clock := start() // never advanced: any wait on it would hang
	srv := telegramtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	// The deadline only bounds a failing test.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	menu := []bot.CommandInfo{{Name: "quiz", Description: "Take this week's quiz"}}
	for _, lang := range []string{"", "en", "es"} {
		if err := a.SetCommands(ctx, lang, menu); err != nil {
			t.Fatalf("menu %q: %v", lang, err)
		}
	}
	if n := len(srv.Calls("setMyCommands")); n != 3 {
		t.Errorf("%d setMyCommands calls, want 3", n)
	}
}

func TestCommandMenusPerLanguage(t *testing.T) {
	srv, a, _ := setup(t)
	en := []bot.CommandInfo{{Name: "quiz", Description: "Take this week's quiz"}, {Name: "progress", Description: "Your points"}}
	es := []bot.CommandInfo{{Name: "quiz", Description: "Haz el cuestionario de la semana"}, {Name: "progress", Description: "Tus puntos"}}
	ctx := context.Background()
	if err := a.SetCommands(ctx, "en", en); err != nil {
		t.Fatal(err)
	}
	if err := a.SetCommands(ctx, "es", es); err != nil {
		t.Fatal(err)
	}
	if err := a.SetCommands(ctx, "", en); err != nil {
		t.Fatal(err)
	}
	if got := srv.Commands("es"); len(got) != 2 || got[0] != (telegramtest.Command{Command: "quiz", Description: "Haz el cuestionario de la semana"}) {
		t.Errorf("es menu %v", got)
	}
	if got := srv.Commands("en"); len(got) != 2 || got[1].Description != "Your points" {
		t.Errorf("en menu %v", got)
	}
	calls := srv.Calls("setMyCommands")
	if calls[0].Params["language_code"] != "en" || calls[1].Params["language_code"] != "es" {
		t.Errorf("language codes %v, %v", calls[0].Params, calls[1].Params)
	}
	if _, set := calls[2].Params["language_code"]; set {
		t.Error("the default menu carries a language_code")
	}
	if err := a.SetCommands(ctx, "en", []bot.CommandInfo{{Name: "Bad-Name", Description: "x"}}); err == nil {
		t.Error("an invalid command name was accepted")
	}
}

func TestGroupChatsGetPointedToPrivateChat(t *testing.T) {
	srv, a, h := setup(t)
	srv.PushGroupMessage(-1001, 42, "/quiz")
	srv.PushGroupMessage(-1001, 42, "hello everyone")
	srv.PushMessage(42, "hi", "")
	startRun(t, a, h)
	srv.Await("sendMessage", 2)

	if got := h.updates(); len(got) != 1 || got[0].Text != "hi" {
		t.Errorf("handler got %+v, want only the private message", got)
	}
	group := srv.Outgoing(-1001)
	if len(group) != 1 || !strings.Contains(group[0].Text, "private") {
		t.Errorf("group got %+v, want one pointer to the private chat", group)
	}
	again := srv.PushMessage(42, "again", "")
	srv.Await("sendMessage", 3)
	// The ignored group updates are confirmed along with the rest.
	awaitConfirmed(t, srv, again)
	if got := h.updates(); len(got) != 2 {
		t.Errorf("handler got %d updates, want the 2 private messages", len(got))
	}
}

func TestRunStopsOnBadToken(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, func(c *telegram.Config) { c.Token = "999:wrong" })
	err := a.Run(context.Background(), newEcho(a))
	if err == nil {
		t.Fatal("Run went on with a refused token")
	}
	if strings.Contains(err.Error(), "999:wrong") {
		t.Errorf("error %q shows the token", err)
	}
	if _, err := a.Username(context.Background()); err == nil {
		t.Error("getMe passed with a refused token")
	}
}

func TestUsername(t *testing.T) {
	_, a, _ := setup(t)
	name, err := a.Username(context.Background())
	if err != nil || name != telegramtest.BotUsername {
		t.Errorf("Username = %q, %v", name, err)
	}
}

func TestNetworkErrorsHideToken(t *testing.T) {
	clock := start()
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, time.Second)
	a := newAdapter(t, srv, clock, func(c *telegram.Config) { c.MaxRetries = 1 })
	srv.Close()
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Text: "hi"})
	if err == nil {
		t.Fatal("sent to a closed server")
	}
	if strings.Contains(err.Error(), telegramtest.Token) {
		t.Errorf("error %q shows the token", err)
	}
}

func TestNewNeedsToken(t *testing.T) {
	if _, err := telegram.New(telegram.Config{}); err == nil {
		t.Error("New without a token")
	}
	a, err := telegram.New(telegram.Config{Token: "1:x"})
	if err != nil || a.Platform() != bot.Telegram {
		t.Errorf("New = %v, %v", a, err)
	}
}
