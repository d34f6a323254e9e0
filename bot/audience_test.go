package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// texts is everything chat received, in order.
func (r *recorder) texts(chat string) string {
	var out []string
	for _, m := range r.of(chat) {
		out = append(out, m.text)
	}
	return strings.Join(out, "\n")
}

// member is a participant of the audience tests.
type member struct {
	chat      int64
	lang      locales.Lang
	cohort    string
	electives []string
	discord   bool // also on Discord, chat "d<chat>"
	telegram  bool // on Telegram, chat "<chat>"
}

// enrolMember creates m with its accounts.
func (s *staff) enrolMember(m member) store.ParticipantID {
	s.t.Helper()
	ctx := context.Background()
	id := fmt.Sprint(m.chat)
	first := store.Account{Platform: store.Telegram, UserID: id, ChatID: id, Reachable: true}
	if !m.telegram {
		first = store.Account{Platform: store.Discord, UserID: "d" + id, ChatID: "d" + id, Reachable: true}
	}
	p, err := s.store.CreateParticipant(ctx, store.Participant{Name: "P" + id, Lang: m.lang, Cohort: m.cohort, Electives: m.electives, Reminders: true, Created: s.clock.Now()}, first)
	if err != nil {
		s.t.Fatal(err)
	}
	if m.telegram && m.discord {
		if err := s.store.LinkAccount(ctx, p.ID, store.Account{Platform: store.Discord, UserID: "d" + id, ChatID: "d" + id, Reachable: true}); err != nil {
			s.t.Fatal(err)
		}
	}
	return p.ID
}

// finish answers every question of quiz q for id, rightly.
func (s *staff) finish(id store.ParticipantID, q quiz.ID) {
	s.t.Helper()
	qz, ok := s.course.Bank.Quiz(q)
	if !ok {
		s.t.Fatalf("no quiz %s", q)
	}
	var siblings []string
	for _, qu := range qz.Questions {
		siblings = append(siblings, qu.ID)
	}
	for _, qu := range qz.Questions {
		a := store.Answer{Participant: id, Quiz: q, Question: qu.ID, Option: qu.Correct, Correct: true, Points: qu.Points, Kind: qz.Kind, At: s.clock.Now(), Siblings: siblings}
		if _, err := s.store.RecordAnswer(context.Background(), a); err != nil {
			s.t.Fatal(err)
		}
	}
}

// waitCount waits until chat has been sent want messages holding text.
func (s *staff) waitCount(chat int64, text string, want int) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(strings.Join(s.texts(chat), "\n"), text) < want {
		if time.Now().After(deadline) {
			s.t.Fatalf("chat %d got %q fewer than %d times: %q", chat, text, want, s.texts(chat))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// audienceCourse is a course on 29 October 2022, 10:00: weeks 1 and 2
// and three electives (skills, communicating, policy: 55 points) are
// open. With each person's points:
//
//	ana  EN telegram            0 → no certificate, behind the pace
//	luis ES telegram  SAMM      week-1 (5): behind the pace
//	bea  ES telegram            all 55 open points: on pace
//	dave EN discord   SAMM      week-1, week-2, skills (25): on pace
//	eve  EN both      climate   essay graded 70: participation
//
// Someone on both platforms hears on the first reachable (Discord),
// unless the audience names a platform.
type audienceCourse struct {
	*staff
	discord                   *recorder
	ana, luis, bea, dave, eve int64
}

func newAudienceCourse(t *testing.T) *audienceCourse {
	s := newStaff(t, "2022-10-29T10:00")
	c := &audienceCourse{staff: s, discord: &recorder{clock: s.clock, platform: bot.Discord, got: map[string][]received{}}, ana: 9601, luis: 9602, bea: 9603, dave: 9604, eve: 9605}
	s.r.bot.Register(c.discord)
	s.enrolMember(member{chat: c.ana, lang: locales.EN, telegram: true})
	luis := s.enrolMember(member{chat: c.luis, lang: locales.ES, cohort: "SAMM", electives: []string{"skills"}, telegram: true})
	s.finish(luis, "week-1")
	bea := s.enrolMember(member{chat: c.bea, lang: locales.ES, electives: []string{"skills", "policy"}, telegram: true})
	for _, q := range []quiz.ID{"week-1", "week-2", "elective-skills", "elective-communicating", "elective-policy"} {
		s.finish(bea, q)
	}
	dave := s.enrolMember(member{chat: c.dave, lang: locales.EN, cohort: "SAMM", discord: true})
	for _, q := range []quiz.ID{"week-1", "week-2", "elective-skills"} {
		s.finish(dave, q)
	}
	eve := s.enrolMember(member{chat: c.eve, lang: locales.EN, electives: []string{"climate"}, telegram: true, discord: true})
	ctx := context.Background()
	if err := s.store.SubmitEssay(ctx, eve, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.GradeEssay(ctx, eve, store.Grade{Total: 70, By: "chris", At: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	return c
}

// got reports who received the announcement of text (in English) or
// texto (in Spanish), and where.
func (c *audienceCourse) got(text, texto string) []string {
	var who []string
	count := func(s string) int {
		return strings.Count(s, "course team:\n"+text) + strings.Count(s, "equipo del curso:\n"+texto)
	}
	for _, m := range []struct {
		name string
		chat int64
	}{{"chris", chris}, {"ana", c.ana}, {"luis", c.luis}, {"bea", c.bea}, {"dave", c.dave}, {"eve", c.eve}} {
		if n := count(strings.Join(c.texts(m.chat), "\n")); n > 0 {
			who = append(who, fmt.Sprintf("%s@telegram×%d", m.name, n))
		}
		if n := count(c.discord.texts(fmt.Sprint("d", m.chat))); n > 0 {
			who = append(who, fmt.Sprintf("%s@discord×%d", m.name, n))
		}
	}
	return who
}

// TestSegmentedBroadcastReachesExactlyItsAudience: each filter, sent for
// real through the delivery queue, reaches exactly the people it names,
// once, on the platform it names; the preview counts them beforehand.
func TestSegmentedBroadcastReachesExactlyItsAudience(t *testing.T) {
	c := newAudienceCourse(t)
	cases := []struct {
		filters string
		preview []string
		want    []string
	}{
		{"lang:es", []string{"Audience: speaks Spanish", "In Spanish, to 2 participants:"}, []string{"luis@telegram×1", "bea@telegram×1"}},
		{"platform:discord", []string{"Audience: on discord", "In English, to 2 participants:", "In Spanish, to 0 participants:"}, []string{"dave@discord×1", "eve@discord×1"}},
		{"elective:climate,policy", []string{"follows the elective climate or policy", "It will go to 2 participants"}, []string{"bea@telegram×1", "eve@discord×1"}},
		{"platform:telegram lang:en", []string{"Audience: speaks English · on telegram", "In English, to 2 participants:"}, []string{"ana@telegram×1", "eve@telegram×1"}},
		{"cohort:samm", []string{"Audience: cohort SAMM", "It will go to 2 participants"}, []string{"luis@telegram×1", "dave@discord×1"}},
		{"tier:participation", []string{"certificate so far: participation", "It will go to 1 participant,"}, []string{"eve@discord×1"}},
		{"tier:none lang:en", []string{"It will go to 2 participants"}, []string{"ana@telegram×1", "dave@discord×1"}},
		{"notdone:week-2", []string{"has not finished week-2", "It will go to 3 participants"}, []string{"ana@telegram×1", "luis@telegram×1", "eve@discord×1"}},
		{"atrisk", []string{"at risk: behind the pace their next certificate needs", "It will go to 2 participants"}, []string{"ana@telegram×1", "luis@telegram×1"}},
		{"atrisk:participation cohort:SAMM", []string{"It will go to 1 participant,"}, []string{"luis@telegram×1"}},
	}
	for i, tc := range cases {
		text := fmt.Sprintf("Message %d", i)
		got := c.from(chris, "/broadcast "+tc.filters+" "+text+" || Mensaje "+fmt.Sprint(i))
		mustContain(t, got, tc.preview...)
		mustNotContain(t, got, "same text goes to every language")
		c.from(chris, "press:"+c.button(chris, "Send to "))
		c.waitCount(chris, "Announcement finished", i+1)
		who := c.got(fmt.Sprintf("Message %d", i), fmt.Sprintf("Mensaje %d", i))
		slices.Sort(who)
		slices.Sort(tc.want)
		if !slices.Equal(who, tc.want) {
			t.Errorf("%s reached %v, want %v", tc.filters, who, tc.want)
		}
	}
	// Each got it in their own language.
	mustContain(t, c.texts(c.luis)[0], "Anuncio del equipo del curso:\nMensaje 0")
	mustContain(t, c.discord.texts(fmt.Sprint("d", c.dave)), "Announcement from the course team:\nMessage 1")
}

// TestAudienceFiltersAreCheckedAndExplained: unknown values get a precise
// answer in the coordinator's language; participants cannot target.
func TestAudienceFiltersAreCheckedAndExplained(t *testing.T) {
	c := newAudienceCourse(t)
	cases := map[string]string{
		"/broadcast lang:fr Hi":             `There is no course language "fr" (in lang:fr). Languages: en, es.`,
		"/broadcast platform:whatsapp Hi":   `There is no platform "whatsapp" (in platform:whatsapp). Platforms: telegram, discord, console.`,
		"/broadcast elective:cooking Hi":    `There is no elective "cooking" (in elective:cooking). Electives: policy, measuring,`,
		"/broadcast cohort:ILO Hi":          `Nobody is in a cohort "ILO" (in cohort:ILO). Cohorts: SAMM.`,
		"/broadcast tier:gold Hi":           `There is no certificate tier "gold" (in tier:gold).`,
		"/broadcast notdone:week-9 Hi":      `There is no quiz "week-9" (in notdone:week-9). Quizzes: week-1,`,
		"/broadcast atrisk:none Hi":         `I cannot read atrisk:none`,
		"/broadcast lang: Hi":               `The filter lang: needs a value`,
		"/broadcast cohort:SAMM lang:en":    `Send /broadcast followed by the announcement.`,
		"/broadcast tier:achievement Hello": `Nobody can be reached in this audience (certificate so far: achievement)`,
	}
	for cmd, want := range cases {
		mustContain(t, c.from(chris, cmd), want)
	}
	if err := c.store.SetLanguage(context.Background(), c.coordinator(), locales.ES); err != nil {
		t.Fatal(err)
	}
	mustContain(t, c.from(chris, "/broadcast notdone:semana-3 Hola"), `No hay ningún cuestionario "semana-3" (en notdone:semana-3).`)
	// Spanish filter names work too.
	mustContain(t, c.from(chris, "/broadcast idioma:es certificado:ninguno Hola"), "Público: habla español · certificado hasta ahora: ninguno", "Llegará a 2 participantes")
	mustContain(t, c.from(c.ana, "/broadcast lang:es Hola"), "only course coordinators")
	mustContain(t, c.from(c.ana, "/scheduled"), "only course coordinators")
}

func (c *audienceCourse) coordinator() store.ParticipantID {
	c.t.Helper()
	p, err := c.store.ParticipantByAccount(context.Background(), store.Telegram, fmt.Sprint(chris))
	if err != nil {
		c.t.Fatal(err)
	}
	return p.ID
}

// TestCoordinatorReminderGoesToThoseWithRemindersOn: /remind is headed as
// a reminder and skips those who turned reminders off, filters or not;
// like the course's reminders, it waits for the end of quiet hours
// (22:00-07:00 in each person's zone).
func TestCoordinatorReminderGoesToThoseWithRemindersOn(t *testing.T) {
	s := newStaff(t, "2022-10-29T10:00")
	const ana, luis, quiet = 9801, 9802, 9803
	s.join(ana, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "America/Bogota", nil, true)
	s.join(quiet, locales.EN, "Europe/Rome", nil, false)

	mustContain(t, s.from(chris, "/remind"), "Send /remind followed by the reminder")
	mustContain(t, s.from(ana, "/remind Hi"), "only course coordinators")
	got := s.from(chris, "/remind notdone:week-1 Finish week 1 || Termine la semana 1")
	mustContain(t, got, "Audience: keeps reminders on · has not finished week-1", "In English, to 1 participant:\nFinish week 1", "It will go to 2 participants")
	s.from(chris, "press:"+s.button(chris, "Send to 2"))
	s.waitText(ana, "Reminder from the course team:\nFinish week 1")
	// Luis's copy waits in the queue for 07:00 in Bogota, 14:00 in Turin.
	end := s.clock.Now().Add(4 * time.Hour)
	deadline := time.Now().Add(20 * time.Second)
	for at, ok, err := s.store.NextDue(context.Background()); !ok || !at.Equal(end); at, ok, err = s.store.NextDue(context.Background()) {
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("the queue's next delivery is at %v (%v, %v), want %v", at, ok, err, end)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mustNotContain(t, strings.Join(s.texts(luis), "\n"), "Termine la semana 1")
	s.clock.Advance(4 * time.Hour)
	s.waitText(luis, "Recordatorio del equipo del curso:\nTermine la semana 1")
	s.waitText(chris, "Announcement finished: delivered to 2")
	mustNotContain(t, strings.Join(s.texts(quiet), "\n"), "Finish week 1")
	mustNotContain(t, strings.Join(s.texts(chris), "\n"), "team:\nFinish week 1")

	// To everyone: the coordinator too, if their reminders are on.
	mustContain(t, s.from(chris, "/remind Webinar today"), "Audience: keeps reminders on", "In English, to 2 participants:", "It will go to 3 participants")
}
