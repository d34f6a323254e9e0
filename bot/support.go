package bot

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
)

func (r *request) cmdHelp(string) error {
	c := r.course()
	text := r.pr.T("help_header", "Course", c.Title.In(r.pr.Lang)) + "\n\n" +
		strings.Join(r.helpLines(), "\n") + "\n\n" +
		r.pr.T("help_footer", "ECampus", c.ECampus)
	return r.say(text)
}

// freeText answers a question from the FAQ, or passes it on to the
// coordinators when nothing matches.
func (r *request) freeText() error {
	if entry, ok := matchFAQ(r.course().FAQ, r.u.Text, r.pr.Lang); ok {
		return r.say(entry.Answer.In(r.pr.Lang))
	}
	if r.p == nil {
		return r.say(r.pr.T("faq_no_match_unregistered"))
	}
	return r.passOn(r.u.Text, "faq_no_match")
}

// cmdHuman passes a message straight to the coordinators.
func (r *request) cmdHuman(msg string) error {
	if strings.TrimSpace(msg) == "" {
		return r.say(r.pr.T("human_usage"))
	}
	return r.passOn(msg, "human_sent")
}

// passOn keeps a question for the coordinators and confirms with msgID.
func (r *request) passOn(text, msgID string) error {
	const maxLen = 2000
	if len(text) > maxLen {
		text = text[:maxLen]
	}
	if _, err := r.b.cfg.Store.SaveQuestion(r.ctx, r.p.ID, string(r.pr.Lang), text, r.now, r.u.ID); err != nil {
		return err
	}
	return r.say(r.pr.T(msgID, "Contact", r.course().Contact.In(r.pr.Lang)))
}

// cmdQuestions lists the open support questions (coordinators only).
func (r *request) cmdQuestions(string) error {
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return r.say(r.pr.T("questions_none"))
	}
	lines := []string{r.pr.N("questions_header", len(qs))}
	for _, q := range qs {
		when := q.At.In(r.zone())
		lines = append(lines, fmt.Sprintf("#%s · %s %s · %s (%s)\n%s", q.ID, r.pr.Date(when), r.pr.Clock(when), q.Participant, q.Lang, q.Text))
	}
	return r.say(strings.Join(lines, "\n\n"))
}

// matchFAQ scores each entry by the keywords found in text (in the
// participant's language first, then the other) and returns the best.
func matchFAQ(entries []course.FAQEntry, text string, lang locales.Lang) (course.FAQEntry, bool) {
	norm := " " + fold(text) + " "
	best, bestScore := course.FAQEntry{}, 0
	for _, e := range entries {
		score := 0
		for _, l := range locales.Langs() {
			weight := 1
			if l == lang {
				weight = 2
			}
			for _, kw := range e.Keywords[l] {
				if strings.Contains(norm, " "+fold(kw)) {
					score += weight * len(strings.Fields(kw))
				}
			}
		}
		if score > bestScore {
			best, bestScore = e, score
		}
	}
	return best, bestScore > 0
}

// fold lowercases, strips accents and turns punctuation into spaces, so
// "¿Cómo obtengo el certificado?" matches the keyword "certificado".
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(out), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsNumber(c)
	}), " ")
}
