package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// replica is one bot process: its own core and Telegram adapter, on the
// shared Redis and the shared (fake) Telegram.
type replica struct {
	bot *bot.Bot
}

type fleet struct {
	t      testing.TB
	srv    *storetest.Server
	store  *store.Store
	api    *telegramtest.Server
	course *course.Course
	clock  *clockwork.FakeClock
	plan   map[string]schedule.Send
}

func newFleet(t testing.TB, now string) *fleet {
	t.Helper()
	srv := storetest.Start(t)
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	plan := map[string]schedule.Send{}
	for _, s := range bot.Plan(c) {
		plan[s.ID] = s
	}
	return &fleet{
		t: t, srv: srv, store: store.New(srv.Client(), store.WithPrefix(srv.Prefix)),
		api: telegramtest.NewServer(t, clockwork.NewRealClock()), course: c,
		clock: clockwork.NewFakeClockAt(fakeclock.Turin(t, now)), plan: plan,
	}
}

// replica starts a bot process on the fleet's store and Telegram.
func (f *fleet) replica() *replica {
	f.t.Helper()
	b := f.core()
	tg, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIURL: f.api.URL(), GlobalRate: -1, PerChat: -1})
	if err != nil {
		f.t.Fatal(err)
	}
	b.Register(tg)
	return &replica{bot: b}
}

// core is a bot process on the fleet's store with no platform yet.
func (f *fleet) core() *bot.Bot {
	f.t.Helper()
	cat, err := locales.NewCatalog()
	if err != nil {
		f.t.Fatal(err)
	}
	b, err := bot.New(bot.Config{Course: f.course, Store: f.store, Catalog: cat, Clock: f.clock, Secret: []byte("test secret of enough length")})
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// join creates a participant with a Telegram account (chat = user id).
func (f *fleet) join(chat int64, lang locales.Lang, tz string, electives []string, reminders bool, offsets ...time.Duration) store.ParticipantID {
	f.t.Helper()
	ctx := context.Background()
	id := fmt.Sprint(chat)
	p, err := f.store.CreateParticipant(ctx, store.Participant{Name: "P" + id, Lang: lang, TimeZone: tz, Reminders: reminders, Created: f.clock.Now()},
		store.Account{Platform: store.Platform(bot.Telegram), UserID: id, ChatID: id, Reachable: true})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(electives) > 0 {
		if err := f.store.SetElectives(ctx, p.ID, electives); err != nil {
			f.t.Fatal(err)
		}
	}
	if len(offsets) > 0 {
		if err := f.store.SetReminders(ctx, p.ID, reminders, offsets); err != nil {
			f.t.Fatal(err)
		}
	}
	return p.ID
}

func (f *fleet) texts(chat int64) []string {
	var out []string
	for _, o := range f.api.Outgoing(chat) {
		out = append(out, o.Text)
	}
	return out
}

func (f *fleet) totals(id store.ParticipantID) store.Totals {
	f.t.Helper()
	tot, err := f.store.Totals(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return tot
}

func (f *fleet) send(id string) schedule.Send {
	s, ok := f.plan[id]
	if !ok {
		f.t.Fatalf("no planned send %s", id)
	}
	return s
}

// TestReminderWaveReachesEachRecipientOnce: two replicas deliver the same
// reminder at the same time, then a restarted replica does it again:
// each participant it concerns gets it exactly once, in their language
// and time zone; the others get nothing.
func TestReminderWaveReachesEachRecipientOnce(t *testing.T) {
	f := newFleet(t, "2022-10-25T15:45")
	const (
		ana   = 1001 // English, follows skills
		luis  = 1002 // Spanish, in Bogota, follows skills
		mei   = 1003 // follows policy only
		quiet = 1004 // reminders off
		early = 1005 // wants only the day-before reminder
		open  = 1006 // no elective chosen: hears of it in the morning digest
	)
	f.join(ana, locales.EN, "Europe/Rome", []string{"skills"}, true)
	f.join(open, locales.EN, "Europe/Rome", nil, true)
	f.join(luis, locales.ES, "America/Bogota", []string{"skills"}, true)
	f.join(mei, locales.EN, "Europe/Rome", []string{"policy"}, true)
	f.join(quiet, locales.EN, "Europe/Rome", nil, false)
	f.join(early, locales.EN, "Europe/Rome", nil, true, 24*time.Hour)
	s := f.send("rem:w2-skills-1:15m0s:20221025T1400Z") // Tue 25 Oct 16:00 Turin

	a, b := f.replica(), f.replica()
	var wg sync.WaitGroup
	for _, r := range []*replica{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.bot.DeliverStats(context.Background(), s); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := f.replica().bot.DeliverStats(context.Background(), s); err != nil { // after a restart
		t.Fatal(err)
	}

	want := map[int64]int{ana: 1, luis: 1, mei: 0, quiet: 0, early: 0, open: 0}
	for chat, n := range want {
		if got := len(f.texts(chat)); got != n {
			t.Errorf("chat %d got %d messages, want %d: %q", chat, got, n, f.texts(chat))
		}
	}
	if got := f.texts(ana); len(got) == 1 {
		mustContain(t, got[0], "Reminder: this session starts in 15 minutes.", "Skills dimension of labour migration", "Tue 25 Oct, 16:00–17:30 Turin time")
		mustNotContain(t, got[0], "your time")
	}
	if got := f.texts(luis); len(got) == 1 {
		// 16:00 CEST is 09:00 in Bogota (UTC-5).
		mustContain(t, got[0], "Recordatorio: esta sesión empieza en 15 minutos.", "mar 25 oct, 16:00–17:30 hora de Turín", "mar 25 oct, 09:00–10:30 su hora (America/Bogota)")
	}
}

// TestReminderWordedForTimeLeft: a reminder delivered late (after
// downtime) says how long is really left, and an English-only session
// warns a Spanish speaker.
func TestReminderWordedForTimeLeft(t *testing.T) {
	f := newFleet(t, "2022-11-01T09:00")
	const ines = 2001
	f.join(ines, locales.ES, "Europe/Madrid", []string{"measuring"}, true)
	f.clock.Advance(52 * time.Minute) // 8 minutes before measuring (EN only), 10:00 CET
	if _, err := f.replica().bot.DeliverStats(context.Background(), f.send("rem:w3-measuring-1:15m0s:20221101T0900Z")); err != nil {
		t.Fatal(err)
	}
	got := f.texts(ines)
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1", len(got))
	}
	mustContain(t, got[0], "empieza en 8 minutos", "Atención: esta sesión se imparte solo en inglés.")
}

// TestMissedReminderIsNotSent: the bot comes back after the session has
// started; the runner must not send its reminders, but does send what is
// still due.
func TestMissedReminderIsNotSent(t *testing.T) {
	f := newFleet(t, "2022-10-24T09:00")
	const ana = 3001
	f.join(ana, locales.EN, "Europe/Rome", []string{"policy"}, true)
	f.clock.Advance(6*time.Hour + 5*time.Minute) // 15:05: the plenary started at 15:00
	r := f.replica()
	r.bot.StartDeliveries()
	defer r.bot.Close()
	runner, err := schedule.NewRunner(context.Background(), f.clock, r.bot, f.store.Locker(time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	var plan []schedule.Send
	for _, id := range []string{"rem:w2-plenary:15m0s:20221024T1300Z", "rem:w2-plenary:24h0m0s:20221024T1300Z", "rem:w2-policy-1:24h0m0s:20221025T1200Z"} {
		plan = append(plan, f.send(id))
	}
	if err := runner.Load(plan); err != nil {
		t.Fatal(err)
	}
	runner.Start()
	defer runner.Shutdown()
	// The policy session (Tue 14:00) is 23 h away: its day-before
	// reminder is late but due, and is sent at once.
	deadline := time.Now().Add(10 * time.Second)
	for len(f.texts(ana)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := runner.Shutdown(); err != nil {
		t.Fatal(err)
	}
	got := f.texts(ana)
	if len(got) != 1 {
		t.Fatalf("got %d messages, want only the policy reminder: %q", len(got), got)
	}
	mustContain(t, got[0], "Developing and implementing a labour migration policy", "starts in 22 hours 55 minutes")
	mustNotContain(t, strings.Join(got, "\n"), "Global and regional labour migration trends")
}

// TestQuizNudgeListsOnlyUnfinishedQuizzes: the nudge before quizzes close
// goes to those with unfinished quizzes, with their standing.
func TestQuizNudgeListsOnlyUnfinishedQuizzes(t *testing.T) {
	f := newFleet(t, "2022-12-08T10:00") // the day before they close, 10:00
	const busy, done = 4001, 4002
	f.join(busy, locales.EN, "Europe/Rome", []string{"skills"}, true)
	finished := f.join(done, locales.EN, "Europe/Rome", []string{"skills"}, true)
	ctx := context.Background()
	for _, s := range []string{"nudge:20221209T2259Z"} {
		nudge := f.send(s)
		for _, q := range nudge.Quizzes {
			if q.Elective != "" && q.Elective != "skills" {
				continue
			}
			for _, qu := range q.Questions {
				if _, err := f.store.RecordAnswer(ctx, store.Answer{Participant: finished, Quiz: q.ID, Question: qu.ID, Option: qu.Correct, Correct: true, Points: qu.Points, Kind: q.Kind, At: f.clock.Now()}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.replica().bot.DeliverStats(ctx, nudge); err != nil {
			t.Fatal(err)
		}
	}
	got := f.texts(busy)
	if len(got) != 1 {
		t.Fatalf("busy got %d messages, want 1", len(got))
	}
	mustContain(t, got[0], "These quizzes close on Fri 9 Dec at 23:59", "Week 1 quiz", "Elective quiz: Skills", "Your total: 0 points.", "60 more points for the certificate of participation")
	mustNotContain(t, got[0], "Elective quiz: Developing")
	if n := len(f.texts(done)); n != 0 {
		t.Errorf("a participant who finished everything was nudged %d times", n)
	}
}

// TestFailedReminderIsSentAgain: Telegram refuses a reminder; the
// delivery queue tries it again after its backoff, on the clock, and the
// participant gets it once.
func TestFailedReminderIsSentAgain(t *testing.T) {
	f := newFleet(t, "2022-10-25T15:45")
	const ana = 1101
	f.join(ana, locales.EN, "Europe/Rome", []string{"skills"}, true)
	s := f.send("rem:w2-skills-1:15m0s:20221025T1400Z")
	r := f.replica()
	f.api.FailAlways("sendMessage", http.StatusBadRequest)
	stats, err := r.bot.DeliverStats(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Due != 1 || stats.Sent != 0 || len(f.texts(ana)) != 0 {
		t.Fatalf("after a refusal: %+v, %d messages; want it due again", stats, len(f.texts(ana)))
	}
	f.api.Heal("sendMessage")
	if err := r.bot.DrainDeliveries(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(f.texts(ana)) != 0 {
		t.Fatal("the retry came before its backoff")
	}
	f.clock.Advance(10 * time.Second) // the first backoff is 5 s, plus at most a fifth
	stats, err = r.bot.DeliverStats(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 1 || stats.Due != 0 || len(f.texts(ana)) != 1 {
		t.Fatalf("after the backoff: %+v, %d messages; want it sent once", stats, len(f.texts(ana)))
	}
	mustContain(t, f.texts(ana)[0], "Reminder: this session starts in 15 minutes.")
}

// gate is a Telegram stand-in whose sends wait until released, as a
// platform under load does, and which counts what it was given.
type gate struct {
	mu      sync.Mutex
	sent    []string
	entered chan struct{}
	release chan struct{}
}

func (g *gate) Platform() bot.Platform { return bot.Telegram }

func (g *gate) Send(ctx context.Context, r bot.Reply) (bot.Sent, error) {
	g.mu.Lock()
	first := len(g.sent) == 0
	g.sent = append(g.sent, r.ChatID)
	g.mu.Unlock()
	if first { // only the first send is slow
		g.entered <- struct{}{}
		<-g.release
	}
	return bot.Sent{MessageID: "1"}, nil
}

// TestSlowSendIsNotTakenTwice: a send outlives its lease (the platform is
// slow); the loop takes the delivery again, but this process is still
// sending it, so it goes out once.
func TestSlowSendIsNotTakenTwice(t *testing.T) {
	f := newFleet(t, "2022-10-25T15:45")
	const ana = 1201
	f.join(ana, locales.EN, "Europe/Rome", []string{"skills"}, true)
	r := f.replica()
	g := &gate{entered: make(chan struct{}, 4), release: make(chan struct{})}
	r.bot.Register(g)
	s := f.send("rem:w2-skills-1:15m0s:20221025T1400Z")
	if err := r.bot.Deliver(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	go func() { first <- r.bot.DrainDeliveries(context.Background()) }()
	<-g.entered                      // the send is under way
	f.clock.Advance(3 * time.Minute) // its 2-minute lease runs out
	if err := r.bot.DrainDeliveries(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if len(g.sent) != 1 {
		t.Fatalf("sent %d times, want once", len(g.sent))
	}
	stats, err := r.bot.DeliverStats(context.Background(), s)
	if err != nil || stats.Sent != 1 || stats.Due != 0 {
		t.Fatalf("stats %+v, %v; want sent once", stats, err)
	}
}

// TestEveryOfferedOffsetIsDelivered: each reminder time /reminders offers
// reaches those who chose it, and only them; without a choice, the
// course's defaults (24 hours and 15 minutes) apply.
func TestEveryOfferedOffsetIsDelivered(t *testing.T) {
	f := newFleet(t, "2022-10-23T09:00")
	const hourOnly, dayAndHour, defaults = 1301, 1302, 1303
	f.join(hourOnly, locales.EN, "Europe/Rome", nil, true, time.Hour)
	f.join(dayAndHour, locales.ES, "Europe/Rome", nil, true, 24*time.Hour, time.Hour)
	f.join(defaults, locales.EN, "Europe/Rome", nil, true)
	r := f.replica()
	// The week 2 plenary, Mon 24 Oct 15:00 Turin time: its reminders at
	// Sun 15:00, Mon 14:00 and Mon 14:45.
	want := map[string][]int64{
		"rem:w2-plenary:24h0m0s:20221024T1300Z": {dayAndHour, defaults},
		"rem:w2-plenary:1h0m0s:20221024T1300Z":  {hourOnly, dayAndHour},
		"rem:w2-plenary:15m0s:20221024T1300Z":   {defaults},
	}
	for _, id := range []string{"rem:w2-plenary:24h0m0s:20221024T1300Z", "rem:w2-plenary:1h0m0s:20221024T1300Z", "rem:w2-plenary:15m0s:20221024T1300Z"} {
		s := f.send(id)
		f.clock.Advance(s.At.Sub(f.clock.Now()))
		before := map[int64]int{}
		for _, c := range []int64{hourOnly, dayAndHour, defaults} {
			before[c] = len(f.texts(c))
		}
		if _, err := r.bot.DeliverStats(context.Background(), s); err != nil {
			t.Fatal(err)
		}
		for _, c := range []int64{hourOnly, dayAndHour, defaults} {
			got := len(f.texts(c)) - before[c]
			if wanted := slices.Contains(want[id], c); (got == 1) != wanted || got > 1 {
				t.Errorf("%s: chat %d got %d messages, want it: %v", id, c, got, wanted)
			}
		}
	}
	mustContain(t, strings.Join(f.texts(hourOnly), "\n"), "starts in 1 hour")
}
