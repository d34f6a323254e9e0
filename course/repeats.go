package course

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// RepeatThreshold is the similarity from which two questions of different
// quizzes are reported as near repeats. Questions on one topic share a
// few terms ("migrant", "Convention"); at 0.5 half of the two questions'
// combined vocabulary is common, which in the shipped course only
// happens when one question asks the other's fact again.
const RepeatThreshold = 0.5

// source is where a question was declared, for warnings found after load.
type source struct {
	file string
	line int
}

func sourceKey(quizID quiz.ID, question string) string {
	return string(quizID) + "\x00" + question
}

// Warnings lists what is allowed but probably unintended: today, questions
// that nearly repeat a question of another quiz. A participant taking both
// quizzes would answer the same thing twice. Each warning is located at
// the later question in bank order (weekly quizzes first), the one an
// editor would rewrite.
func (c *Course) Warnings() []Problem {
	type entry struct {
		quiz  quiz.ID
		q     quiz.Question
		words [2]map[string]bool // en, es
	}
	var seen []entry
	var out Problems
	for _, qz := range c.Bank.Quizzes {
		for _, q := range qz.Questions {
			e := entry{quiz: qz.ID, q: q, words: [2]map[string]bool{
				stems(asked(q, locales.EN)), stems(asked(q, locales.ES)),
			}}
			for _, prev := range seen {
				if prev.quiz == qz.ID {
					continue
				}
				sim := max(jaccard(e.words[0], prev.words[0]), jaccard(e.words[1], prev.words[1]))
				if sim >= RepeatThreshold {
					src := c.sources[sourceKey(qz.ID, q.ID)]
					out.Add(src.file, src.line, "warning: question %s nearly repeats quiz %s question %s (similarity %.2f)",
						q.ID, prev.quiz, prev.q.ID, sim)
				}
			}
			seen = append(seen, e)
		}
	}
	out.sort()
	return out.List
}

// asked is what a question tests: its text and its right answer. The
// text alone misses a repeat worded differently ("What does article 9
// guarantee?" against "Article 9 grants equal treatment in what?"),
// while the pair of question and answer carries the fact itself.
func asked(q quiz.Question, lang locales.Lang) string {
	s := q.Text.In(lang)
	if q.Correct >= 0 && q.Correct < len(q.Options) {
		s += " " + q.Options[q.Correct].In(lang)
	}
	return s
}

// stems folds case and accents, drops short words (mostly articles and
// prepositions in both languages) and cuts each word to its first five
// letters: a crude stemmer, but one that treats "regularized" and
// "regularization", "trabajador" and "trabajadores" alike, in English and
// Spanish without a dictionary.
func stems(s string) map[string]bool {
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		folded = s
	}
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(folded), notWordRune) {
		r := []rune(w)
		if len(r) < 4 && !unicode.IsDigit(r[0]) {
			continue
		}
		if len(r) > 5 {
			r = r[:5]
		}
		out[string(r)] = true
	}
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// jaccard is the share of words common to a and b among all their words.
func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for w := range a {
		if b[w] {
			common++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
