// Package gradebook turns what the store holds on each participant into
// files: the grades CSV that Moodle's gradebook imports, and the roster
// with codes, platforms and certificates for the coordinators'
// spreadsheets. Both are written a page of participants at a time, so a
// course of any size is exported in bounded memory.
package gradebook

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// FormulaLeads are the characters with which a spreadsheet takes a cell
// for a formula (and runs it: =HYPERLINK, =cmd|...).
const FormulaLeads = "=+-@\t\r"

// SafeCell neutralises a formula-like cell with a leading quote, which
// spreadsheets show as text.
func SafeCell(s string) string {
	if s != "" && strings.IndexByte(FormulaLeads, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// Standing is what the course's rules need to know of one participant.
func Standing(t store.Totals, e store.EssayState, answers map[quiz.ID]map[string]store.StoredAnswer) quiz.Standing {
	s := quiz.Standing{
		Weekly: t.Weekly, Elective: t.Elective, Essay: t.Essay,
		EssaySubmitted: e.Submitted, EssayGraded: e.Grade != nil,
		Answered: map[quiz.ID]map[string]bool{},
	}
	for qid, qs := range answers {
		s.Answered[qid] = map[string]bool{}
		for question := range qs {
			s.Answered[qid][question] = true
		}
	}
	return s
}

// QuizScore is how a participant did in one quiz.
type QuizScore struct {
	Points   int // earned by right answers
	Answered int // questions answered, right or wrong
}

// Scores sums each quiz's points from the right answers, as the bank
// values its questions; quizzes without answers are absent.
func Scores(bank *quiz.Bank, answers map[quiz.ID]map[string]store.StoredAnswer) map[quiz.ID]QuizScore {
	out := map[quiz.ID]QuizScore{}
	for qid, qs := range answers {
		q, ok := bank.Quiz(qid)
		if !ok {
			continue
		}
		s := QuizScore{Answered: len(qs)}
		for question, a := range qs {
			if qu, ok := q.Question(question); ok && a.Correct {
				s.Points += qu.Points
			}
		}
		out[qid] = s
	}
	return out
}

// NewGrade reads one score per rubric part, in rubric order, each a
// whole number within the part's maximum. By and At are left to the
// caller.
func NewGrade(scores []string, note string, rubric []quiz.RubricPart) (store.Grade, error) {
	if len(scores) != len(rubric) {
		return store.Grade{}, fmt.Errorf("%d scores for %d rubric parts", len(scores), len(rubric))
	}
	g := store.Grade{Parts: map[string]int{}, Note: strings.TrimSpace(note)}
	for i, part := range rubric {
		n, err := strconv.Atoi(strings.TrimSpace(scores[i]))
		if err != nil || n < 0 || n > part.Max {
			return store.Grade{}, fmt.Errorf("%s: %q is not a whole number from 0 to %d", part.ID, scores[i], part.Max)
		}
		g.Parts[part.ID] = n
		g.Total += n
	}
	return g, nil
}

// SameGrade reports whether b gives what a gave: the same scores and note.
func SameGrade(a, b store.Grade) bool {
	return a.Total == b.Total && a.Note == b.Note && maps.Equal(a.Parts, b.Parts)
}
