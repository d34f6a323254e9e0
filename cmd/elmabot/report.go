package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// reportFile is the report's Markdown, written beside its charts.
const reportFile = "learning-analytics.md"

// runReport writes the course's learning analytics (the activity
// report's section 6) from the live data in REDIS_URL: Markdown and
// the PNG charts it shows, into --out.
func runReport(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "folder to write "+reportFile+" and its charts into (created if missing)")
	langFlag := fs.String("lang", "en", "language of the report: en or es")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	lang, ok := locales.ParseLang(*langFlag)
	if *out == "" || !ok {
		fmt.Fprintln(fs.Output(), "usage: elmabot report --out DIR [--lang en|es]")
		return errUsage
	}
	url, c, clock, err := g.liveCourse()
	if err != nil {
		return err
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url, store.WithTimeout(30*time.Second))
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := bot.BuildReport(ctx, st, c, cat.Printer(lang), clock.Now())
	if err != nil {
		return err
	}
	return writeReport(g, *out, r)
}

// writeReport puts the Markdown and its charts into dir.
func writeReport(g *globals, dir string, r bot.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range r.Charts {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	path := filepath.Join(dir, reportFile)
	if err := os.WriteFile(path, []byte(r.Markdown), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "wrote %s and %d charts\n", path, len(r.Charts))
	return nil
}

// liveCourse is what a command working on the bot's Redis as of --now
// needs: REDIS_URL, the course and the clock.
func (g *globals) liveCourse() (string, *course.Course, schedule.Clock, error) {
	url := g.env.Getenv("REDIS_URL")
	if url == "" {
		return "", nil, nil, errors.New("REDIS_URL is not set (e.g. redis://localhost:6379/0)")
	}
	c, err := g.loadCourse()
	if err != nil {
		return "", nil, nil, err
	}
	clock, err := g.clock(c)
	return url, c, clock, err
}
