package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/console"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// harness is the real core with the real store on a throwaway
// redis-server, spoken to through the real console adapter.
type harness struct {
	t      *testing.T
	bot    *bot.Bot
	store  *store.Store
	clock  *clockwork.FakeClock
	course *course.Course
	srv    *storetest.Server
	users  map[string]*person
}

type person struct {
	out *bytes.Buffer
	a   *console.Adapter
}

func newHarness(t *testing.T, now string) *harness {
	t.Helper()
	return newHarnessWith(t, now, nil)
}

// newHarnessWith is newHarness with metrics m given to the bot.
func newHarnessWith(t *testing.T, now string, m bot.Metrics) *harness {
	t.Helper()
	srv := storetest.Start(t)
	st := store.New(srv.Client(), store.WithPrefix(srv.Prefix))
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	clock := clockwork.NewFakeClockAt(fakeclock.Turin(t, now))
	b, err := bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: []byte("test secret of enough length"), Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, bot: b, store: st, clock: clock, course: c, srv: srv, users: map[string]*person{}}
}

// as returns the console of user (creating it), which the bot writes to.
// Only one console is registered at a time, as each process has one.
func (h *harness) as(user, lang string) *person {
	p, ok := h.users[user]
	if !ok {
		out := &bytes.Buffer{}
		p = &person{out: out, a: console.New(out, user, lang)}
		h.users[user] = p
	}
	h.bot.Register(p.a)
	return p
}

// say types lines as user and returns what the bot wrote back.
func (h *harness) say(user string, lines ...string) string {
	h.t.Helper()
	p := h.as(user, "en")
	p.out.Reset()
	in := strings.NewReader(strings.Join(lines, "\n") + "\n")
	if err := p.a.Run(context.Background(), in, h.bot); err != nil {
		h.t.Fatal(err)
	}
	return p.out.String()
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q; got:\n%s", w, got)
		}
	}
}

func mustNotContain(t *testing.T, got string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(got, b) {
			t.Errorf("reply has %q; got:\n%s", b, got)
		}
	}
}

func (h *harness) participant(user string) store.Participant {
	h.t.Helper()
	p, err := h.store.ParticipantByAccount(context.Background(), store.Platform(bot.Console), user)
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) totals(user string) store.Totals {
	h.t.Helper()
	tot, err := h.store.Totals(context.Background(), h.participant(user).ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return tot
}

// option returns the console number of the right (or a wrong) option.
func option(q *quiz.Question, right bool) string {
	if right {
		return fmt.Sprint(q.Correct + 1)
	}
	return fmt.Sprint((q.Correct+1)%len(q.Options) + 1)
}

func TestRegisterAndSwitchLanguage(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	got := h.say("ana", "/quiz")
	mustContain(t, got, "Please register first")
	got = h.say("ana", "/register Ana Lima")
	mustContain(t, got, "You are registered, Ana Lima", "[2] Español")
	got = h.say("ana", "2", "/progress")
	mustContain(t, got, "A partir de ahora le escribiré en español", "Su total: 0 puntos", "Le faltan 60 puntos")
	if p := h.participant("ana"); p.Lang != locales.ES || p.Name != "Ana Lima" {
		t.Errorf("stored participant: %+v", p)
	}
	got = h.say("ana", "/language en", "/register Someone Else")
	mustContain(t, got, "I will write to you in English", "already registered as Ana Lima")
}

// Someone who blocked the bot was marked unreachable; writing again (as
// unblocking does, with /start) makes them reachable for reminders.
func TestWritingAgainMakesReachable(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	h.say("ana", "/register Ana Lima")
	ctx := context.Background()
	if err := h.store.SetReachable(ctx, store.Platform(bot.Console), "ana", false); err != nil {
		t.Fatal(err)
	}
	if acct := h.participant("ana").Accounts[0]; acct.Reachable {
		t.Fatalf("account %+v still reachable after the block", acct)
	}
	mustContain(t, h.say("ana", "/start"), "Ana Lima")
	if acct := h.participant("ana").Accounts[0]; !acct.Reachable {
		t.Errorf("account %+v not reachable after writing again", acct)
	}
}

func TestSpanishHintWithoutChoice(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	p := h.as("luis", "es-CO")
	p.out.Reset()
	if err := p.a.Run(context.Background(), strings.NewReader("/start\n"), h.bot); err != nil {
		t.Fatal(err)
	}
	mustContain(t, p.out.String(), "¡Le damos la bienvenida a la Academia Virtual")
}

func TestRosterCodeRegistersOnce(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	ctx := context.Background()
	err := h.store.AddRosterCodes(ctx, []store.RosterEntry{{Code: "ELMA-7Q2K", Name: "Thandi Nkosi", Cohort: "SAMM", Lang: locales.EN}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.say("thandi", "/start ELMA-7Q2K"), "You are registered, Thandi Nkosi")
	if p := h.participant("thandi"); p.Cohort != "SAMM" {
		t.Errorf("cohort %q, want SAMM", p.Cohort)
	}
	mustContain(t, h.say("mallory", "/start ELMA-7Q2K"), "already been used")
	mustContain(t, h.say("mallory", "/start NOPE-0000"), "don't know that code")
}

func TestLinkSecondApp(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "/link")
	i := strings.Index(got, "linking code is ")
	if i < 0 {
		t.Fatalf("no code in %q", got)
	}
	code := strings.Fields(got[i+len("linking code is "):])[0]
	code = strings.TrimSuffix(code, ".")
	mustContain(t, h.say("ana-laptop", "/start "+code), "this app is now linked")
	if a, b := h.participant("ana"), h.participant("ana-laptop"); a.ID != b.ID {
		t.Errorf("linked accounts map to %s and %s, want one participant", a.ID, b.ID)
	}
	mustContain(t, h.say("eve", "/start "+code), "already been used")
}

// TestWeeklyQuizToTheEnd answers week 1 (three right, two wrong), checks
// the points after each step, the summary, and the progress figures.
func TestWeeklyQuizToTheEnd(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	q, _ := h.course.Bank.Quiz("week-1")
	got := h.say("ana", "/quiz week-1")
	mustContain(t, got, "Week 1 quiz", "(1/5)", q.Questions[0].Text.EN)
	want := 0
	for i := range q.Questions {
		right := i%2 == 0
		got = h.say("ana", option(&q.Questions[i], right))
		if right {
			want++
			mustContain(t, got, "Correct! +1 point.")
		} else {
			mustContain(t, got, "Not quite", "The right answer: "+q.Questions[i].Options[q.Questions[i].Correct].EN)
		}
		if tot := h.totals("ana"); tot.Weekly != want || tot.Total != want {
			t.Fatalf("after question %d: totals %+v, want %d weekly", i+1, tot, want)
		}
	}
	mustContain(t, got, "Week 1 quiz", "complete: you earned 3 of 5 points. Your total is now 3 points.")
	got = h.say("ana", "/progress")
	mustContain(t, got, "Your total: 3 points.", "Weekly quizzes: 3 · Elective quizzes: 0", "57 more points for the certificate of participation", "117 more points for the certificate of achievement")
	mustNotContain(t, h.say("ana", "/quiz"), "Week 1 quiz: ")
}

func TestQuizResumesWhereItStopped(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	q, _ := h.course.Bank.Quiz("week-1")
	h.say("ana", "/quiz week-1", option(&q.Questions[0], true), option(&q.Questions[1], true))
	got := h.say("ana", "/help", "/quiz")
	mustContain(t, got, "(2/5)")
	got = h.say("ana", "/quiz week-1")
	mustContain(t, got, "(3/5)", q.Questions[2].Text.EN)
}

func TestReplayedAndForgedButtons(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	h.say("bob", "/register Bob Smith")
	q, _ := h.course.Bank.Quiz("week-1")
	qu := &q.Questions[0]

	// Ana's button for the right answer, as her console received it.
	h.say("ana", "/quiz week-1")
	anaButton := bot.SignAnswerForTest(h.bot, h.participant("ana").ID, q.ID, qu.ID, qu.Correct)
	h.say("ana", option(qu, true))
	before := h.totals("ana")

	// Pressing it again (a replayed update) changes nothing.
	got := h.press("ana", anaButton)
	mustContain(t, got, "already answered")
	if after := h.totals("ana"); after != before {
		t.Errorf("replay changed totals: %+v -> %+v", before, after)
	}
	// Bob pressing Ana's button is refused and earns nothing.
	mustContain(t, h.press("bob", anaButton), "not valid for you")
	// A tampered option (same MAC) is refused too.
	tampered := strings.Replace(anaButton, fmt.Sprintf(":%d:", qu.Correct), fmt.Sprintf(":%d:", (qu.Correct+1)%len(qu.Options)), 1)
	mustContain(t, h.press("ana", tampered), "not valid for you")
	if tot := h.totals("bob"); tot.Total != 0 {
		t.Errorf("bob earned %d points from forged presses", tot.Total)
	}
}

// press delivers a button press with the given data as user.
func (h *harness) press(user, data string) string {
	h.t.Helper()
	p := h.as(user, "en")
	p.out.Reset()
	u := bot.Update{Platform: bot.Console, UserID: user, ChatID: user, Choice: data}
	if err := h.bot.Handle(context.Background(), u); err != nil {
		h.t.Fatal(err)
	}
	return p.out.String()
}

func TestClosedQuizRefused(t *testing.T) {
	h := newHarness(t, "2022-12-09T23:00")
	h.say("ana", "/register Ana Lima")
	q, _ := h.course.Bank.Quiz("week-7")
	h.say("ana", "/quiz week-7")
	button := bot.SignAnswerForTest(h.bot, h.participant("ana").ID, q.ID, q.Questions[0].ID, q.Questions[0].Correct)
	h.clock.Advance(2 * time.Hour) // past 23:59 on 9 Dec: every quiz has closed
	got := h.press("ana", button)
	mustContain(t, got, "closed on Fri 9 Dec: answers are no longer accepted")
	if tot := h.totals("ana"); tot.Total != 0 {
		t.Errorf("a closed quiz earned %d points", tot.Total)
	}
	mustContain(t, h.say("ana", "/quiz week-7"), "closed on")
	mustContain(t, h.say("ana", "/quiz"), "No open quiz")
}

func TestQuizNotYetOpen(t *testing.T) {
	h := newHarness(t, "2022-10-21T14:59")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "/quiz week-1"), "opens on Fri 21 Oct at 15:00")
	mustContain(t, h.say("ana", "/quiz week-9"), "There is no quiz called week-9")
}

func TestCoordinatorCommandRefusedToParticipant(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	ctx := context.Background()
	h.say("ana", "/register Ana Lima", "Is the cafeteria open on Sundays?")
	mustContain(t, h.say("ana", "/questions"), "only course coordinators")
	if err := h.store.AddRosterCodes(ctx, []store.RosterEntry{{Code: "STAFF-0001", Name: "Paola Rinaldi", Coordinator: true}}); err != nil {
		t.Fatal(err)
	}
	h.say("chris", "/start STAFF-0001")
	got := h.say("chris", "/questions")
	mustContain(t, got, "1 open question", "Is the cafeteria open on Sundays?")
}

func TestFAQAnswersInTheParticipantsLanguage(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima", "/language es")
	got := h.say("ana", "¿Cómo obtengo el certificado?")
	mustContain(t, got, "certificado de participación")
	got = h.say("ana", "¿Puedo traer a mi perro al webinario?")
	mustContain(t, got, "pasé su pregunta a la coordinación")
}

func TestAgendaInParticipantsZone(t *testing.T) {
	h := newHarness(t, "2022-10-31T08:00")
	h.say("ana", "/register Ana Lima", "/timezone America/Bogota")
	got := h.say("ana", "/agenda")
	// Tue 1 Nov 10:00 in Turin is CET (UTC+1): 04:00 in Bogota (UTC-5).
	mustContain(t, got, "Your sessions in the next 7 days (Turin time, and yours: America/Bogota)", "Tue 1 Nov, 10:00–11:30 Turin time", "Tue 1 Nov, 04:00–05:30 your time (America/Bogota)")
	mustContain(t, h.say("ana", "/timezone Mars/Olympus"), "don't know the time zone")
}

func TestUnknownCommandAndFloodLimit(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	mustContain(t, h.say("ana", "/fly"), "don't know the command /fly")
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = "/help"
	}
	got := h.say("ana", lines...)
	// The burst is 20 (one already spent on /fly): 19 answers, then silence.
	if n := strings.Count(got, "What I can do"); n != 19 {
		t.Errorf("answered %d of 30 rapid messages, want 19", n)
	}
	h.clock.Advance(5 * time.Second)
	if n := strings.Count(h.say("ana", "/help"), "What I can do"); n != 1 {
		t.Errorf("after a pause the bot did not answer")
	}
}

// The slow-down notice an adapter sends for a flooding person gets
// through the core's own flood limit, which that person has used up, and
// speaks their language.
func TestSlowdownNoticePassesFloodLimit(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	lines := make([]string, 30)
	for i := range lines {
		lines[i] = "/help"
	}
	h.say("luis", lines...)
	p := h.as("luis", "es")
	p.out.Reset()
	u := bot.Update{ID: "tg:7", Platform: bot.Console, UserID: "luis", ChatID: "luis", LangHint: "es", Slowdown: true}
	if err := h.bot.Handle(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	mustContain(t, p.out.String(), "Está escribiendo más rápido de lo que puedo responder")
}

func TestStoreOutageIsRedelivered(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	h.srv.Kill()
	h.as("ana", "en")
	err := h.bot.Handle(context.Background(), bot.Update{Platform: bot.Console, UserID: "ana", ChatID: "ana", Text: "/progress"})
	if err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("Handle during an outage returned %v, want a storage-unavailable error", err)
	}
}

func TestElectivesChangeWhatConcernsYou(t *testing.T) {
	h := newHarness(t, "2022-10-24T08:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "/electives")
	mustContain(t, got, "You follow 0 electives", "○ Skills dimension of labour migration")
	// Button 13 in agenda order is skills (governance 7, protection 5, then development).
	got = h.say("ana", "/electives", "13")
	mustContain(t, got, "Added: Skills dimension of labour migration.")
	if p := h.participant("ana"); len(p.Electives) != 1 || p.Electives[0] != "skills" {
		t.Fatalf("electives %v, want [skills]", p.Electives)
	}
	got = h.say("ana", "/agenda")
	mustContain(t, got, "Skills dimension of labour migration", "Global and regional labour migration trends")
	mustNotContain(t, got, "Developing and implementing a labour migration policy", "Communicating on labour migration")
	mustContain(t, h.say("ana", "/electives", "13"), "Removed: Skills")
	mustContain(t, h.press("ana", "el:astrology"), "don't know that elective")
}

func TestRemindersSettings(t *testing.T) {
	h := newHarness(t, "2022-10-24T08:00")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "/reminders"), "Reminders are on: 1 day, 15 minutes before each session")
	mustContain(t, h.say("ana", "/reminders off"), "Reminders are off")
	if p := h.participant("ana"); p.Reminders {
		t.Fatal("reminders still on in the store")
	}
	mustContain(t, h.say("ana", "/reminders 1h 15m"), "Reminders are on: 1 hour, 15 minutes before")
	if p := h.participant("ana"); !p.Reminders || len(p.ReminderOffsets) != 2 || p.ReminderOffsets[0] != time.Hour {
		t.Fatalf("stored %v %v", p.Reminders, p.ReminderOffsets)
	}
	// The buttons: 15 minutes off, leaving 1 hour.
	mustContain(t, h.press("ana", "rem:15m0s"), "Reminders are on: 1 hour before")
	mustContain(t, h.say("ana", "/reminders 5m"), "Send /reminders on, /reminders off")
	mustContain(t, h.say("ana", "/language es", "/reminders"), "Los recordatorios están activados: 1 hora antes")
}

// panicky is a messenger whose platform library panics on every send.
type panicky struct{}

func (panicky) Platform() bot.Platform { return bot.Console }
func (panicky) Send(context.Context, bot.Reply) (bot.Sent, error) {
	panic("platform library bug")
}

func TestPanicIsRecovered(t *testing.T) {
	h := newHarness(t, "2022-10-24T08:00")
	h.bot.Register(panicky{})
	err := h.bot.Handle(context.Background(), bot.Update{Platform: bot.Console, UserID: "ana", ChatID: "ana", Text: "/help"})
	if err != nil {
		t.Fatalf("a panic surfaced as %v; it must be logged and the update dropped", err)
	}
	// The bot still works for the next update.
	mustContain(t, h.say("ana", "/help"), "What I can do")
}

// An update that another replica is handling right now is turned away
// untouched, to be delivered again; once that replica gives its claim up
// (its handling failed), the update is handled here, and only once.
func TestUpdateClaimedElsewhereIsTurnedAway(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	ctx := context.Background()
	other, _, err := h.store.ClaimHandling(ctx, "tg:42", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	p := h.as("ana", "en")
	p.out.Reset()
	u := bot.Update{ID: "tg:42", Platform: bot.Console, UserID: "ana", ChatID: "ana", Text: "/progress"}
	if err := h.bot.Handle(ctx, u); !errors.Is(err, store.ErrBeingHandled) {
		t.Fatalf("Handle of a claimed update: %v, want store.ErrBeingHandled", err)
	}
	if p.out.Len() != 0 {
		t.Fatalf("a claimed update was answered: %q", p.out.String())
	}
	if err := h.store.ReleaseHandling(ctx, "tg:42", other); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := h.bot.Handle(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(p.out.String(), "Weekly quizzes"); n != 1 {
		t.Errorf("%d progress replies, want 1:\n%s", n, p.out.String())
	}
}

// TestConsolesShareACourse: two consoles on one Redis (two processes,
// each serving one person) each show only their own person's messages;
// a reminder taken by the wrong process waits for the right one.
func TestConsolesShareACourse(t *testing.T) {
	h := newHarness(t, "2022-10-24T14:45")
	bobs := &harness{t: t, store: h.store, clock: h.clock, course: h.course, srv: h.srv, users: map[string]*person{}}
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	bobs.bot, err = bot.New(bot.Config{Course: h.course, Store: h.store, Catalog: cat, Clock: h.clock, Secret: []byte("test secret of enough length")})
	if err != nil {
		t.Fatal(err)
	}
	h.say("ana", "/register Ana Lima")
	bobs.say("bob", "/register Bob Osei")
	ana, bob := h.as("ana", "en"), bobs.as("bob", "en")
	ana.out.Reset()
	bob.out.Reset()

	var reminder schedule.Send
	for _, s := range bot.Plan(h.course) {
		if s.ID == "rem:w2-plenary:15m0s:20221024T1300Z" {
			reminder = s
		}
	}
	ctx := context.Background()
	if err := h.bot.Deliver(ctx, reminder); err != nil {
		t.Fatal(err)
	}
	if err := h.bot.DrainDeliveries(ctx); err != nil { // ana's process takes both
		t.Fatal(err)
	}
	mustContain(t, ana.out.String(), "starts in 15 minutes")
	if strings.Count(ana.out.String(), "starts in") != 1 {
		t.Errorf("ana's console shows someone else's reminder:\n%s", ana.out.String())
	}
	if bob.out.Len() != 0 {
		t.Fatalf("bob's console printed %q before his process took anything", bob.out.String())
	}
	h.clock.Advance(3 * time.Second) // bob's reminder is offered again
	if err := bobs.bot.DrainDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	mustContain(t, bob.out.String(), "starts in 15 minutes", "Global and regional labour migration trends")
	st, err := h.store.WaveCounts(ctx, reminder.ID)
	if err != nil || st.Sent != 2 || st.Due != 0 {
		t.Errorf("wave counts %+v (%v), want both sent", st, err)
	}
}
