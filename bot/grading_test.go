package bot_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// enrol registers a roster entry with its details and redeems its code
// from Telegram chat.
func (f *fleet) enrol(chat int64, name string, lang locales.Lang) store.ParticipantID {
	f.t.Helper()
	ctx := context.Background()
	id := fmt.Sprint(chat)
	e := store.RosterEntry{Code: "R" + id, Name: name, Lang: lang, Cohort: "SAMM", Electives: []string{"skills"},
		Details: store.Details{Email: "u" + id + "@example.org", IDNumber: "N-" + id}}
	if _, err := f.store.LoadRoster(ctx, []store.RosterEntry{e}, store.RosterOptions{}); err != nil {
		f.t.Fatal(err)
	}
	p, err := f.store.RedeemRosterCode(ctx, e.Code, store.Account{Platform: store.Telegram, UserID: id, ChatID: id, Reachable: true}, f.clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return p.ID
}

// answer records p's answers to every question of q, the first right
// of them correct; it returns the points earned.
func (f *fleet) answer(p store.ParticipantID, q quiz.ID, right int) int {
	f.t.Helper()
	qz, _ := f.course.Bank.Quiz(q)
	earned := 0
	for i, qu := range qz.Questions {
		option := qu.Correct
		if i >= right {
			option = (qu.Correct + 1) % len(qu.Options)
		}
		correct, points := qu.Grade(option)
		_, err := f.store.RecordAnswer(context.Background(), store.Answer{Participant: p, Quiz: q, Question: qu.ID,
			Option: option, Correct: correct, Points: points, Kind: qz.Kind, At: f.clock.Now()})
		if err != nil {
			f.t.Fatal(err)
		}
		earned += points
	}
	return earned
}

func (s *staff) all(chat int64) string { return strings.Join(s.texts(chat), "\n") }

func TestGradeNoticeGivesEachCriterionAndTheNote(t *testing.T) {
	s := newStaff(t, "2022-11-30T10:00")
	const ana, bob = 9501, 9502
	anaID := s.join(ana, locales.ES, "Europe/Rome", nil, true)
	bobID := s.join(bob, locales.EN, "Europe/Rome", nil, true)
	s.from(chris, "/essay "+string(anaID))
	s.from(chris, "/essay "+string(bobID))

	mustContain(t, s.from(chris, "/grade "+string(anaID)+" 8 25 24 7 Bien argumentado; falta la perspectiva de género"), "Graded: P9501, 64/80.")
	mustContain(t, s.all(ana), "Su ensayo final fue calificado: 64/80.",
		"• Claridad del tema y del esquema: 8/10\n• Alineación con el contenido del curso: 25/30\n• Coherencia de las recomendaciones: 24/30\n• Integración de la perspectiva de género: 7/10",
		"Comentario de la persona evaluadora: Bien argumentado; falta la perspectiva de género",
		"Su total es ahora de 64 puntos.")
	mustNotContain(t, s.all(ana), "Clarity", "Note from")

	s.from(chris, "/grade "+string(bobID)+" 10 30 30 9 Excellent work")
	mustContain(t, s.all(bob), "Your final essay was graded: 79/80.",
		"• Clarity of the subject and outline: 10/10", "• Mainstreaming a gender perspective: 9/10",
		"Note from the grader: Excellent work", "Your total is now 79 points.")
	// A regrade says so, and gives the new scores and total.
	s.from(chris, "/grade "+string(bobID)+" 10 30 30 10")
	texts := s.texts(bob)
	last := texts[len(texts)-1]
	mustContain(t, last, "The grade of your final essay was revised: 80/80.", "• Mainstreaming a gender perspective: 10/10", "Your total is now 80 points.")
	mustNotContain(t, last, "Note from the grader")
}

func TestGradingAnUnrecordedEssayAsksFirst(t *testing.T) {
	s := newStaff(t, "2022-11-30T10:00")
	const ana, bob, dana = 9601, 9602, 9603
	anaID := s.join(ana, locales.EN, "Europe/Rome", nil, true)
	bobID := s.join(bob, locales.EN, "Europe/Rome", nil, true)
	other := s.join(dana, locales.EN, "Europe/Rome", nil, true)
	ctx := context.Background()
	if err := s.store.SetCoordinator(ctx, other, true); err != nil {
		t.Fatal(err)
	}
	essay := func(id store.ParticipantID) store.EssayState {
		e, err := s.store.Essay(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	mustContain(t, s.from(chris, "/grade "+string(anaID)+" 8 25 24 7 Good"),
		"The final essay of P9601 ("+string(anaID)+") was never recorded as submitted. Record it as submitted today and grade it 64/80?")
	if e := essay(anaID); e.Submitted || e.Grade != nil {
		t.Fatalf("recorded before the confirmation: %+v", e)
	}
	ok := s.button(chris, "Record and grade")
	mustContain(t, s.from(ana, "press:"+ok), "only course coordinators")
	mustContain(t, s.from(dana, "press:"+ok), "That button was not made for you")
	body, mac, _ := strings.Cut(ok[3:], ":")
	mustContain(t, s.from(chris, "press:eg:"+body+"X:"+mac), "That button was not made for you")
	if e := essay(anaID); e.Submitted || e.Grade != nil || strings.Contains(s.all(ana), "graded") {
		t.Fatalf("a refused press recorded something: %+v, %q", e, s.texts(ana))
	}

	mustContain(t, s.from(chris, "press:"+ok), "Graded: P9601, 64/80.")
	e := essay(anaID)
	if !e.Submitted || !e.SubmittedAt.Equal(s.clock.Now()) || e.Grade == nil || e.Grade.Total != 64 || e.Grade.Note != "Good" || e.Grade.Parts["coherence"] != 24 {
		t.Fatalf("essay after the confirmation: %+v", e)
	}
	mustContain(t, s.all(ana), "Your final essay was graded: 64/80.", "Note from the grader: Good")
	mustContain(t, s.from(chris, "press:"+ok), "That grade is no longer waiting")
	if n := strings.Count(s.all(ana), "was graded"); n != 1 {
		t.Errorf("the participant was told %d times", n)
	}
	if e := essay(anaID); len(e.History) != 0 {
		t.Errorf("a second press graded again: %+v", e)
	}

	// Cancel records nothing, and the prompt's buttons are spent.
	s.from(chris, "/grade "+string(bobID)+" 1 1 1 1")
	cancel, record := s.button(chris, "Cancel"), s.button(chris, "Record and grade")
	prompt := s.messageWith(chris, cancel)
	mustContain(t, s.from(chris, "press:"+cancel), "Cancelled: nothing was recorded.")
	if n := s.buttonsOn(chris, prompt); n != 0 {
		t.Errorf("the answered prompt still shows %d buttons", n)
	}
	mustContain(t, s.from(chris, "press:"+record), "That grade is no longer waiting")
	if e := essay(bobID); e.Submitted || e.Grade != nil || len(s.texts(bob)) != 0 {
		t.Errorf("cancelled grade recorded: %+v, %q", e, s.texts(bob))
	}
}

func TestParticipantViewForCoordinators(t *testing.T) {
	s := newStaff(t, "2022-11-30T10:00")
	const ana, luis = 9701, 9702
	id := s.enrol(ana, "Ana Lima", locales.ES)
	s.enrol(luis, "Ana Torres", locales.EN)
	ctx := context.Background()
	if err := s.store.LinkAccount(ctx, id, store.Account{Platform: store.Discord, UserID: "d77", ChatID: "c77"}); err != nil {
		t.Fatal(err)
	}
	earned := s.answer(id, "week-1", 3)
	s.from(chris, "/essay "+string(id))
	s.from(chris, "/grade "+string(id)+" 8 25 24 7 First reading")
	s.from(chris, "/grade "+string(id)+" 9 26 24 7 Second reading")
	mustContain(t, s.from(ana, "¿Puede un colega asistir en mi lugar?"), "coordinación")

	week1, _ := s.course.Bank.Quiz("week-1")
	week7, _ := s.course.Bank.Quiz("week-7")
	skills, _ := s.course.Bank.Quiz("elective-skills")
	want := []string{
		"Ana Lima (" + string(id) + ") · language es · cohort SAMM · registered Wed 30 Nov",
		"Email: u9701@example.org · ID number: N-9701",
		"discord account d77: not reachable", "telegram account 9701: reachable",
		"Points: " + strconv.Itoa(earned+66) + " (weekly quizzes " + strconv.Itoa(earned) + " · elective quizzes 0 · final essay 66)",
		week1.Title.In(locales.EN) + ": " + strconv.Itoa(earned) + "/5 · 5 of 5 answered · open until Fri 9 Dec 23:59",
		week7.Title.In(locales.EN) + ": opens Fri 2 Dec 16:00",
		skills.Title.In(locales.EN) + ": 0/15 · 0 of 5 answered",
		"Final essay: submitted Wed 30 Nov 10:00, graded 66/80 by P9000 on Wed 30 Nov 10:00.",
		"• Clarity of the subject and outline: 9/10", "Note from the grader: Second reading",
		"Earlier grade, replaced: 64/80 by P9000 on Wed 30 Nov 10:00 (note: First reading)",
		"Certificate: participation.", "Still obtainable: 300 points.", "The certificate of achievement is still within reach.",
		"1 open question:", "¿Puede un colega asistir en mi lugar?",
	}
	got := s.from(chris, "/participant "+string(id))
	mustContain(t, got, want...)
	mustNotContain(t, got, "Elective quiz: Climate") // an elective they did not choose
	mustContain(t, s.from(chris, "/progress lima"), want...)
	mustContain(t, s.from(chris, "/participant ANA"), "Several participants match", string(id)+" · Ana Lima · SAMM")
	mustContain(t, s.from(chris, "/participant p999"), "There is no participant p999")
	mustContain(t, s.from(chris, "/participant nobody"), "Nobody by that name")
	mustContain(t, s.from(chris, "/participant"), "Send /participant followed by")

	// The open questions name the person, and show how to answer.
	q := s.from(chris, "/questions")
	mustContain(t, q, "e.g. /answer s1 Yes, you can", "s1 · Wed 30 Nov 10:00 · Ana Lima ("+string(id)+", es)")
	mustNotContain(t, q, "NUMBER", "#s1")
	mustContain(t, s.from(chris, "/answer #s1 Sí."), "Your reply was sent to Ana Lima")

	// In Spanish for a Spanish-speaking coordinator.
	chrisID, err := s.store.AccountOwner(ctx, store.Telegram, strconv.Itoa(chris))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetLanguage(ctx, chrisID, locales.ES); err != nil {
		t.Fatal(err)
	}
	mustContain(t, s.from(chris, "/participant "+string(id)), "idioma es · grupo SAMM", "Cuenta de telegram 9701: localizable",
		"• Claridad del tema y del esquema: 9/10", "Certificado: participación.")

	// Participants may not look; their own /progress ignores an id.
	mustContain(t, s.from(luis, "/participant "+string(id)), "only course coordinators")
	own := s.from(luis, "/progress "+string(id))
	mustContain(t, own, "Your total: 0 points.")
	mustNotContain(t, own, "Ana Lima")
}

// files is a messenger that keeps what the bot sends, files included.
type files struct {
	mu  sync.Mutex
	out map[string][]bot.Reply
}

func (f *files) Platform() bot.Platform { return bot.Console }

func (f *files) Send(_ context.Context, r bot.Reply) (bot.Sent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.out[r.ChatID] = append(f.out[r.ChatID], r)
	return bot.Sent{MessageID: strconv.Itoa(len(f.out[r.ChatID]))}, nil
}

func (f *files) sent(chat string) []bot.Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bot.Reply(nil), f.out[chat]...)
}

func TestExportSendsTheGradebookAsADocument(t *testing.T) {
	s := newStaff(t, "2022-11-30T10:00")
	rec := &files{out: map[string][]bot.Reply{}}
	s.r.bot.Register(rec)
	ctx := context.Background()
	chrisID, err := s.store.AccountOwner(ctx, store.Telegram, strconv.Itoa(chris))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.LinkAccount(ctx, chrisID, store.Account{Platform: store.Console, UserID: "chris", ChatID: "chris", Reachable: true}); err != nil {
		t.Fatal(err)
	}
	ids := []store.ParticipantID{s.enrol(9801, "Ana Lima", locales.ES), s.enrol(9802, "Bo Ek", locales.EN), s.enrol(9803, "Cy Dee", locales.EN)}
	s.answer(ids[0], "week-1", 4)
	s.answer(ids[0], "elective-skills", 5)
	s.answer(ids[1], "week-2", 2)
	s.from(chris, "/essay "+string(ids[0]))
	s.from(chris, "/grade "+string(ids[0])+" 8 25 24 7 Clear")
	say := func(text string) bot.Reply {
		t.Helper()
		before := len(rec.sent("chris"))
		if err := s.r.bot.Handle(ctx, bot.Update{Platform: bot.Console, UserID: "chris", ChatID: "chris", Text: text}); err != nil {
			t.Fatal(err)
		}
		got := rec.sent("chris")
		if len(got) != before+1 {
			t.Fatalf("%s: %d replies", text, len(got)-before)
		}
		return got[before]
	}

	r := say("/export")
	mustContain(t, r.Text, "Grades of 3 participants, for Moodle's gradebook")
	if len(r.Files) != 1 || r.Files[0].Name != "e-lma-2022-grades-2022-11-30.csv" || r.Files[0].Type != "text/csv" || r.Files[0].Photo {
		t.Fatalf("files %+v", r.Files)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Files[0].Data)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("%v: %q", err, rows)
	}
	header := rows[0]
	for _, row := range rows[1:] {
		id := store.ParticipantID(row[2])
		tot := s.totals(id)
		sum := 0
		for i := 4; i < len(header)-2; i++ {
			if header[i] == "final essay feedback" {
				continue
			}
			n, _ := strconv.Atoi(row[i])
			sum += n
		}
		if row[len(row)-2] != strconv.Itoa(tot.Total) || sum != tot.Total || row[0] != "u"+strings.TrimPrefix(row[1], "N-")+"@example.org" {
			t.Errorf("%s: %q; the store's total is %d, the cells add up to %d", id, row, tot.Total, sum)
		}
	}

	r = say("/export participants")
	if len(r.Files) != 1 || r.Files[0].Name != "e-lma-2022-participants-2022-11-30.csv" || !strings.Contains(string(r.Files[0].Data), "R9802,"+string(ids[1])+",Bo Ek,en,SAMM") {
		t.Errorf("participants file %+v", r)
	}
	mustContain(t, say("/export grades idnumber").Text, "identify users by id number")
	mustContain(t, say("/export marks").Text, "Send /export for the grades file")

	// Participants are refused, and sent no file.
	mustContain(t, s.from(9801, "/export"), "solo la coordinación")
	mustContain(t, s.from(9802, "/export participants"), "only course coordinators")
	for _, o := range s.api.Outgoing(9801) {
		if strings.Contains(o.Text, "Moodle") {
			t.Errorf("a participant got %q", o.Text)
		}
	}
}
