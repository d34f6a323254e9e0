package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/schedule"
)

func (h *harness) coordinator(user, name string) {
	h.t.Helper()
	h.say(user, "/register "+name)
	if err := h.store.SetCoordinator(context.Background(), h.participant(user).ID, true); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) evaluationReport() bot.EvaluationReport {
	h.t.Helper()
	rep, ok, err := h.bot.EvaluationReport(context.Background(), true)
	if err != nil || !ok {
		h.t.Fatalf("EvaluationReport: %v, %v", ok, err)
	}
	return rep
}

func (h *harness) evalItem(rep bot.EvaluationReport, id string) bot.EvaluationItem {
	h.t.Helper()
	for _, it := range rep.Questions {
		if it.ID == id {
			return it
		}
	}
	h.t.Fatalf("no question %s in the report", id)
	return bot.EvaluationItem{}
}

// TestEvaluationOnTheConsole: a participant answers every question, the
// ratings with buttons and the open questions by typing (one skipped);
// each answer counts once, a replayed button included, and a coordinator
// reads the results.
func TestEvaluationOnTheConsole(t *testing.T) {
	h := newHarness(t, "2022-12-06T10:00")
	ev := h.course.Evaluation
	h.say("ana", "/register Ana Lima")

	got := h.say("ana", "/evaluation")
	mustContain(t, got, ev.Title.EN, ev.Intro.EN, "10 questions", "(1/10) "+ev.Questions[0].Text.EN, "[1] 1 (lowest)", "[5] 5 (highest)")
	first := bot.SignEvalForTest(h.bot, h.participant("ana").ID, "overall", 4)

	// Seven ratings: 4, then 5 for the rest.
	got = h.say("ana", "4")
	mustContain(t, got, "Noted: 4.", "(2/10) "+ev.Questions[1].Text.EN)
	for i := 1; i < 7; i++ {
		got = h.say("ana", "5")
		mustContain(t, got, "Noted: 5 (highest).", fmt.Sprintf("(%d/10) %s", i+2, ev.Questions[i+1].Text.EN))
	}
	mustContain(t, got, "Type your answer in one message, or tap Skip.", "[1] Skip")

	// The first button again (a replay, or a second press): refused, and
	// the question asked then is not sent again.
	got = h.press("ana", first)
	mustContain(t, got, "already answered this question")
	mustNotContain(t, got, "(8/10)")

	got = h.say("ana", "The weekly forums with other constituents")
	mustContain(t, got, "Thank you, your answer is noted.", "(9/10) "+ev.Questions[8].Text.EN)
	got = h.say("ana", "1") // Skip
	mustContain(t, got, "Skipped.", "(10/10) "+ev.Questions[9].Text.EN)
	got = h.say("ana", "More time for the essay, please")
	mustContain(t, got, "That was the last question")
	mustContain(t, h.say("ana", "/evaluation"), "already answered every question")
	// Answered, the open question waits no more: text is a question again.
	mustNotContain(t, h.say("ana", "Where are the recordings?"), "your answer is noted")

	rep := h.evaluationReport()
	if rep.Respondents != 1 || rep.Completed != 1 {
		t.Errorf("respondents %d, completed %d; want 1 and 1", rep.Respondents, rep.Completed)
	}
	if it := h.evalItem(rep, "overall"); it.Ratings != [5]int{0, 0, 0, 1, 0} {
		t.Errorf("overall ratings %v, want one 4", it.Ratings)
	}
	if it := h.evalItem(rep, "workload"); it.Ratings != [5]int{0, 0, 0, 0, 1} {
		t.Errorf("workload ratings %v, want one 5", it.Ratings)
	}
	useful, apply := h.evalItem(rep, "most-useful"), h.evalItem(rep, "apply")
	if useful.Written != 1 || len(useful.Answers) != 1 || useful.Answers[0].Text != "The weekly forums with other constituents" || apply.Skipped != 1 || apply.Written != 0 {
		t.Errorf("open questions: %+v / %+v", useful, apply)
	}

	// Participants may not read the results; a coordinator may.
	h.say("bob", "/register Bob Smith")
	mustContain(t, h.say("bob", "/evaluation results"), "only course coordinators")
	h.coordinator("carla", "Carla Ruiz")
	got = h.say("carla", "/evaluation results")
	mustContain(t, got, "1 participant has answered (1 answered every question)",
		"1. "+ev.Questions[0].Text.EN, "average 4.0 from 1 rating · 1: 0 · 2: 0 · 3: 0 · 4: 1 · 5: 0",
		"1 written answer, 0 skipped", "“The weekly forums with other constituents” ("+string(h.participant("ana").ID)+", en)",
		"0 written answers, 1 skipped")
	mustContain(t, h.say("carla", "/evaluation answers improve"), "1 answer:", "“More time for the essay, please”")
	mustContain(t, h.say("carla", "/evaluation answers overall"), "no open question \"overall\"", "most-useful, apply, improve")
	mustContain(t, h.say("carla", "/stats"), "Final evaluation: 1 participant has answered (1 completed), average rating 4.9/5")
}

// TestEvaluationInSpanishAndTooLong: the questions come in the
// participant's language, and an answer too long is refused without
// ending the wait.
func TestEvaluationInSpanishAndTooLong(t *testing.T) {
	h := newHarness(t, "2022-12-06T10:00")
	ev := h.course.Evaluation
	h.say("luis", "/register Luis García", "/language es")
	got := h.say("luis", "/evaluation")
	mustContain(t, got, ev.Title.ES, "10 preguntas", "(1/10) "+ev.Questions[0].Text.ES, "[1] 1 (mínimo)")
	for range 7 {
		got = h.say("luis", "3")
	}
	mustContain(t, got, "Anotado: 3.", "(8/10) "+ev.Questions[7].Text.ES, "Escriba su respuesta", "[1] Omitir")
	got = h.say("luis", strings.Repeat("palabra ", 300))
	mustContain(t, got, "2399 caracteres", "no supere los 2000")
	got = h.say("luis", "Los foros semanales")
	mustContain(t, got, "Gracias, su respuesta ha quedado registrada.", "(9/10) "+ev.Questions[8].Text.ES)
	rep := h.evaluationReport()
	if it := h.evalItem(rep, "most-useful"); len(it.Answers) != 1 || it.Answers[0].Lang != "es" || it.Answers[0].Text != "Los foros semanales" {
		t.Errorf("open answers %+v", it.Answers)
	}
}

// TestEvaluationWindow: before it opens and after it closes, answers are
// refused with the dates; a typed answer after the close is refused once,
// then messages go to the support desk again.
func TestEvaluationWindow(t *testing.T) {
	h := newHarness(t, "2022-12-02T12:00")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "/evaluation"), "The final evaluation opens on Mon 5 Dec at 10:00 Turin time.")
	mustContain(t, h.say("ana", "/evaluation please"), "Send /evaluation to answer the final evaluation")

	h.clock.Advance(4 * 24 * time.Hour) // Tue 6 Dec
	h.say("ana", "/evaluation")
	for range 7 {
		h.say("ana", "2")
	}
	late := bot.SignEvalForTest(h.bot, h.participant("ana").ID, "most-useful", 0)
	h.clock.Advance(11 * 24 * time.Hour) // Sat 17 Dec: closed
	mustContain(t, h.press("ana", late), "closed on Fri 16 Dec")
	mustContain(t, h.say("ana", "/evaluation"), "closed on Fri 16 Dec")

	rep := h.evaluationReport()
	if it := h.evalItem(rep, "most-useful"); it.Skipped != 0 || it.Written != 0 {
		t.Errorf("an answer after the close counted: %+v", it)
	}
	if it := h.evalItem(rep, "overall"); it.Ratings != [5]int{0, 1, 0, 0, 0} {
		t.Errorf("overall ratings %v", it.Ratings)
	}
}

// TestEvaluationTypedAfterClose: an open question asked just before the
// close; the answer typed after it is refused, and the next message is a
// question for the support desk again.
func TestEvaluationTypedAfterClose(t *testing.T) {
	h := newHarness(t, "2022-12-16T23:00")
	h.say("ana", "/register Ana Lima", "/evaluation")
	for range 7 {
		h.say("ana", "4")
	}
	h.clock.Advance(2 * time.Hour)
	mustContain(t, h.say("ana", "It was great"), "The final evaluation closed on Fri 16 Dec")
	got := h.say("ana", "Where are the recordings?")
	mustNotContain(t, got, "closed on")
	if rep := h.evaluationReport(); h.evalItem(rep, "most-useful").Written != 0 {
		t.Error("a typed answer after the close counted")
	}
}

// TestEvaluationForgedButtons: another participant's button, an invented
// rating or a skip of a rating question are refused and count nothing.
func TestEvaluationForgedButtons(t *testing.T) {
	h := newHarness(t, "2022-12-06T10:00")
	h.say("ana", "/register Ana Lima")
	h.say("bob", "/register Bob Smith")
	ana, bob := h.participant("ana").ID, h.participant("bob").ID
	for name, data := range map[string]string{
		"someone else's": bot.SignEvalForTest(h.bot, ana, "overall", 5),
		"rating 6":       bot.SignEvalForTest(h.bot, bob, "overall", 6),
		"skip a rating":  bot.SignEvalForTest(h.bot, bob, "overall", 0),
		"rate open":      bot.SignEvalForTest(h.bot, bob, "improve", 3),
		"unknown":        bot.SignEvalForTest(h.bot, bob, "nope", 3),
		"bad mac":        "ev:overall:5:AAAAAAAAAAAAAAAA",
	} {
		mustContain(t, h.press("bob", data), "That button is not valid for you")
		if rep := h.evaluationReport(); rep.Respondents != 0 {
			t.Fatalf("%s button counted: %+v", name, rep)
		}
	}
}

// TestEvaluationInvitation: the wave planned at the opening reaches the
// participants once, not the coordinators nor those who completed it.
func TestEvaluationInvitation(t *testing.T) {
	h := newHarness(t, "2022-12-05T09:00")
	h.coordinator("carla", "Carla Ruiz")
	h.say("ana", "/register Ana Lima")
	var invite schedule.Send
	for _, s := range bot.Plan(h.course) {
		if s.Kind == schedule.EvaluationOpens {
			invite = s
		}
	}
	if !invite.At.Equal(h.course.Evaluation.Opens) || invite.Expires.Sub(invite.At) != 72*time.Hour {
		t.Fatalf("invitation %+v", invite)
	}
	if n, err := h.bot.Audience(context.Background(), invite); err != nil || n != 1 {
		t.Errorf("audience %d, %v; want ana alone", n, err)
	}
	h.clock.Advance(time.Hour)
	p := h.as("ana", "en")
	p.out.Reset()
	stats, err := h.bot.DeliverStats(context.Background(), invite)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 1 || stats.Skipped != 1 {
		t.Errorf("wave %+v, want 1 sent (ana) and 1 skipped (the coordinator)", stats)
	}
	mustContain(t, p.out.String(), "is open until Fri 16 Dec at 23:59 Turin time: 10 short questions", "Send /evaluation to start.")
	// Again (a restart, another replica): nobody hears it twice.
	if stats, err := h.bot.DeliverStats(context.Background(), invite); err != nil || stats.Sent != 1 {
		t.Errorf("second run %+v, %v", stats, err)
	}
}
