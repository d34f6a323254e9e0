package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// EvaluationReport is what the final evaluation found, question by
// question in the course's order: for /evaluation results, /stats and
// the course report (charts of Ratings).
type EvaluationReport struct {
	Title       locales.Text
	Respondents int // answered at least one question
	Completed   int // answered or skipped every question
	Questions   []EvaluationItem
}

// EvaluationItem is one question's results.
type EvaluationItem struct {
	ID   string
	Kind course.EvalKind
	Text locales.Text
	// Scale labels the points of a rating question, 1 first.
	Scale []locales.Text
	// Ratings counts who chose each point: Ratings[0] chose 1.
	Ratings [store.RatingScale]int
	// Written and Skipped count an open question's answers; Answers
	// holds them, oldest first, when the texts were read.
	Written, Skipped int
	Answers          []store.OpenAnswer
}

// Votes is how many rated the question.
func (it *EvaluationItem) Votes() int {
	n := 0
	for _, c := range it.Ratings {
		n += c
	}
	return n
}

// Average is the mean rating; ok is false without votes.
func (it *EvaluationItem) Average() (avg float64, ok bool) {
	sum := 0
	for i, c := range it.Ratings {
		sum += (i + 1) * c
	}
	if n := it.Votes(); n > 0 {
		return float64(sum) / float64(n), true
	}
	return 0, false
}

// NewEvaluationReport lays the store's results over the questionnaire:
// answers to questions no longer in the course files are left out.
func NewEvaluationReport(ev *course.Evaluation, res store.EvaluationResults) EvaluationReport {
	rep := EvaluationReport{Title: ev.Title, Respondents: res.Respondents, Completed: res.Completed}
	for _, q := range ev.Questions {
		rep.Questions = append(rep.Questions, EvaluationItem{
			ID: q.ID, Kind: q.Kind, Text: q.Text, Scale: ev.Scale,
			Ratings: res.Ratings[q.ID], Written: res.Written[q.ID], Skipped: res.Skipped[q.ID],
			Answers: res.Open[q.ID],
		})
	}
	return rep
}

// EvaluationReport reads the results of the course's evaluation, with
// the typed answers when texts is set (counts alone are one round trip).
// ok is false when the course has no evaluation.
func (b *Bot) EvaluationReport(ctx context.Context, texts bool) (rep EvaluationReport, ok bool, err error) {
	ev := b.Course().Evaluation
	if ev == nil {
		return EvaluationReport{}, false, nil
	}
	var res store.EvaluationResults
	if texts {
		res, err = b.cfg.Store.EvaluationResults(ctx)
	} else {
		res.EvaluationCounts, err = b.cfg.Store.EvaluationCounts(ctx)
	}
	if err != nil {
		return EvaluationReport{}, true, err
	}
	return NewEvaluationReport(ev, res), true, nil
}

// The store counts as many points as the course's scale has: a change
// to one must be made to the other (this fails to compile otherwise).
var (
	_ [course.ScaleSize - store.RatingScale]struct{}
	_ [store.RatingScale - course.ScaleSize]struct{}
)

// shownAnswers is how many typed answers per question /evaluation
// results shows: the latest; /evaluation answers <id> lists them all.
const shownAnswers = 3

// evaluationResults answers "/evaluation results" for a coordinator.
func (r *request) evaluationResults() error {
	rep, _, err := r.b.EvaluationReport(r.ctx, true)
	if err != nil {
		return err
	}
	pr := r.pr
	lines := []string{pr.N("evaluation_results_header", rep.Respondents, "Title", rep.Title.In(pr.Lang), "Completed", rep.Completed)}
	for i := range rep.Questions {
		lines = append(lines, r.renderEvalItem(i, &rep.Questions[i])...)
	}
	return r.say(strings.Join(lines, "\n"))
}

// renderEvalItem is one question's lines: a rating's average and the
// count of each point, or an open question's counts and latest answers.
func (r *request) renderEvalItem(i int, it *EvaluationItem) []string {
	pr := r.pr
	head := fmt.Sprintf("%d. %s", i+1, it.Text.In(pr.Lang))
	if it.Kind == course.RatingQuestion {
		avg, ok := it.Average()
		if !ok {
			return []string{head, "   " + pr.T("evaluation_results_no_votes")}
		}
		points := make([]string, len(it.Ratings))
		for p, c := range it.Ratings {
			points[p] = fmt.Sprintf("%d: %d", p+1, c)
		}
		return []string{head, "   " + pr.N("evaluation_results_rating", it.Votes(), "Average", fmt.Sprintf("%.1f", avg), "Points", strings.Join(points, " · "))}
	}
	lines := []string{head, "   " + pr.N("evaluation_results_open", it.Written, "Skipped", it.Skipped)}
	latest := it.Answers[max(0, len(it.Answers)-shownAnswers):]
	for _, a := range latest {
		lines = append(lines, openAnswerLine(a))
	}
	if more := len(it.Answers) - len(latest); more > 0 {
		lines = append(lines, "   "+pr.N("evaluation_results_more", more, "ID", it.ID))
	}
	return lines
}

// openAnswerLine shows a typed answer with who wrote it and in which
// language (the participant's id: /find tells who that is).
func openAnswerLine(a store.OpenAnswer) string {
	return fmt.Sprintf("   • “%s” (%s, %s)", a.Text, a.Participant, a.Lang)
}

// evaluationAnswers lists every typed answer to open question id.
func (r *request) evaluationAnswers(ev *course.Evaluation, id string) error {
	q, _, ok := ev.Question(id)
	if !ok || q.Kind != course.OpenQuestion {
		var open []string
		for _, q := range ev.Questions {
			if q.Kind == course.OpenQuestion {
				open = append(open, q.ID)
			}
		}
		return r.say(r.pr.T("evaluation_answers_unknown", "ID", id, "IDs", strings.Join(open, ", ")))
	}
	res, err := r.b.cfg.Store.EvaluationResults(r.ctx)
	if err != nil {
		return err
	}
	answers := res.Open[id]
	lines := []string{r.pr.N("evaluation_answers_header", len(answers), "Question", q.Text.In(r.pr.Lang))}
	for _, a := range answers {
		lines = append(lines, openAnswerLine(a))
	}
	return r.say(strings.Join(lines, "\n"))
}

// evaluationStatsLine sums the evaluation up for /stats: "" when the
// course has none or nobody has answered yet.
func evaluationStatsLine(pr *locales.Printer, rep *EvaluationReport) string {
	if rep == nil || rep.Respondents == 0 {
		return ""
	}
	votes, sum := 0, 0.0
	for i := range rep.Questions {
		if avg, ok := rep.Questions[i].Average(); ok {
			n := rep.Questions[i].Votes()
			votes += n
			sum += avg * float64(n)
		}
	}
	average := "-"
	if votes > 0 {
		average = fmt.Sprintf("%.1f", sum/float64(votes))
	}
	return pr.N("stats_evaluation", rep.Respondents, "Completed", rep.Completed, "Average", average)
}
