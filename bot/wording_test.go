package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// give records points for user as one correct weekly answer, standing in
// for quizzes answered over the weeks.
func (h *harness) give(user, question string, points int) {
	h.t.Helper()
	_, err := h.store.RecordAnswer(context.Background(), store.Answer{
		Participant: h.participant(user).ID, Quiz: "week-1", Question: question,
		Correct: true, Points: points, Kind: quiz.Weekly, At: h.clock.Now(),
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// One point short reads "1 more point", never "1 more points".
func TestProgressCountsTakeTheirPluralForm(t *testing.T) {
	h := newHarness(t, "2022-10-28T10:00")
	h.say("ana", "/register Ana Lima")
	h.give("ana", "q1", 59)
	got := h.say("ana", "/progress")
	mustContain(t, got, "1 more point for the certificate of participation (60).", "61 more points for the certificate of achievement")
	mustNotContain(t, got, " 1 more points")
	got = h.say("ana", "/language es", "/progress")
	mustContain(t, got, "Le falta 1 punto para el certificado de participación (60).", "Le faltan 61 puntos para el certificado de aprovechamiento")
	mustNotContain(t, got, "Le faltan 1 puntos")
}

// At 119 points after every deadline, a participant holding the
// certificate of participation is told it is theirs, not that it is
// "still within reach".
func TestAchievementOutOfReachWithParticipationHeld(t *testing.T) {
	h := newHarness(t, "2022-12-17T10:00")
	h.say("ana", "/register Ana Lima")
	id := h.participant("ana").ID
	ctx := context.Background()
	if err := h.store.SubmitEssay(ctx, id, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.GradeEssay(ctx, id, store.Grade{Total: 80, By: "chris", At: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	h.give("ana", "q1", 39)
	got := h.say("ana", "/progress")
	mustContain(t, got, "Your total: 119 points.", "Certificate: participation reached.",
		"1 more point for the certificate of achievement", "your certificate of participation is secured")
	mustNotContain(t, got, "participation still is", " 1 more points")
	got = h.say("ana", "/language es", "/progress")
	mustContain(t, got, "Le falta 1 punto para el certificado de aprovechamiento", "el de participación ya lo tiene asegurado")
	mustNotContain(t, got, "pero el de participación sí")
}

// A new registration and a second /register say different things, in
// Spanish without "registrado/a".
func TestNewAndExistingRegistrationDiffer(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	h.as("luis", "es")
	got := h.say("luis", "/register Luis García")
	mustContain(t, got, "Registro completado, Luis García: le damos la bienvenida a la Academia Virtual")
	again := h.say("luis", "/register Otro Nombre")
	mustContain(t, again, "Ya tiene un registro, a nombre de Luis García.")
	mustNotContain(t, got+again, "registrado/a", "Bienvenido/a")
	mustContain(t, h.say("ana", "/register Ana Lima"), "You are registered, Ana Lima")
	mustContain(t, h.say("ana", "/register Ana Lima"), "You are already registered as Ana Lima.")
}

// A vote on someone else's quiz poll is refused in words about a
// question, not a button.
func TestVoteOnAnotherPersonsPoll(t *testing.T) {
	s := newStaff(t, "2022-10-21T16:00")
	const ana, bob, luis = 9101, 9102, 9103
	s.join(ana, locales.EN, "Europe/Rome", nil, true)
	bobID := s.join(bob, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "Europe/Rome", nil, true)
	s.from(ana, "/quiz week-1")
	poll := ""
	for _, o := range s.api.Outgoing(ana) {
		if o.PollID != "" {
			poll = o.PollID
		}
	}
	if poll == "" {
		t.Fatal("ana was sent no quiz poll")
	}
	vote := func(chat int64) string {
		before := len(s.texts(chat))
		id := strconv.FormatInt(chat, 10)
		u := bot.Update{Platform: bot.Telegram, UserID: id, ChatID: id, Poll: &bot.PollAnswer{PollID: poll, Options: []int{0}}}
		if err := s.r.bot.Handle(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		return joinLines(s.texts(chat)[before:])
	}
	got := vote(bob)
	mustContain(t, got, "That question was not sent to you, so your vote does not count.")
	mustNotContain(t, got, "button")
	mustContain(t, vote(luis), "Esa pregunta no se le envió a usted, así que su voto no cuenta.")
	if tot := s.totals(bobID); tot.Total != 0 {
		t.Errorf("bob earned %d points on ana's poll", tot.Total)
	}
}

// The news that a quiz is open names the zone of its closing time: Turin,
// and the participant's own when it differs.
func TestQuizOpenNamesTheZone(t *testing.T) {
	f := newFleet(t, "2022-10-21T15:00")
	const ana, luis = 9201, 9202
	f.join(ana, locales.EN, "Europe/Rome", nil, true)
	f.join(luis, locales.ES, "America/Bogota", nil, true)
	if _, err := f.replica().bot.DeliverStats(context.Background(), f.send("open:week-1")); err != nil {
		t.Fatal(err)
	}
	mustContain(t, joinLines(f.texts(ana)), "is open (5 points). It closes on Fri 9 Dec at 23:59 Turin time.")
	// 23:59 CET is 17:59 in Bogota (UTC-5).
	mustContain(t, joinLines(f.texts(luis)), "(5 puntos). Cierra el vie 9 dic a las 23:59 hora de Turín (vie 9 dic a las 17:59 en su hora, America/Bogota).")
}

func joinLines(texts []string) string { return strings.Join(texts, "\n") }
