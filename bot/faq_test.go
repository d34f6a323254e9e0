package bot_test

import (
	"context"
	"testing"
)

// openQuestions is what the coordinators' /questions would list.
func (h *harness) openQuestions() []string {
	h.t.Helper()
	qs, err := h.store.OpenQuestions(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, q := range qs {
		out = append(out, q.Text)
	}
	return out
}

func TestFAQAnswerOffersAPerson(t *testing.T) {
	h := newHarness(t, "2022-11-21T10:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "When is the essay due?")
	mustContain(t, got, "submission page on the eCampus", "Your final essay is due on Fri 16 Dec at 23:59 Turin time: 25 days 13 hours from now.", "[1] That helped", "[2] Ask a person")
	mustNotContain(t, got, "final essay applies what you learned") // the deadline, not the description
	if qs := h.openQuestions(); len(qs) != 0 {
		t.Fatalf("answered question was passed on before asked: %q", qs)
	}
	mustContain(t, h.say("ana", "1"), "Glad it helped")
	mustContain(t, h.say("ana", "2"), `I passed your question to the coordinators: "When is the essay due?"`)
	// The buttons are still on screen: pressing again stores nothing more.
	mustContain(t, h.say("ana", "2"), "already passed on")
	if qs := h.openQuestions(); len(qs) != 1 || qs[0] != "When is the essay due?" {
		t.Fatalf("open questions %q, want the essay question once", qs)
	}
}

func TestSmallTalkIsNeverPassedOn(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "thanks!"), "You're welcome")
	mustContain(t, h.say("ana", "hi"), "Ask me anything about the course")
	mustContain(t, h.say("ana", "👍"), "Write to me whenever")
	// A button number with no such button, and a quiz option typed out.
	mustContain(t, h.say("ana", "7"), "tap its button")
	mustContain(t, h.say("ana", "In the Director-General's report to the 2014 International Labour Conference"), "tap its button")
	h.say("ana", "/language es")
	mustContain(t, h.say("ana", "gracias"), "De nada")
	mustContain(t, h.say("ana", "ok"), "Escríbame cuando tenga una pregunta")
	if qs := h.openQuestions(); len(qs) != 0 {
		t.Fatalf("small talk reached the coordinators: %q", qs)
	}
}

func TestExtensionRequestGoesToAPerson(t *testing.T) {
	h := newHarness(t, "2022-11-28T10:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "can I get an extension for the essay?")
	mustContain(t, got, "Only the coordinators can grant an extension")
	mustNotContain(t, got, "Ask a person") // it already went to one
	h.say("ana", "/language es")
	mustContain(t, h.say("ana", "necesito una prórroga"), "Solo la coordinación puede conceder una prórroga")
	qs := h.openQuestions()
	if len(qs) != 2 || qs[0] != "can I get an extension for the essay?" || qs[1] != "necesito una prórroga" {
		t.Fatalf("open questions %q, want both extension requests", qs)
	}
}

func TestFAQAnswersWithLiveData(t *testing.T) {
	// Tuesday 25 October: the first plenary was on Monday 24, 15:00-17:00.
	h := newHarness(t, "2022-10-25T10:00")
	h.say("ana", "/register Ana Lima", "/timezone America/Bogota")
	mustContain(t, h.say("ana", "I missed yesterday's webinar, where can I watch it?"),
		"Your latest sessions", "• Global and regional labour migration trends (Mon 24 Oct, 15:00–17:00 Turin time)",
		"https://ecampus.itcilo.org/course/view.php?id=2585")
	mustContain(t, h.say("ana", "when does the course finish?"), "Fri 2 Dec 2022, 38 days from now")
	mustContain(t, h.say("ana", "how many points do i have so far"), "Your total: 0 points", "60")
	// The next session in Bogota time (Turin is UTC+2 until 30 October).
	mustContain(t, h.say("ana", "when is the next webinar?"), "Your next session", "your time (America/Bogota)")
	h.say("ana", "/language es")
	mustContain(t, h.say("ana", "cuando termina el curso"), "vie 2 dic 2022, dentro de 38 días")
}

func TestUnregisteredGetsAnswersButNoButtons(t *testing.T) {
	h := newHarness(t, "2022-10-21T16:00")
	got := h.say("bob", "how many points do I need for the certificate?")
	mustContain(t, got, "From 60 to 119 points")
	mustNotContain(t, got, "Ask a person")
	mustContain(t, h.say("bob", "can I get an extension?"), "Register (/start or /register)")
}
