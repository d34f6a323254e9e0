package telegram_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	coursequiz "github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// e2eWait bounds every wait of these tests. It is only ever reached when
// the bot is broken: waits end as soon as the server saw what they wait
// for.
const e2eWait = 30 * time.Second

// e2eSecret signs answer buttons; the forged-callback test signs with it
// too, to show that a correctly signed button is taken.
const e2eSecret = "end-to-end test secret, long enough"

// Telegram users of these tests; a private chat's id is its user's id.
const (
	ana    int64 = 101
	bob    int64 = 102
	thandi int64 = 103
	luis   int64 = 104
	carol  int64 = 105
)

// e2e is the whole bot as it runs in production, minus the network: the
// real adapter's update loop with its default pacing, the real core, the
// real store on a throwaway redis-server, all on one fake clock that moves
// while something waits on it, against the fake Telegram.
type e2e struct {
	t      *testing.T
	srv    *telegramtest.Server
	redis  *storetest.Server
	store  *store.Store
	bot    *bot.Bot
	tg     *telegram.Adapter
	clock  *clockwork.FakeClock
	course *course.Course
}

// newE2E starts everything at now (Turin wall time); redisArgs go to
// redis-server.
func newE2E(t *testing.T, now string, redisArgs ...string) *e2e {
	t.Helper()
	clock := clockwork.NewFakeClockAt(fakeclock.Turin(t, now))
	rd := storetest.Start(t, redisArgs...)
	st := store.New(rd.Client(), store.WithPrefix(rd.Prefix))
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: []byte(e2eSecret)})
	if err != nil {
		t.Fatal(err)
	}
	srv := telegramtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 50*time.Millisecond)
	a := newAdapter(t, srv, clock)
	b.Register(a)
	startRun(t, a, b)
	return &e2e{t: t, srv: srv, redis: rd, store: st, bot: b, tg: a, clock: clock, course: c}
}

// exchange queues one update and waits until the bot confirmed it, which
// it does only once the update was handled; it returns what the bot put
// in the chat meanwhile. The tests send one update at a time.
func (h *e2e) exchange(chat int64, push func() int) []telegramtest.Outgoing {
	h.t.Helper()
	before := len(h.srv.Outgoing(chat))
	h.waitConfirmed(push())
	return h.srv.Outgoing(chat)[before:]
}

// waitConfirmed waits until the bot asked for updates past id. Every
// getUpdates call wakes it; the deadline only fails the test.
func (h *e2e) waitConfirmed(id int) {
	h.t.Helper()
	awaitConfirmed(h.t, h.srv, id)
}

// waitFor waits, one getUpdates call at a time, until ok holds.
func (h *e2e) waitFor(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for !ok() {
		if time.Now().After(deadline) {
			h.t.Fatalf("gave up after %v waiting for %s (confirmed offset %d, %d pending)", e2eWait, what, h.srv.Confirmed(), h.srv.Pending())
		}
		h.srv.Await("getUpdates", h.srv.Count("getUpdates")+1)
	}
}

// say sends text from user's app (no language set) and returns the
// bot's replies as one text.
func (h *e2e) say(user int64, text string) string {
	h.t.Helper()
	return h.sayIn(user, text, "")
}

// sayIn sends text from a user whose app is in lang.
func (h *e2e) sayIn(user int64, text, lang string) string {
	h.t.Helper()
	return joined(h.exchange(user, func() int { return h.srv.PushMessage(user, text, lang) }))
}

// press presses an inline button carrying data.
func (h *e2e) press(user int64, data string) string {
	h.t.Helper()
	return joined(h.exchange(user, func() int { return h.srv.PushCallback(user, data) }))
}

// vote answers a poll with one option.
func (h *e2e) vote(user int64, pollID string, option int) string {
	h.t.Helper()
	return joined(h.exchange(user, func() int { return h.srv.PushPollAnswer(user, pollID, []int{option}) }))
}

func joined(out []telegramtest.Outgoing) string {
	texts := make([]string, len(out))
	for i, o := range out {
		texts[i] = o.Text
	}
	return strings.Join(texts, "\n")
}

// lastPoll is the latest poll the bot sent to chat.
func (h *e2e) lastPoll(chat int64) telegramtest.Poll {
	h.t.Helper()
	p, ok := h.srv.LastPoll(chat)
	if !ok {
		h.t.Fatalf("no poll sent to chat %d", chat)
	}
	return p
}

func (h *e2e) participant(user int64) store.Participant {
	h.t.Helper()
	p, err := h.store.ParticipantByAccount(context.Background(), store.Platform(bot.Telegram), strconv.FormatInt(user, 10))
	if err != nil {
		h.t.Fatalf("participant of Telegram user %d: %v", user, err)
	}
	return p
}

func (h *e2e) totals(user int64) store.Totals {
	h.t.Helper()
	tot, err := h.store.Totals(context.Background(), h.participant(user).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return tot
}

// wantPoints checks the store and the /progress reply agree on total.
func (h *e2e) wantPoints(user int64, total int) {
	h.t.Helper()
	if tot := h.totals(user); tot.Total != total || tot.Weekly != total {
		h.t.Errorf("user %d: store totals %+v, want %d weekly points", user, tot, total)
	}
	// "point" rather than "points.": the catalog says "1 points" today,
	// and a fix of that plural should not break this test.
	mustContain(h.t, h.say(user, "/progress"), fmt.Sprintf("Your total: %d point", total), fmt.Sprintf("Weekly quizzes: %d ·", total))
}

// week returns a quiz of the built-in course.
func (h *e2e) week(id coursequiz.ID) *coursequiz.Quiz {
	h.t.Helper()
	q, ok := h.course.Bank.Quiz(id)
	if !ok {
		h.t.Fatalf("no quiz %s in the built-in course", id)
	}
	return q
}

func mustContain(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q; got:\n%s", w, got)
		}
	}
}

func mustNotContain(t testing.TB, got string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(got, b) {
			t.Errorf("reply has %q; got:\n%s", b, got)
		}
	}
}

func TestE2ERegister(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	ctx := context.Background()

	mustContain(t, h.say(ana, "/progress"), "Please register first")
	got := h.say(ana, "/register Ana Lima")
	mustContain(t, got, "You are registered, Ana Lima", "E-Academy on Labour Migration")
	if last := h.srv.Outgoing(ana); !hasButton(last[len(last)-1], "Español", "lang:es:reg") {
		t.Errorf("registration reply has no Spanish button: %+v", last[len(last)-1])
	}
	if p := h.participant(ana); p.Name != "Ana Lima" || p.Lang != locales.EN {
		t.Errorf("stored participant %+v, want Ana Lima in English", p)
	}
	h.wantPoints(ana, 0)
	mustContain(t, h.say(ana, "/register Someone Else"), "already registered as Ana Lima")

	// Without a name, the Telegram display name is taken.
	h.srv.SetName(luis, "Luis", "García")
	mustContain(t, h.say(luis, "/register"), "You are registered, Luis García")

	// A deep link t.me/<bot>?start=CODE arrives as "/start CODE".
	err := h.store.AddRosterCodes(ctx, []store.RosterEntry{{Code: "ELMA-7Q2K", Name: "Thandi Nkosi", Cohort: "SAMM", Lang: locales.EN}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.say(thandi, "/start ELMA-7Q2K"), "You are registered, Thandi Nkosi")
	if p := h.participant(thandi); p.Cohort != "SAMM" || p.Name != "Thandi Nkosi" {
		t.Errorf("roster registration stored %+v", p)
	}
	h.wantPoints(thandi, 0)
	mustContain(t, h.say(bob, "/start ELMA-7Q2K"), "already been used")
	mustContain(t, h.say(bob, "/start NOPE-0000"), "don't know that code")
	if _, err := h.store.ParticipantByAccount(ctx, store.Platform(bot.Telegram), strconv.FormatInt(bob, 10)); err == nil {
		t.Error("a used or unknown code registered Bob")
	}
}

func hasButton(o telegramtest.Outgoing, label, data string) bool {
	for _, row := range o.Buttons {
		for _, b := range row {
			if b.Text == label && b.Data == data {
				return true
			}
		}
	}
	return false
}

func TestE2ESwitchToSpanish(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")

	// The button under the registration reply.
	presses := h.srv.Count("answerCallbackQuery")
	mustContain(t, h.press(ana, "lang:es"), "A partir de ahora le escribiré en español")
	if n := h.srv.Count("answerCallbackQuery"); n != presses+1 {
		t.Errorf("answerCallbackQuery called %d times for one press", n-presses)
	}
	if p := h.participant(ana); p.Lang != locales.ES {
		t.Errorf("stored language %q, want es", p.Lang)
	}
	got := h.say(ana, "/progress")
	mustContain(t, got, "Su total: 0 puntos.", "Le faltan 60 puntos para el certificado de participación")
	mustNotContain(t, got, "Your total")

	// The quiz comes in Spanish too, poll included.
	q := h.week("week-1")
	mustContain(t, h.say(ana, "/quiz week-1"), q.Title.ES, "5 preguntas")
	poll := h.lastPoll(ana)
	if !strings.Contains(poll.Question, q.Questions[0].Text.ES) || poll.Options[0] != q.Questions[0].Options[0].ES {
		t.Errorf("poll not in Spanish: %q %q", poll.Question, poll.Options)
	}
	// Telegram itself shows right or wrong; the bot moves on in Spanish.
	mustContain(t, h.vote(ana, poll.ID, q.Questions[0].Correct), "(2/5) "+q.Questions[1].Text.ES)

	// And back, and forth again, by command.
	mustContain(t, h.say(ana, "/language en"), "I will write to you in English")
	mustContain(t, h.say(ana, "/progress"), "Your total: 1 point")
	mustContain(t, h.say(ana, "/language es"), "A partir de ahora le escribiré en español")
	mustContain(t, h.say(ana, "/progress"), "Su total: 1 punto")
	if tot := h.totals(ana); tot.Total != 1 {
		t.Errorf("totals %+v after one right answer", tot)
	}

	// Someone whose Telegram is in Spanish is greeted and registered in
	// Spanish without choosing.
	mustContain(t, h.sayIn(luis, "/start", "es"), "¡Le damos la bienvenida a la")
	mustContain(t, h.sayIn(luis, "/register Luis García", "es"), "Registro completado, Luis García")
	if p := h.participant(luis); p.Lang != locales.ES {
		t.Errorf("Spanish-app user stored with language %q", p.Lang)
	}
}

// TestE2EWeeklyQuizAsPolls takes week 1 to the end as native quiz polls,
// right and wrong in turn, and checks each sendPoll against the spec's
// own names and the points after every step.
func TestE2EWeeklyQuizAsPolls(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	q := h.week("week-1")
	correctField := specCorrectOptionField(t)

	got := h.say(ana, "/quiz week-1")
	mustContain(t, got, q.Title.EN+": 5 questions, 5 points", "(1/5) "+q.Questions[0].Text.EN)
	want := 0
	var out []telegramtest.Outgoing
	for i, qu := range q.Questions {
		polls := h.srv.Calls("sendPoll")
		checkPollRequest(t, polls[len(polls)-1], ana, qu.Options, qu.Correct, correctField)
		poll := h.lastPoll(ana)
		checkPoll(t, poll, fmt.Sprintf("(%d/5) %s", i+1, qu.Text.EN), qu.Correct)

		right := i%2 == 0
		option := qu.Correct
		if !right {
			option = (qu.Correct + 1) % len(qu.Options)
		}
		out = h.exchange(ana, func() int { return h.srv.PushPollAnswer(ana, poll.ID, []int{option}) })
		got = joined(out)
		if right {
			want += qu.Points
		}
		// Telegram shows right or wrong and the explanation itself: the
		// bot sends no feedback message, only the next question.
		mustNotContain(t, got, "Correct!", "Not quite", "The right answer")
		if i+1 < len(q.Questions) {
			mustContain(t, got, fmt.Sprintf("(%d/5) %s", i+2, q.Questions[i+1].Text.EN))
		}
		h.wantPoints(ana, want)
	}
	mustContain(t, got, q.Title.EN+" complete: you earned 3 of 5 points. Your total is now 3 points.")
	if !hasButton(out[len(out)-1], "My progress", "cmd:progress") {
		t.Errorf("the summary lacks the progress button: %+v", out[len(out)-1])
	}
	got = h.press(ana, "cmd:progress")
	mustContain(t, got, "Your total: 3 points.", "57 more points for the certificate of participation", "117 more points for the certificate of achievement")
	mustNotContain(t, h.say(ana, "/quiz"), q.Title.EN+" (")
	if n := len(h.srv.Calls("sendPoll")); n != len(q.Questions) {
		t.Errorf("%d polls sent for %d questions", n, len(q.Questions))
	}
}

// specCorrectOptionField is the name the Bot API description gives
// sendPoll's correct option parameter (correct_option_ids in 10.1).
func specCorrectOptionField(t *testing.T) string {
	t.Helper()
	path, err := telegramtest.FindSpec()
	if err != nil {
		t.Skip(err)
	}
	spec, err := telegramtest.LoadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range spec.Methods["sendPoll"].Fields {
		if strings.HasPrefix(f.Name, "correct_option") {
			return f.Name
		}
	}
	t.Fatal("the spec's sendPoll has no correct option field")
	return ""
}

// checkPollRequest checks a sendPoll call: a non-anonymous quiz in the
// private chat, options as InputPollOption objects, the correct option
// under the spec's name and under no other.
func checkPollRequest(t *testing.T, req telegramtest.Request, chat int64, options []locales.Text, correct int, correctField string) {
	t.Helper()
	p := req.Params
	if p["chat_id"] != strconv.FormatInt(chat, 10) || p["type"] != "quiz" || p["is_anonymous"] != "false" {
		t.Errorf("sendPoll chat_id=%q type=%q is_anonymous=%q, want %d, quiz, false", p["chat_id"], p["type"], p["is_anonymous"], chat)
	}
	var opts []map[string]any
	if err := json.Unmarshal([]byte(p["options"]), &opts); err != nil {
		t.Fatalf("sendPoll options %q are not a JSON array of objects: %v", p["options"], err)
	}
	if len(opts) != len(options) {
		t.Fatalf("sendPoll has %d options, want %d", len(opts), len(options))
	}
	for i, o := range opts {
		if o["text"] != options[i].EN {
			t.Errorf("option %d is %v, want InputPollOption{text: %q}", i, o, options[i].EN)
		}
	}
	var ids []int
	if err := json.Unmarshal([]byte(p[correctField]), &ids); err != nil || !slices.Equal(ids, []int{correct}) {
		t.Errorf("sendPoll %s=%q, want [%d]", correctField, p[correctField], correct)
	}
	for name := range p {
		if strings.HasPrefix(name, "correct_option") && name != correctField {
			t.Errorf("sendPoll also carries %s, which the spec does not name", name)
		}
	}
}

// checkPoll checks the poll as the server created it.
func checkPoll(t *testing.T, poll telegramtest.Poll, question string, correct int) {
	t.Helper()
	if poll.Question != question || poll.Type != "quiz" || poll.Anonymous || !slices.Equal(poll.Correct, []int{correct}) {
		t.Errorf("poll %+v, want a non-anonymous quiz %q with correct option %d", poll, question, correct)
	}
}

func TestE2ESamePollAnswerTwice(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	q := h.week("week-1")
	qu := q.Questions[0]
	h.say(ana, "/quiz week-1")
	first := h.lastPoll(ana)

	mustContain(t, h.vote(ana, first.ID, qu.Correct), "(2/5)")
	h.wantPoints(ana, 1)

	// The same vote again (a redelivery), then a different option in the
	// same poll: the first answer stands, and the bot stays silent rather
	// than sending question 2 again.
	for _, option := range []int{qu.Correct, (qu.Correct + 1) % len(qu.Options)} {
		if got := h.vote(ana, first.ID, option); got != "" {
			t.Errorf("a repeated vote was answered with %q", got)
		}
		h.wantPoints(ana, 1)
	}
	answers, err := h.store.AllAnswers(context.Background(), h.participant(ana).ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := answers[coursequiz.ID("week-1")][qu.ID]; len(answers[coursequiz.ID("week-1")]) != 1 || a.Option != qu.Correct || !a.Correct {
		t.Errorf("stored answers %+v, want only the first one to %s", answers, qu.ID)
	}
}

// signedButton is the data of an answer button as the core signs it for
// participant p: "a:<quiz>:<question>:<option>:<mac>", the MAC being the
// first 12 bytes of HMAC-SHA256 over "<p>\x00<body>". The test signs
// with the bot's secret to play a button the bot really sent; the core
// taking Ana's own button below shows the scheme is the core's.
func signedButton(p store.ParticipantID, quiz, question string, option int) string {
	body := quiz + ":" + question + ":" + strconv.Itoa(option)
	mac := hmac.New(sha256.New, []byte(e2eSecret))
	mac.Write([]byte(string(p) + "\x00" + body))
	return "a:" + body + ":" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}

func TestE2EForgedCallback(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	h.say(bob, "/register Bob Smith")
	q := h.week("week-1")
	anaID := h.participant(ana).ID
	q1, q2 := q.Questions[0], q.Questions[1]

	// Ana's genuine button is taken: the signing scheme is right.
	mustContain(t, h.press(ana, signedButton(anaID, "week-1", q1.ID, q1.Correct)), "Correct! +1 point.")

	anaQ2 := signedButton(anaID, "week-1", q2.ID, q2.Correct)
	tampered := strings.Replace(anaQ2, fmt.Sprintf(":%s:%d:", q2.ID, q2.Correct), fmt.Sprintf(":%s:%d:", q2.ID, (q2.Correct+1)%len(q2.Options)), 1)
	forged := []struct {
		name string
		user int64
		data string
	}{
		{"Ana's button pressed by Bob", bob, anaQ2},
		{"Ana's button with another option", ana, tampered},
		{"an invented MAC", ana, "a:week-1:" + q2.ID + ":0:AAAAAAAAAAAAAAAA"},
		{"no MAC", ana, "a:week-1:" + q2.ID + ":0"},
		{"an unknown kind", ana, "zz:week-1"},
	}
	presses := h.srv.Count("answerCallbackQuery")
	for _, f := range forged {
		got := h.press(f.user, f.data)
		mustContain(t, got, "That button is not valid for you.")
		mustNotContain(t, got, "Correct!", "Not quite")
		if t.Failed() {
			t.Fatalf("%s was not refused", f.name)
		}
	}
	if n := h.srv.Count("answerCallbackQuery"); n != presses+len(forged) {
		t.Errorf("%d presses answered with answerCallbackQuery, want %d", n-presses, len(forged))
	}
	h.wantPoints(bob, 0)
	h.wantPoints(ana, 1)
	answers, err := h.store.AllAnswers(context.Background(), anaID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := answers[coursequiz.ID("week-1")][q2.ID]; ok {
		t.Errorf("a forged press recorded Ana's answer to %s: %+v", q2.ID, answers)
	}
}

func TestE2EPollAnswerFromSomeoneElse(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	h.say(bob, "/register Bob Smith")
	qu := h.week("week-1").Questions[0]
	h.say(ana, "/quiz week-1")
	poll := h.lastPoll(ana)

	// Bob votes in Ana's poll (a forwarded poll, or an invented update).
	got := h.vote(bob, poll.ID, qu.Correct)
	mustContain(t, got, "That question was not sent to you, so your vote does not count")
	mustNotContain(t, got, "Correct!")
	h.wantPoints(bob, 0)
	h.wantPoints(ana, 0)
	// Someone not registered at all gets nothing either.
	mustNotContain(t, h.vote(carol, poll.ID, qu.Correct), "Correct!")
	// A poll the bot has no record of, from someone asked nothing, is
	// refused.
	mustContain(t, h.vote(bob, "999", qu.Correct), "your vote does not count")
	h.wantPoints(bob, 0)

	// The poll still counts for Ana.
	mustContain(t, h.vote(ana, poll.ID, qu.Correct), "(2/5)")
	h.wantPoints(ana, 1)
	h.wantPoints(bob, 0)
}

// TestE2EVoteOnAnUnsavedPollCounts: the bot died after Telegram took a
// quiz poll and before the poll's id was saved. Telegram reports votes
// only on the bot's own polls, so the vote is matched to the question
// being asked, and the quiz goes on.
func TestE2EVoteOnAnUnsavedPollCounts(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	qu := h.week("week-1").Questions[0]
	h.say(ana, "/quiz week-1")
	first := h.lastPoll(ana)
	got := h.vote(ana, "unsaved-poll-1", qu.Correct)
	mustContain(t, got, "(2/5)")
	mustNotContain(t, got, "not valid for you")
	h.wantPoints(ana, 1)
	// A second vote on the real poll of the same question changes nothing.
	mustNotContain(t, h.vote(ana, first.ID, qu.Correct), "(2/5)", "(3/5)")
	h.wantPoints(ana, 1)
}

func TestE2EAnswerAfterQuizClosed(t *testing.T) {
	h := newE2E(t, "2022-12-09T23:00")
	h.say(ana, "/register Ana Lima")
	h.say(luis, "/register Luis García")
	h.say(luis, "/language es")
	q := h.week("week-7")
	qu := q.Questions[0]

	h.say(ana, "/quiz week-7")
	anaPoll := h.lastPoll(ana)
	if anaPoll.CloseDate != q.Closes.Unix() {
		t.Errorf("poll close_date %d, want the quiz's close %d", anaPoll.CloseDate, q.Closes.Unix())
	}
	h.say(luis, "/quiz week-7")
	luisPoll := h.lastPoll(luis)

	h.clock.Advance(2 * time.Hour) // past 23:59 on Fri 9 Dec: every quiz has closed
	mustContain(t, h.vote(ana, anaPoll.ID, qu.Correct), "closed on Fri 9 Dec: answers are no longer accepted.")
	mustContain(t, h.vote(luis, luisPoll.ID, qu.Correct), "cerró el", "ya no se aceptan respuestas")
	h.wantPoints(ana, 0)
	if tot := h.totals(luis); tot.Total != 0 {
		t.Errorf("a closed quiz earned Luis %+v", tot)
	}
	mustContain(t, h.say(ana, "/quiz"), "No open quiz")
}

// TestE2EOffsetMovesOnlyAfterHandling kills Redis under the bot: the
// poll answer and the message behind it stay unconfirmed and come back
// on every getUpdates; once Redis is back (its AOF kept the data) each is
// handled once, in order.
func TestE2EOffsetMovesOnlyAfterHandling(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00", storetest.AOF()...)
	h.say(ana, "/register Ana Lima")
	q := h.week("week-1")
	h.say(ana, "/quiz week-1")
	poll := h.lastPoll(ana)
	before := len(h.srv.Outgoing(ana))

	h.redis.Kill()
	vote := h.srv.PushPollAnswer(ana, poll.ID, []int{q.Questions[0].Correct})
	progress := h.srv.PushMessage(ana, "/progress", "")
	h.waitFor("the vote to be delivered three times", func() bool { return h.srv.Deliveries(vote) >= 3 })
	if c := h.srv.Confirmed(); c > vote {
		t.Fatalf("offset %d confirmed the vote %d while Redis was down", c, vote)
	}
	if n := h.srv.Pending(); n != 2 {
		t.Errorf("%d updates pending during the outage, want 2", n)
	}
	if out := h.srv.Outgoing(ana)[before:]; len(out) != 0 {
		t.Errorf("the bot wrote during the outage: %q", joined(out))
	}

	h.redis.Restart()
	h.waitConfirmed(progress)
	out := h.srv.Outgoing(ana)[before:]
	texts := make([]string, len(out))
	for i, o := range out {
		texts[i] = o.Text
	}
	if len(out) != 2 || !strings.Contains(texts[0], "(2/5)") || !strings.Contains(texts[1], "Your total: 1 point.") {
		t.Errorf("after the outage the bot sent %q, want question 2 and the progress, once each", texts)
	}
	if tot := h.totals(ana); tot.Total != 1 {
		t.Errorf("totals %+v, want the one answer counted once", tot)
	}

	// Confirmed for good: the next polls no longer carry it.
	delivered := h.srv.Deliveries(vote)
	h.srv.Await("getUpdates", h.srv.Count("getUpdates")+2)
	if n := h.srv.Deliveries(vote); n != delivered {
		t.Errorf("the vote was delivered again after it was confirmed (%d -> %d)", delivered, n)
	}
}

// Blocking the bot marks the account unreachable at once, so waves skip
// it without a failed send; unblocking makes it reachable again. Neither
// gets a reply, and a stranger's block changes nothing.
func TestE2EBlockAndUnblock(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	h.say(ana, "/register Ana Lima")
	sent := len(h.srv.Outgoing(ana))
	reachable := func() bool { return h.participant(ana).Accounts[0].Reachable }

	h.waitConfirmed(h.srv.PushBlocked(ana, true))
	if reachable() {
		t.Errorf("account still reachable after Ana blocked the bot")
	}
	h.waitConfirmed(h.srv.PushBlocked(ana, false))
	if !reachable() {
		t.Errorf("account not reachable after Ana unblocked the bot")
	}
	if n := len(h.srv.Outgoing(ana)); n != sent {
		t.Errorf("the bot wrote %d messages about blocking", n-sent)
	}
	h.waitConfirmed(h.srv.PushBlocked(luis, true))
	if out := h.srv.Outgoing(luis); len(out) != 0 {
		t.Errorf("a stranger's block got %q", joined(out))
	}
}

func TestE2ECommandMenus(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	ctx := context.Background()
	for _, lang := range []string{"en", "es"} {
		if err := h.tg.SetCommands(ctx, lang, h.bot.Commands(lang)); err != nil {
			t.Fatalf("SetCommands(%s): %v", lang, err)
		}
	}
	calls := h.srv.Calls("setMyCommands")
	if len(calls) != 2 || calls[0].Params["language_code"] != "en" || calls[1].Params["language_code"] != "es" {
		t.Fatalf("setMyCommands calls %+v, want one for en then one for es", calls)
	}
	en, es := h.srv.Commands("en"), h.srv.Commands("es")
	for lang, got := range map[string][]telegramtest.Command{"en": en, "es": es} {
		want := h.bot.Commands(lang)
		if len(got) != len(want) {
			t.Fatalf("%s menu has %d commands, want %d", lang, len(got), len(want))
		}
		for i, c := range want {
			if got[i].Command != c.Name || got[i].Description != c.Description {
				t.Errorf("%s menu entry %d is %+v, want %+v", lang, i, got[i], c)
			}
		}
	}
	for i := range en {
		if en[i].Command == "questions" {
			t.Error("the coordinators' command is in the participants' menu")
		}
		if en[i].Description == es[i].Description {
			t.Errorf("/%s has the same description in both menus: %q", en[i].Command, en[i].Description)
		}
	}
	if i := slices.IndexFunc(es, func(c telegramtest.Command) bool { return c.Command == "quiz" }); i < 0 || es[i].Description != "responder los cuestionarios abiertos" {
		t.Errorf("Spanish menu: %+v", es)
	}
}

// A person who floods the bot hears once, in their language, that some
// of their messages were skipped, while someone else is answered as
// usual; Luis is not even registered.
func TestE2EFloodGetsOneNoticeInTheirLanguage(t *testing.T) {
	h := newE2E(t, "2022-10-21T16:00")
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	notice := cat.Printer(locales.ES).T("slow_down")
	last := 0
	for i := range 30 {
		last = h.srv.PushMessage(luis, "hola "+strconv.Itoa(i), "es")
	}
	mustContain(t, h.say(ana, "/help"), "/register")
	h.waitConfirmed(last)
	h.waitFor("the slow-down notice", func() bool { return slices.Contains(texts(h.srv.Outgoing(luis)), notice) })
	got := texts(h.srv.Outgoing(luis))
	if n := count(got, notice); n != 1 {
		t.Errorf("Luis got the notice %d times, want once; got %q", n, got)
	}
	if len(got) > telegram.DefaultFloodBurst+1 {
		t.Errorf("Luis got %d replies to 30 messages, want at most %d and the notice", len(got), telegram.DefaultFloodBurst)
	}
}

func texts(out []telegramtest.Outgoing) []string {
	s := make([]string, len(out))
	for i, o := range out {
		s[i] = o.Text
	}
	return s
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}
