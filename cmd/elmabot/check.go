package main

import (
	"context"
	"flag"
	"fmt"
)

func runCheck(_ context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "%s: ok: %d sessions, %d electives, %d quizzes (%d questions), %d FAQ entries\n",
		c.ID, len(c.Agenda.Events), len(c.Agenda.Electives), len(c.Bank.Quizzes), countQuestions(c), len(c.FAQ))
	return nil
}
