package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/quiz/moodle"
)

// importFlags describe the quiz an export becomes.
type importFlags struct {
	lang, id, kind, elective, titleEN, titleES, opens, closes, out string
	week, points                                                   int
}

func (f *importFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.lang, "lang", "en", "language of the export's text without multilang markup (en or es)")
	fs.StringVar(&f.id, "id", "", "quiz id, e.g. week-3 or elective-skills (required)")
	fs.StringVar(&f.kind, "kind", "weekly", "weekly or elective")
	fs.IntVar(&f.week, "week", 0, "course week of a weekly quiz")
	fs.StringVar(&f.elective, "elective", "", "elective id of an elective quiz")
	fs.IntVar(&f.points, "points", 5, "the quiz's points, shared equally by its questions")
	fs.StringVar(&f.titleEN, "title-en", "", "English title")
	fs.StringVar(&f.titleES, "title-es", "", "Spanish title")
	fs.StringVar(&f.opens, "opens", "", "opening wall time in the course's zone, e.g. 2022-10-21T15:00 (required)")
	fs.StringVar(&f.closes, "closes", "", "closing wall time (required)")
	fs.StringVar(&f.out, "out", "", "write the quiz file here instead of stdout")
}

// runImport converts a Moodle GIFT or XML export into a quiz file and
// reports, on stderr, every question it could not convert.
func runImport(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	var f importFlags
	f.register(fs)
	rest, err := parseFlags(fs, args, 1)
	if err != nil {
		return err
	}
	if len(rest) != 1 || f.id == "" || f.opens == "" || f.closes == "" {
		fmt.Fprintln(g.env.Stderr, "usage: elmabot import --id ID --opens TIME --closes TIME [flags] EXPORT.gift|EXPORT.xml")
		return errUsage
	}
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	res, err := parseExport(ctx, rest[0], f.lang)
	if ctx.Err() != nil {
		// Interrupted (SIGINT or SIGTERM): nothing is written.
		if err == nil {
			err = context.Cause(ctx)
		}
		return fmt.Errorf("import interrupted, no quiz written: %w", err)
	}
	if err != nil {
		return err
	}
	q, err := f.quiz(c, res.Questions)
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(g.env.Stderr, "%s:%d: skipped %q: %s\n", rest[0], s.Line, s.Name, s.Reason)
	}
	if err := f.write(g.env.Stdout, q, c); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stderr, "imported %d questions, skipped %d; fill in any missing translation, then run elmabot check\n", len(q.Questions), len(res.Skipped))
	return nil
}

func parseExport(ctx context.Context, path, lang string) (moodle.Result, error) {
	l, ok := locales.ParseLang(lang)
	if !ok {
		return moodle.Result{}, fmt.Errorf("--lang: %q is not en or es", lang)
	}
	file, err := os.Open(path)
	if err != nil {
		return moodle.Result{}, err
	}
	defer file.Close()
	return moodle.ParseContext(ctx, path, file, l)
}

// quiz builds the quiz, sharing its points equally between questions.
func (f *importFlags) quiz(c *course.Course, qs []quiz.Question) (*quiz.Quiz, error) {
	if len(qs) == 0 {
		return nil, fmt.Errorf("the export holds no question that can be imported")
	}
	if f.points <= 0 || f.points%len(qs) != 0 {
		return nil, fmt.Errorf("--points %d cannot be shared equally by %d questions", f.points, len(qs))
	}
	opens, err := parseInstant(f.opens, c.Location)
	if err != nil {
		return nil, fmt.Errorf("--opens: %w", err)
	}
	closes, err := parseInstant(f.closes, c.Location)
	if err != nil {
		return nil, fmt.Errorf("--closes: %w", err)
	}
	q := &quiz.Quiz{
		ID: quiz.ID(f.id), Kind: quiz.Kind(f.kind), Week: f.week, Elective: f.elective,
		Title:  locales.Text{EN: f.titleEN, ES: f.titleES},
		Points: f.points, Opens: opens, Closes: closes, Questions: qs,
	}
	for i := range q.Questions {
		q.Questions[i].Points = f.points / len(qs)
	}
	return q, nil
}

func (f *importFlags) write(stdout io.Writer, q *quiz.Quiz, c *course.Course) error {
	if f.out == "" {
		return course.WriteQuiz(stdout, q, c.Location)
	}
	file, err := os.Create(f.out)
	if err != nil {
		return err
	}
	if err := course.WriteQuiz(file, q, c.Location); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
