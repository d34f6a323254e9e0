package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

func runCheck(_ context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	if err := storageCodes(c); err != nil {
		return err
	}
	// Warnings do not fail the check: the course loads and runs as it is.
	warnings := c.Warnings()
	for _, w := range warnings {
		fmt.Fprintln(g.env.Stdout, w)
	}
	fmt.Fprintf(g.env.Stdout, "%s: ok: %d sessions, %d electives, %d quizzes (%d questions), %d FAQ entries%s\n",
		c.ID, len(c.Agenda.Events), len(c.Agenda.Electives), len(c.Bank.Quizzes), countQuestions(c), len(c.FAQ), evaluationSummary(c))
	if len(warnings) > 0 {
		fmt.Fprintf(g.env.Stdout, "%d warning(s)\n", len(warnings))
	}
	return nil
}

// storageCodes checks that no two quizzes share the short code the store
// keeps answers under; the course files cannot see that, so check does.
func storageCodes(c *course.Course) error {
	seen := map[string]quiz.ID{}
	for _, q := range c.Bank.Quizzes {
		code := store.QuizCode(q.ID)
		if other, dup := seen[code]; dup {
			return fmt.Errorf("quizzes %s and %s share the storage code %q: rename one of them", other, q.ID, code)
		}
		seen[code] = q.ID
	}
	return nil
}

// evaluationSummary describes the final questionnaire for check's line.
func evaluationSummary(c *course.Course) string {
	e := c.Evaluation
	if e == nil {
		return ", no final evaluation"
	}
	rated := 0
	for _, q := range e.Questions {
		if q.Kind == course.RatingQuestion {
			rated++
		}
	}
	return fmt.Sprintf(", a final evaluation of %d questions (%d rated, %d open)", len(e.Questions), rated, len(e.Questions)-rated)
}
