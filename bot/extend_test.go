package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// newDesk is a fleet with the coordinator chris and one replica whose
// deliveries the test drains itself, so that what did not arrive is
// known not to have arrived.
func newDesk(t *testing.T, now string) *staff {
	f := newFleet(t, now)
	id := f.join(chris, locales.EN, "Europe/Rome", nil, true)
	if err := f.store.SetCoordinator(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}
	return &staff{fleet: f, r: f.replica()}
}

// drain sends everything due now.
func (s *staff) drain() {
	s.t.Helper()
	if err := s.r.bot.DrainDeliveries(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// since is what chat was sent after its first n messages.
func (s *staff) since(chat int64, n int) string {
	return strings.Join(s.texts(chat)[n:], "\n")
}

// answerButton is the signed data of participant id's answer to the
// first question of q.
func (s *staff) answerButton(id store.ParticipantID, q *quiz.Quiz) string {
	qu := q.Questions[0]
	return "press:" + bot.SignAnswerForTest(s.r.bot, id, q.ID, qu.ID, qu.Correct)
}

// One participant's extension: they alone are told, in their language,
// may still answer, see the points as within reach and are nudged before
// their own deadline; everyone else's quiz closes as the course says.
func TestExtendOneParticipant(t *testing.T) {
	s := newDesk(t, "2022-12-07T23:00") // quizzes close on Fri 9 Dec at 23:59
	const ana, luis = 9101, 9102
	anaID := s.join(ana, locales.EN, "Europe/Rome", nil, true)
	luisID := s.join(luis, locales.ES, "America/Bogota", nil, true)
	w7, _ := s.course.Bank.Quiz("week-7")

	mustContain(t, s.from(ana, "/extend week-7 until 2022-12-16 "+string(anaID)), "only course coordinators")
	mustContain(t, s.from(chris, "/extend week-7 until 16/12/2022"), "Send /extend, a quiz id")
	mustContain(t, s.from(chris, "/extend week-9 until 2022-12-16"), "There is no quiz called week-9")
	mustContain(t, s.from(chris, "/extend week-7 until 2022-12-16 p999"), "There is no participant p999")
	mustContain(t, s.from(chris, "/extend week-7 until 2022-12-08"), "That deadline is already Fri 9 Dec at 23:59 Turin time")

	got := s.from(chris, "/extend week-7 until 2022-12-16 "+string(luisID))
	mustContain(t, got, "Extended for P9102 ("+string(luisID)+"): their deadline for “Week 7 quiz", "is now Fri 16 Dec at 23:59 Turin time")
	s.drain()
	mustContain(t, strings.Join(s.texts(luis), "\n"), "Los coordinadores han prorrogado su plazo de «Cuestionario de la semana 7",
		"Ahora vence el vie 16 dic a las 23:59 hora de Turín (vie 16 dic a las 17:59 en su hora, America/Bogota).")
	if n := len(s.texts(ana)); n != 1 {
		t.Errorf("ana was sent %d messages, want only the refusal: %q", n, s.texts(ana))
	}
	anaBefore, luisBefore := len(s.texts(ana)), len(s.texts(luis))

	// The course's own nudge before 9 Dec no longer lists week 7 for luis.
	// It is due at 10:00 on 8 Dec in each one's zone, which has passed in
	// Turin (ana) and Bogota (luis) at 16:30 Turin time.
	s.clock.Advance(fakeclock.Turin(t, "2022-12-08T16:30").Sub(s.clock.Now()))
	if _, err := s.r.bot.DeliverStats(context.Background(), s.send("nudge:20221209T2259Z")); err != nil {
		t.Fatal(err)
	}
	s.drain()
	mustContain(t, s.since(ana, anaBefore), "These quizzes close on Fri 9 Dec at 23:59", "Week 7 quiz")
	luisNudge := s.since(luis, luisBefore)
	mustContain(t, luisNudge, "Estos cuestionarios cierran el vie 9 dic", "Cuestionario de la semana 1")
	mustNotContain(t, luisNudge, "semana 7")

	s.clock.Advance(fakeclock.Turin(t, "2022-12-10T10:00").Sub(s.clock.Now())) // closed for ana, open for luis
	mustContain(t, s.from(ana, s.answerButton(anaID, w7)), "closed on Fri 9 Dec: answers are no longer accepted")
	mustContain(t, s.from(luis, s.answerButton(luisID, w7)), "¡Correcto!")
	if tot := s.totals(anaID); tot.Total != 0 {
		t.Errorf("ana earned %d points on a closed quiz", tot.Total)
	}
	if tot := s.totals(luisID); tot.Total != 1 {
		t.Errorf("luis has %d points, want the 1 of his extended quiz", tot.Total)
	}
	mustContain(t, s.from(ana, "/quiz week-7"), "closed on Fri 9 Dec")
	s.from(luis, "/quiz")
	if got := s.button(luis, "Cuestionario de la semana 7"); got != "q:week-7" {
		t.Errorf("luis's week 7 button carries %q", got)
	}
	// The essay (80) is open to both; luis also has week 7's 4 points left.
	mustContain(t, s.from(ana, "/progress"), "up to 80 more points")
	mustContain(t, s.from(luis, "/progress"), "hasta 84 puntos más")

	// The nudge before luis's own deadline (16 Dec 17:59 in Bogota) comes
	// at the course's nudge hour on the day before, in his zone: 15 Dec
	// 10:00 in Bogota, 16:00 in Turin.
	before := len(s.texts(luis))
	s.clock.Advance(fakeclock.Turin(t, "2022-12-15T15:59").Sub(s.clock.Now()))
	s.drain()
	if got := s.since(luis, before); got != "" {
		t.Errorf("luis was nudged early: %q", got)
	}
	s.clock.Advance(time.Minute)
	s.drain()
	mustContain(t, s.since(luis, before), "Estos cuestionarios cierran el vie 16 dic a las 23:59 hora de Turín", "Cuestionario de la semana 7")

	s.clock.Advance(48 * time.Hour) // past luis's deadline too
	mustContain(t, s.from(luis, "/quiz week-7"), "cerró el vie 16 dic")
}

// An extension for everyone reaches those who still have the work to do,
// and a personal extension may only go beyond it.
func TestExtendForEveryone(t *testing.T) {
	s := newDesk(t, "2022-12-12T10:00") // every quiz has closed; the essay is due 16 Dec
	const ana, bea, luis = 9201, 9202, 9203
	anaID := s.join(ana, locales.EN, "Europe/Rome", nil, true)
	beaID := s.join(bea, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "Europe/Rome", nil, true)
	ctx := context.Background()
	if err := s.store.SubmitEssay(ctx, beaID, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	mustContain(t, s.from(chris, "/extend essay hasta 2022-12-23T12:00"), "Extended for everyone: the deadline for “Final essay” is now Fri 23 Dec at 12:00 Turin time")
	s.drain()
	mustContain(t, strings.Join(s.texts(ana), "\n"), "the deadline for “Final essay” has been extended for everyone. It is now Fri 23 Dec at 12:00 Turin time.")
	mustContain(t, strings.Join(s.texts(luis), "\n"), "se ha prorrogado para todos el plazo de «Ensayo final». Ahora vence el vie 23 dic a las 12:00 hora de Turín.")
	if got := s.texts(bea); len(got) != 0 {
		t.Errorf("bea, who submitted her essay, was told %q", got)
	}
	// A personal extension must go beyond everyone's.
	mustContain(t, s.from(chris, "/extend essay until 2022-12-20 "+string(anaID)), "That deadline is already Fri 23 Dec at 12:00")
	mustContain(t, s.from(chris, "/extend essay until 2022-12-30 "+string(anaID)), "is now Fri 30 Dec at 23:59")

	s.clock.Advance(9 * 24 * time.Hour) // Wed 21 Dec: after the course's essay deadline
	mustContain(t, s.from(luis, "/progress"), "hasta 80 puntos más")
	s.clock.Advance(3 * 24 * time.Hour) // Sat 24 Dec: after everyone's, before ana's
	mustContain(t, s.from(ana, "/progress"), "up to 80 more points")
	mustNotContain(t, s.from(luis, "/progress"), "hasta 80 puntos más")
}
