package bot

import (
	"fmt"
	"strings"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// cmdReview shows a finished or closed quiz question by question: the
// participant's answer, the right one and the explanation. "/review"
// alone lists the quizzes there are to review.
func (r *request) cmdReview(arg string) error {
	answers, err := r.b.cfg.Store.AllAnswers(r.ctx, r.p.ID)
	if err != nil {
		return err
	}
	if arg = strings.TrimSpace(arg); arg != "" {
		return r.review(quiz.ID(arg), answers[quiz.ID(arg)])
	}
	t, err := r.terms()
	if err != nil {
		return err
	}
	var rows [][]Button
	bank := t.bank
	for i := range bank.Quizzes {
		q := &bank.Quizzes[i]
		if r.reviewable(q, answers[q.ID]) && len(answers[q.ID]) > 0 {
			rows = append(rows, []Button{{Label: q.Title.In(r.pr.Lang), Data: "rv:" + string(q.ID)}})
		}
	}
	if len(rows) == 0 {
		return r.say(r.pr.T("review_none"))
	}
	return r.say(r.pr.T("review_pick"), rows...)
}

// reviewable: the right answers are shown only once they can no longer
// help the participant with the quiz: they finished it, or it closed for
// them (q is the quiz as extended for them).
func (r *request) reviewable(q *quiz.Quiz, answers map[string]store.StoredAnswer) bool {
	return len(answers) >= len(q.Questions) || q.ClosedAt(r.now)
}

func (r *request) review(id quiz.ID, answers map[string]store.StoredAnswer) error {
	q, ok, err := r.quizFor(id)
	if err != nil {
		return err
	}
	if !ok {
		return r.say(r.pr.T("quiz_unknown", "ID", string(id)))
	}
	if !r.reviewable(q, answers) {
		return r.say(r.pr.T("review_not_yet", "Title", q.Title.In(r.pr.Lang), "Done", len(answers), "Count", len(q.Questions)))
	}
	parts := []string{r.pr.T("review_header", "Title", q.Title.In(r.pr.Lang))}
	for i := range q.Questions {
		parts = append(parts, r.reviewQuestion(q, i, answers))
	}
	return r.say(strings.Join(parts, "\n\n"))
}

// reviewQuestion renders question i with the participant's answer.
func (r *request) reviewQuestion(q *quiz.Quiz, i int, answers map[string]store.StoredAnswer) string {
	qu := &q.Questions[i]
	lang := r.pr.Lang
	lines := []string{fmt.Sprintf("(%d/%d) %s", i+1, len(q.Questions), qu.Text.In(lang))}
	a, answered := answers[qu.ID]
	switch {
	case !answered:
		lines = append(lines, r.pr.T("review_unanswered"))
	case a.Option >= 0 && a.Option < len(qu.Options) && a.Correct:
		lines = append(lines, "✓ "+r.pr.T("review_yours", "Option", qu.Options[a.Option].In(lang)))
	case a.Option >= 0 && a.Option < len(qu.Options):
		lines = append(lines, "✗ "+r.pr.T("review_yours", "Option", qu.Options[a.Option].In(lang)))
	}
	if !answered || !a.Correct {
		lines = append(lines, r.pr.T("review_right", "Option", qu.Options[qu.Correct].In(lang)))
	}
	if e := qu.Explanation.In(lang); e != "" {
		lines = append(lines, e)
	}
	return strings.Join(lines, "\n")
}
