package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
)

func runAgenda(_ context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	format := fs.String("format", "ics", "ics or json")
	elective := fs.String("elective", "", "only this elective's sessions (its id, e.g. skills)")
	lang := fs.String("lang", "", "only sessions held in this language (en or es); ics summaries in it")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	c, err := g.loadCourse()
	if err != nil {
		return err
	}
	f := schedule.Filter{Elective: *elective}
	if *elective != "" {
		if _, ok := c.Agenda.Elective(*elective); !ok {
			return fmt.Errorf("--elective: unknown elective %q", *elective)
		}
	}
	if *lang != "" {
		l, ok := locales.ParseLang(*lang)
		if !ok {
			return fmt.Errorf("--lang: %q is not en or es", *lang)
		}
		f.Lang = l
	}
	switch *format {
	case "json":
		return c.Agenda.WriteJSON(g.env.Stdout, f)
	case "ics":
		clock, err := g.clock(c)
		if err != nil {
			return err
		}
		return c.Agenda.WriteICS(g.env.Stdout, f, schedule.ICSOptions{
			CalendarName: c.Title.In(f.Lang), UIDDomain: c.ID + ".elmabot",
			SummaryLang: f.Lang, Stamp: clock.Now(),
		})
	}
	return fmt.Errorf("--format: %q is not ics or json", *format)
}
