package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
)

// recorder is a Telegram stand-in (or another platform's, given one)
// that notes what each chat was sent and when, on the fleet's fake clock.
type recorder struct {
	clock    clockwork.Clock
	platform bot.Platform // "": Telegram
	mu       sync.Mutex
	got      map[string][]received
}

type received struct {
	at   time.Time
	text string
}

func newRecorder(c clockwork.Clock) *recorder {
	return &recorder{clock: c, got: map[string][]received{}}
}

func (r *recorder) Platform() bot.Platform {
	if r.platform != "" {
		return r.platform
	}
	return bot.Telegram
}

func (r *recorder) Send(_ context.Context, rep bot.Reply) (bot.Sent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[rep.ChatID] = append(r.got[rep.ChatID], received{at: r.clock.Now(), text: rep.Text})
	return bot.Sent{MessageID: "1"}, nil
}

// of returns what chat received, in order of arrival.
func (r *recorder) of(chat string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.got[chat])
	slices.SortStableFunc(out, func(a, b received) int { return a.at.Compare(b.at) })
	return out
}

// listening is a bot process on the fleet's store whose sends the
// recorder takes.
func (f *fleet) listening(rec *recorder) *bot.Bot {
	b := f.core()
	b.Register(rec)
	return b
}

// live plays the course from the clock's instant until until, as the
// runner and the delivery loop do in production: each planned wave is
// queued when it comes due (at once if it is due already), and every
// delivery is sent when it comes due, the clock jumping from one instant
// to the next. Deliveries waiting for a recipient's hour come due at it.
func (f *fleet) live(b *bot.Bot, until time.Time) {
	f.t.Helper()
	ctx := context.Background()
	plan := bot.Plan(f.course)
	queued := map[string]bool{}
	for {
		now := f.clock.Now()
		next := until
		for _, s := range plan {
			switch {
			case queued[s.ID]:
			case s.Due(now):
				queued[s.ID] = true
				if err := b.Deliver(ctx, s); err != nil {
					f.t.Fatal(err)
				}
			case s.At.After(now) && s.At.Before(next):
				next = s.At
			}
		}
		if err := b.DrainDeliveries(ctx); err != nil {
			f.t.Fatal(err)
		}
		at, ok, err := f.store.NextDue(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if ok && at.Before(next) {
			next = at
		}
		if !next.After(now) {
			f.t.Fatalf("deliveries due at %s are not taken", next)
		}
		f.clock.Advance(next.Sub(now))
		if !next.Before(until) {
			return
		}
	}
}

// about keeps the messages that mention s.
func about(ms []received, s string) []received {
	var out []received
	for _, m := range ms {
		if strings.Contains(m.text, s) {
			out = append(out, m)
		}
	}
	return out
}

// localTimes renders when each message arrived, in zone, with the start
// of its first line: "Mon 07:00 Reminder: this session starts in 15 hours."
func localTimes(t *testing.T, ms []received, zone string) []string {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		first, _, _ := strings.Cut(m.text, "\n")
		out = append(out, m.at.In(loc).Format("Mon 15:04")+" "+first)
	}
	return out
}

// TestEveryOffsetThroughQuietHours: the week 2 plenary (Mon 24 Oct 15:00
// Turin time, 13:00 UTC) as participants around the world, each with the
// reminder times they chose and their quiet hours, receive it. A reminder
// due in the quiet hours waits for their end if the session is still
// ahead then; if the session itself falls in the quiet hours, it comes at
// its own time; when two reminders would wait for the same end, only
// the nearer one comes.
func TestEveryOffsetThroughQuietHours(t *testing.T) {
	f := newFleet(t, "2022-10-23T09:00")
	all := []time.Duration{24 * time.Hour, time.Hour, 15 * time.Minute}
	people := []struct {
		chat    int64
		lang    locales.Lang
		zone    string
		quiet   string
		offsets []time.Duration
		want    []string
	}{
		// 22:00 in Tokyo: the day-before reminder (Sun 22:00) waits for
		// the morning; the others are before the quiet hours.
		{5001, locales.EN, "Asia/Tokyo", "", all, []string{
			"Mon 07:00 Reminder: this session starts in 15 hours.",
			"Mon 21:00 Reminder: this session starts in 1 hour.",
			"Mon 21:45 Reminder: this session starts in 15 minutes.",
		}},
		// Tue 02:00 in Auckland: the session is in the quiet hours, so
		// its late reminders come at their time (asked for, and the
		// morning would be too late).
		{5002, locales.EN, "Pacific/Auckland", "", all, []string{
			"Mon 07:00 Reminder: this session starts in 19 hours.",
			"Tue 01:00 Reminder: this session starts in 1 hour.",
			"Tue 01:45 Reminder: this session starts in 15 minutes.",
		}},
		// Mon 03:00 in Honolulu, the course's default times.
		{5003, locales.EN, "Pacific/Honolulu", "", nil, []string{
			"Sun 07:00 Reminder: this session starts in 20 hours.",
			"Mon 02:45 Reminder: this session starts in 15 minutes.",
		}},
		// No quiet hours: at the very time due.
		{5004, locales.EN, "Asia/Tokyo", "off", []time.Duration{24 * time.Hour}, []string{
			"Sun 22:00 Reminder: this session starts in 1 day.",
		}},
		// Quiet until 14:55: the 1-hour and 15-minute reminders would
		// both wait until 14:55; only the nearer one comes.
		{5005, locales.EN, "Europe/Rome", "14:00-14:55", []time.Duration{time.Hour, 15 * time.Minute}, []string{
			"Mon 14:55 Reminder: this session starts in 5 minutes.",
		}},
		{5006, locales.ES, "Europe/Madrid", "", []time.Duration{time.Hour}, []string{
			"Mon 14:00 Recordatorio: esta sesión empieza en 1 hora.",
		}},
	}
	ctx := context.Background()
	for _, p := range people {
		id := f.join(p.chat, p.lang, p.zone, []string{"gender"}, true, p.offsets...)
		if p.quiet != "" {
			if err := f.store.SetQuietHours(ctx, id, p.quiet); err != nil {
				t.Fatal(err)
			}
		}
	}
	rec := newRecorder(f.clock)
	f.live(f.listening(rec), fakeclock.Turin(t, "2022-10-24T15:00"))
	for _, p := range people {
		title := "Global and regional labour migration trends"
		if p.lang == locales.ES {
			title = "Tendencias mundiales y regionales de la migración laboral"
		}
		got := localTimes(t, about(rec.of(chatID(p.chat)), title), p.zone)
		if !slices.Equal(got, p.want) {
			t.Errorf("chat %d (%s) got\n%s\nwant\n%s", p.chat, p.zone, strings.Join(got, "\n"), strings.Join(p.want, "\n"))
		}
	}
}

func chatID(chat int64) string { return fmt.Sprint(chat) }

// TestMorningDigest: from Sunday noon to Tuesday evening of week 2, each
// participant gets the digest as chosen, at its hour in their zone (or
// when their quiet hours end), listing the sessions until the next
// morning's; someone who chose no elective gets the plenary's reminders
// and the elective sessions in the digest, never a reminder of each.
func TestMorningDigest(t *testing.T) {
	f := newFleet(t, "2022-10-23T12:00")
	const undecided, digestOnly, lateRiser, bogota = 6001, 6002, 6003, 6004
	ctx := context.Background()
	f.join(undecided, locales.EN, "Europe/Rome", nil, true)
	only := f.join(digestOnly, locales.EN, "Europe/Rome", []string{"skills"}, true)
	late := f.join(lateRiser, locales.ES, "Europe/Rome", []string{"skills"}, true)
	f.join(bogota, locales.ES, "America/Bogota", nil, true)
	for _, err := range []error{
		f.store.SetReminders(ctx, only, true, []time.Duration{}), f.store.SetDigest(ctx, only, true),
		f.store.SetDigest(ctx, late, true), f.store.SetQuietHours(ctx, late, "22:00-09:00"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	rec := newRecorder(f.clock)
	f.live(f.listening(rec), fakeclock.Turin(t, "2022-10-25T20:00"))

	want := map[int64][]string{
		undecided: {
			"Sun 15:00 Reminder: this session starts in 1 day.",
			"Mon 14:45 Reminder: this session starts in 15 minutes.",
			"Tue 08:00 Until tomorrow morning, 2 sessions for you:",
		},
		digestOnly: {
			"Mon 08:00 Until tomorrow morning, 1 session for you:",
			"Tue 08:00 Until tomorrow morning, 1 session for you:",
		},
		lateRiser: {
			"Sun 15:00 Recordatorio: esta sesión empieza en 1 día.",
			"Mon 09:00 De aquí a mañana por la mañana, 1 sesión para usted:",
			"Mon 14:45 Recordatorio: esta sesión empieza en 15 minutos.",
			"Mon 16:00 Recordatorio: esta sesión empieza en 1 día.",
			"Tue 09:00 De aquí a mañana por la mañana, 1 sesión para usted:",
			"Tue 15:45 Recordatorio: esta sesión empieza en 15 minutos.",
			"Tue 16:00 Recordatorio: esta sesión empieza en 1 día.",
		},
		// 7 hours behind Turin: the plenary is at 08:00; Tuesday's
		// policy session at 07:00 is in Monday's digest.
		bogota: {
			"Sun 08:00 Recordatorio: esta sesión empieza en 1 día.",
			"Mon 07:45 Recordatorio: esta sesión empieza en 15 minutos.",
			"Mon 08:00 De aquí a mañana por la mañana, 1 sesión para usted:",
			"Tue 08:00 De aquí a mañana por la mañana, 3 sesiones para usted:",
		},
	}
	zones := map[int64]string{undecided: "Europe/Rome", digestOnly: "Europe/Rome", lateRiser: "Europe/Rome", bogota: "America/Bogota"}
	for chat, w := range want {
		if got := localTimes(t, rec.of(chatID(chat)), zones[chat]); !slices.Equal(got, w) {
			t.Errorf("chat %d got\n%s\nwant\n%s", chat, strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
	digest := func(chat int64, n int) string {
		ms := about(rec.of(chatID(chat)), "morning")
		if chat == lateRiser || chat == bogota {
			ms = about(rec.of(chatID(chat)), "por la mañana")
		}
		if len(ms) <= n {
			t.Fatalf("chat %d: no digest %d", chat, n)
		}
		return ms[n].text
	}
	mustContain(t, digest(undecided, 0), "Developing and implementing a labour migration policy", "Tue 25 Oct, 14:00–15:30 Turin time",
		"Skills dimension of labour migration", "You have not chosen electives yet", "/electives")
	mustContain(t, digest(digestOnly, 0), "Global and regional labour migration trends", "Mon 24 Oct, 15:00–17:00 Turin time")
	mustContain(t, digest(digestOnly, 1), "Skills dimension of labour migration")
	mustNotContain(t, digest(digestOnly, 1), "Developing and implementing", "You have not chosen")
	mustContain(t, digest(lateRiser, 1), "La dimensión de las competencias en la migración laboral")
	mustContain(t, digest(bogota, 0), "mar 25 oct, 07:00–08:30 su hora (America/Bogota)", "Aún no ha elegido cursos electivos")
	mustContain(t, digest(bogota, 1), "mar 25 oct, 09:00–10:30 su hora", "mié 26 oct, 03:00–04:30 su hora", "mié 26 oct, 07:00–08:30 su hora")
	for _, m := range rec.of(chatID(undecided)) {
		if strings.HasPrefix(m.text, "Reminder:") && !strings.Contains(m.text, "Global and regional labour migration trends") {
			t.Errorf("someone without electives got an elective's own reminder: %q", m.text)
		}
	}
}

// TestDigestOnceAcrossReplicas: two replicas send the same morning's
// digest at once, then a restarted one does it again: each participant
// has it once.
func TestDigestOnceAcrossReplicas(t *testing.T) {
	f := newFleet(t, "2022-10-24T12:00")
	const ana, luis = 6101, 6102
	f.join(ana, locales.EN, "Europe/Rome", nil, true)
	f.join(luis, locales.ES, "Europe/Madrid", nil, true)
	f.clock.Advance(20 * time.Hour) // Tue 08:00
	rec := newRecorder(f.clock)
	s := f.send("digest:20221025")
	var wg sync.WaitGroup
	for range 2 {
		b := f.listening(rec)
		wg.Go(func() {
			if _, err := b.DeliverStats(context.Background(), s); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	stats, err := f.listening(rec).DeliverStats(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for _, chat := range []int64{ana, luis} {
		if n := len(rec.of(chatID(chat))); n != 1 {
			t.Errorf("chat %d got the digest %d times, want once", chat, n)
		}
	}
	if stats.Sent != 2 || stats.Due != 0 {
		t.Errorf("wave stats %+v, want 2 sent", stats)
	}
	mustContain(t, rec.of(chatID(luis))[0].text, "De aquí a mañana por la mañana, 2 sesiones para usted:", "mar 25 oct, 14:00–15:30 hora de Turín")
}

// TestWholeCourseAsReceived plays the whole course for three people who
// changed nothing (the course's defaults), in Turin, Bogota and Manila,
// and counts what each received: reminders only of the sessions that
// concern them (plenaries and the like; the electives, chosen by none of
// them, in morning digests), the weekly quizzes' news, one nudge at
// 10:00 their time on the day before the quizzes close, and the summary
// at 09:00 their time after the course. Nothing but a reminder (or news
// that cannot wait for the morning) arrives in their quiet hours.
func TestWholeCourseAsReceived(t *testing.T) {
	f := newFleet(t, "2022-10-15T12:00")
	people := map[int64]string{7001: "Europe/Rome", 7002: "America/Bogota", 7003: "Asia/Manila"}
	for chat, zone := range people {
		f.join(chat, locales.EN, zone, nil, true)
	}
	rec := newRecorder(f.clock)
	f.live(f.listening(rec), fakeclock.Turin(t, "2022-12-10T00:00"))

	sessions, weekly := 0, 0
	for _, ev := range f.course.Agenda.Events {
		if ev.Kind != schedule.Quizzes && ev.Kind != schedule.ElectiveSession {
			sessions++
		}
	}
	for _, q := range f.course.Bank.Quizzes {
		if q.Elective == "" {
			weekly++
		}
	}
	quiet := schedule.QuietHours{From: 22 * time.Hour, To: 7 * time.Hour}
	for chat, zone := range people {
		loc, _ := time.LoadLocation(zone)
		counts, perDay := map[string]int{}, map[string]int{}
		for _, m := range rec.of(chatID(chat)) {
			kind := kindOf(m.text)
			counts[kind]++
			perDay[m.at.In(loc).Format("2006-01-02")]++
			local := m.at.In(loc).Format("Mon 2 Jan 15:04")
			if _, in := quiet.End(m.at, loc); in && kind != "reminder" {
				t.Errorf("%s: %s at %s, in the quiet hours", zone, kind, local)
			}
			switch {
			case kind == "digest" && !strings.HasSuffix(local, " 08:00"),
				kind == "nudge" && !strings.HasSuffix(local, " 10:00"),
				kind == "summary" && !strings.HasSuffix(local, " 09:00"):
				t.Errorf("%s: %s at %s, not at its local hour", zone, kind, local)
			}
		}
		busiest := 0
		for _, n := range perDay {
			busiest = max(busiest, n)
		}
		t.Logf("%s received %d messages, at most %d a day: %v", zone, len(rec.of(chatID(chat))), busiest, counts)
		if counts["reminder"] != 2*sessions || counts["quiz"] != weekly || counts["nudge"] != 1 || counts["summary"] != 1 || counts["evaluation"] != 1 || counts["other"] != 0 {
			t.Errorf("%s: %v; want %d reminders (2 for each of %d sessions), %d quiz openings, 1 nudge, 1 summary, 1 invitation to the evaluation", zone, counts, 2*sessions, sessions, weekly)
		}
		if counts["digest"] == 0 {
			t.Errorf("%s: no digest of the electives' sessions", zone)
		}
	}
}

// kindOf sorts a received message by its first words.
func kindOf(text string) string {
	for _, k := range []struct{ prefix, kind string }{
		{"Reminder:", "reminder"}, {"Until tomorrow morning", "digest"}, {"These quizzes close", "nudge"},
		{"The course has ended", "summary"},
	} {
		if strings.HasPrefix(text, k.prefix) {
			return k.kind
		}
	}
	switch {
	case strings.Contains(text, " is open ("):
		return "quiz"
	case strings.HasSuffix(text, "Send /evaluation to start."):
		return "evaluation"
	}
	return "other"
}

// TestQuietCommand: /quiet shows, sets, drops and restores the quiet
// hours, refuses what it cannot read, in both languages.
func TestQuietCommand(t *testing.T) {
	h := newHarness(t, "2022-10-24T08:00")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "/quiet"), "Quiet hours: 22:00–07:00 your time", "Send /quiet followed by")
	mustContain(t, h.say("ana", "/quiet 23:00 - 6:30"), "Quiet hours: 23:00–06:30 your time", "waits until 06:30")
	if p := h.participant("ana"); p.QuietHours != "23:00-06:30" {
		t.Fatalf("stored quiet hours %q", p.QuietHours)
	}
	for _, bad := range []string{"25:00-07:00", "07:00-07:00", "at night"} {
		mustContain(t, h.say("ana", "/quiet "+bad), "Send /quiet followed by")
	}
	if p := h.participant("ana"); p.QuietHours != "23:00-06:30" {
		t.Fatalf("a refused setting changed the quiet hours to %q", p.QuietHours)
	}
	mustContain(t, h.say("ana", "/quiet off"), "No quiet hours")
	if p := h.participant("ana"); p.QuietHours != "off" {
		t.Fatalf("stored quiet hours %q, want off", p.QuietHours)
	}
	mustContain(t, h.say("ana", "/quiet on"), "Quiet hours: 22:00–07:00")
	mustContain(t, h.say("ana", "/language es", "/quiet 22:30-07:15"), "Horas de silencio: 22:30–07:15 en su hora", "espera hasta las 07:15")
	mustContain(t, h.say("ana", "/quiet mañana"), "Envíe /quiet seguido de")
}

// TestRemindersDigestChoice: the digest is a button of /reminders and a
// word of "/reminders ...", alone or with reminder times.
func TestRemindersDigestChoice(t *testing.T) {
	h := newHarness(t, "2022-10-24T08:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "/reminders")
	mustContain(t, got, "1 day, 15 minutes before each session", "You have not chosen electives: their sessions come in a morning list at 08:00", "○ Morning digest (08:00)", "Quiet hours: 22:00–07:00")
	mustContain(t, h.press("ana", "rem:digest"), "✓ Morning digest (08:00)", "Every morning at 08:00 your time, a list of the day's sessions.")
	if p := h.participant("ana"); !p.Digest || p.ReminderOffsets != nil {
		t.Fatalf("after the digest button: digest %v, offsets %v", p.Digest, p.ReminderOffsets)
	}
	mustContain(t, h.say("ana", "/reminders digest"), "no reminder before each session", "✓ Morning digest", "○ 1 day")
	if p := h.participant("ana"); !p.Digest || p.ReminderOffsets == nil || len(p.ReminderOffsets) != 0 {
		t.Fatalf("digest only: digest %v, offsets %#v", p.Digest, p.ReminderOffsets)
	}
	// Taking away the last choice turns reminders off; on again is the
	// course's default.
	mustContain(t, h.press("ana", "rem:digest"), "Reminders are off")
	mustContain(t, h.say("ana", "/reminders on"), "Reminders are on: 1 day, 15 minutes before")
	mustContain(t, h.say("ana", "/language es", "/reminders 1h resumen"), "1 hora antes de cada sesión", "Cada mañana a las 08:00 en su hora", "✓ Resumen matutino (08:00)")
	mustContain(t, h.say("ana", "/reminders 2h"), "Envíe /reminders on", "resumen")
}

// TestRegistrationAsksElectives: once the newcomer picks a language, the
// bot asks which electives they will follow, in that language; Later
// says what they will hear meanwhile, Done what they chose.
func TestRegistrationAsksElectives(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	mustContain(t, h.say("ana", "/register Ana Lima"), "You are registered, Ana Lima", "[2] Español")
	got := h.say("ana", "2")
	mustContain(t, got, "A partir de ahora le escribiré en español", "¿Qué cursos electivos seguirá?", "○ La dimensión de las competencias en la migración laboral", "[19] Más tarde")
	mustContain(t, h.say("ana", "19"), "Mientras no elija, recibirá avisos de las sesiones plenarias", "a las 08:00 en su hora")

	h.say("bo", "/register Bo Chen")
	mustContain(t, h.say("bo", "1"), "Which electives will you follow?", "[19] Later")
	mustContain(t, h.say("bo", "13"), "Added: Skills dimension of labour migration.")
	mustContain(t, h.say("bo", "/electives"), "[19] Done")
	mustContain(t, h.say("bo", "19"), "You follow 1 elective: you will get reminders before its sessions.")
	// /language later does not ask again.
	mustNotContain(t, h.say("bo", "/language es"), "¿Qué cursos electivos")
}

// TestNewcomerGetsTheNextMorningsDigest: the digest of 25 Oct goes into
// the queue on the evening of the 24th (08:00 somewhere east is 20:00 in
// Turin). Someone who registers at 21:00 Turin time, after that, still
// gets it at 08:00 in their zone, once, though the wave is never queued
// again.
func TestNewcomerGetsTheNextMorningsDigest(t *testing.T) {
	f := newFleet(t, "2022-10-24T19:00")
	f.join(6101, locales.EN, "Europe/Rome", nil, true) // so the wave has someone
	rec := newRecorder(f.clock)
	b := f.listening(rec)
	ctx := context.Background()
	f.live(b, fakeclock.Turin(t, "2022-10-24T21:00")) // the wave of 25 Oct is queued

	const late = 6102
	reg := bot.Update{Platform: bot.Telegram, UserID: chatID(late), ChatID: chatID(late), Name: "Late Comer", Text: "/register Late Comer"}
	if err := b.Handle(ctx, reg); err != nil {
		t.Fatal(err)
	}
	// Delivered as the bot would, without queuing the wave again.
	for _, at := range []string{"2022-10-25T07:59", "2022-10-25T08:00"} {
		f.clock.Advance(fakeclock.Turin(t, at).Sub(f.clock.Now()))
		if err := b.DrainDeliveries(ctx); err != nil {
			t.Fatal(err)
		}
		got := localTimes(t, about(rec.of(chatID(late)), "Until tomorrow morning"), "Europe/Rome")
		want := []string{"Tue 08:00 Until tomorrow morning, 2 sessions for you:"}
		if at == "2022-10-25T07:59" {
			want = nil
		}
		if !slices.Equal(got, want) {
			t.Errorf("at %s the newcomer had %q, want %q", at, got, want)
		}
	}
}
