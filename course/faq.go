package course

import (
	"slices"
	"strings"

	"github.com/elmabot/elmabot/locales"
)

// FAQKind says what the bot does with a matched entry.
type FAQKind string

const (
	// KindAnswer: say the answer, with "That helped" / "Ask a person".
	KindAnswer FAQKind = "answer"
	// KindHuman: say the answer and pass the question to the
	// coordinators; for requests only a person may grant (extensions).
	KindHuman FAQKind = "human"
	// KindSmallTalk: greetings and thanks; answered, never passed on.
	KindSmallTalk FAQKind = "smalltalk"
)

// LiveKind names live data the bot adds after an entry's answer.
type LiveKind string

const (
	LiveNone        LiveKind = ""
	LiveNextSession LiveKind = "next-session"   // the next session for this participant, in their zone
	LiveProgress    LiveKind = "progress"       // the participant's points and certificate standing
	LiveRecordings  LiveKind = "recordings"     // the sessions held lately, whose recordings they may be after
	LiveCourseEnd   LiveKind = "course-end"     // the last day, and how far away it is
	LiveEssayDue    LiveKind = "essay-deadline" // the participant's essay deadline, extensions included
)

func faqKinds() []FAQKind { return []FAQKind{KindAnswer, KindHuman, KindSmallTalk} }

func liveKinds() []LiveKind {
	return []LiveKind{LiveNone, LiveNextSession, LiveProgress, LiveRecordings, LiveCourseEnd, LiveEssayDue}
}

func (l *loader) faq(ff *faqFile) []FAQEntry {
	seen := l.newIDs(faqName, "FAQ entry")
	var out []FAQEntry
	for _, e := range ff.Entries {
		seen.add(e.ID, e.Line)
		out = append(out, l.faqEntry(e))
	}
	if len(out) == 0 {
		l.probs.Add(l.name(faqName), int(ff.Line), "no FAQ entries")
	}
	return out
}

func (l *loader) faqEntry(e faqEntryFile) FAQEntry {
	what := "FAQ " + e.ID
	entry := FAQEntry{
		ID:       e.ID,
		Kind:     FAQKind(e.Kind),
		Live:     LiveKind(e.Live),
		Question: l.text(faqName, e.Line, e.Question, what+" question"),
		Answer:   l.text(faqName, e.Line, e.Answer, what+" answer"),
		Keywords: map[locales.Lang][]string{
			locales.EN: lowerAll(e.Keywords.EN),
			locales.ES: lowerAll(e.Keywords.ES),
		},
		Examples: map[locales.Lang][]string{
			locales.EN: trimAll(e.Examples.EN),
			locales.ES: trimAll(e.Examples.ES),
		},
	}
	if entry.Kind == "" {
		entry.Kind = KindAnswer
	}
	if !slices.Contains(faqKinds(), entry.Kind) {
		l.probs.Add(l.name(faqName), int(e.Line), "%s: unknown kind %q (use answer, human or smalltalk)", what, e.Kind)
	}
	if !slices.Contains(liveKinds(), entry.Live) {
		l.probs.Add(l.name(faqName), int(e.Line), "%s: unknown live data %q (use next-session, progress, recordings, course-end or essay-deadline)", what, e.Live)
	}
	for _, lang := range locales.Langs() {
		if len(entry.Keywords[lang]) == 0 {
			l.probs.Add(l.name(faqName), int(e.Line), "%s: no %s keywords", what, lang)
		}
	}
	return entry
}

func lowerAll(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func trimAll(texts []string) []string {
	out := make([]string, 0, len(texts))
	for _, t := range texts {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// buttonLabels are the texts of the buttons the course puts under its
// messages, in both languages: quiz options and elective titles. Someone
// who types one meant to press it.
func buttonLabels(c *Course) []string {
	var out []string
	for _, q := range c.Bank.Quizzes {
		for _, question := range q.Questions {
			for _, o := range question.Options {
				out = append(out, o.EN, o.ES)
			}
		}
	}
	for _, e := range c.Agenda.Electives {
		out = append(out, e.Title.EN, e.Title.ES)
	}
	return out
}
