package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
)

func plan(c *course.Course) []schedule.Send { return bot.Plan(c) }

// previewRow is one planned send as the preview shows it.
type previewRow struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	AtUTC    string   `json:"at_utc"`
	AtLocal  string   `json:"at_local"`
	Session  string   `json:"session,omitempty"`
	Offset   string   `json:"offset,omitempty"`
	Quizzes  []string `json:"quizzes,omitempty"`
	Audience string   `json:"audience"`
}

// runReminders previews every send planned in a window.
func runReminders(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	from := fs.String("from", "", "start of the window (default: the course start)")
	to := fs.String("to", "", "end of the window (default: the course end + 1 week)")
	format := fs.String("format", "text", "text or json")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	lo, hi := c.Start, c.End.Add(7*24*time.Hour)
	if *from != "" {
		if lo, err = parseInstant(*from, c.Location); err != nil {
			return fmt.Errorf("--from: %w", err)
		}
	}
	if *to != "" {
		if hi, err = parseInstant(*to, c.Location); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	count, done, err := g.audienceCounter(ctx)
	if err != nil {
		return err
	}
	defer done()
	sends := schedule.Between(plan(c), lo, hi)
	var counts []int
	if count != nil {
		// One pass over the participants counts every send's recipients.
		if counts, err = count(ctx, sends); err != nil {
			return err
		}
	}
	var rows []previewRow
	for i, s := range sends {
		row := previewOf(c, s)
		if counts != nil {
			row.Audience = fmt.Sprintf("%d: %s", counts[i], row.Audience)
		}
		rows = append(rows, row)
	}
	if *format == "json" {
		enc := json.NewEncoder(g.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	for _, r := range rows {
		fmt.Fprintf(g.env.Stdout, "%s  %s  %-10s %-34s %s\n", r.AtUTC, r.AtLocal, r.Kind, r.ID, r.Audience)
	}
	fmt.Fprintf(g.env.Stdout, "%d sends planned\n", len(rows))
	return nil
}

func previewOf(c *course.Course, s schedule.Send) previewRow {
	r := previewRow{
		ID: s.ID, Kind: string(s.Kind),
		AtUTC: s.At.UTC().Format(time.RFC3339), AtLocal: s.At.In(c.Location).Format(time.RFC3339),
		Audience: "everyone with reminders on",
	}
	if s.Event != nil {
		r.Session, r.Offset = s.Event.ID, s.Offset.String()
		if s.Event.Elective != "" {
			r.Audience = "followers of " + s.Event.Elective
		}
	}
	for _, q := range s.Quizzes {
		r.Quizzes = append(r.Quizzes, string(q.ID))
	}
	if s.Kind == schedule.QuizOpens && s.Quizzes[0].Elective != "" {
		r.Audience = "followers of " + s.Quizzes[0].Elective
	}
	switch s.Kind {
	case schedule.Digest:
		r.Audience = "those who chose the morning digest"
		if c.Reminders.NoChoiceGetsAll {
			r.Audience += ", and those who chose no elective (its elective sessions)"
		}
		r.Audience += "; at " + schedule.FormatClock(s.Local) + " in each one's zone"
	case schedule.QuizNudge:
		r.Audience = "those who have not finished these quizzes, at " + schedule.FormatClock(s.Local) + " on the day before, in each one's zone"
	case schedule.CourseSummary:
		r.Audience = "everyone, at " + schedule.FormatClock(s.Local) + " in each one's zone"
	case schedule.EvaluationOpens:
		r.Audience = "participants who have not completed the evaluation"
	}
	return r
}

// audienceCounter counts real recipients when REDIS_URL names the bot's
// store; without it the preview describes audiences instead.
func (g *globals) audienceCounter(ctx context.Context) (func(context.Context, []schedule.Send) ([]int, error), func(), error) {
	if g.env.Getenv("REDIS_URL") == "" {
		return nil, func() {}, nil
	}
	d, err := g.wire(ctx, slog.New(slog.DiscardHandler), false)
	if err != nil {
		return nil, nil, err
	}
	return d.bot.Audiences, d.Close, nil
}
