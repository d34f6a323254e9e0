package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/elmabot/elmabot/bot/console"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
)

// runConsole is the bot in a terminal: no token, and no Redis unless
// REDIS_URL is set.
func runConsole(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	user := fs.String("user", "you", "who is speaking (the console account id)")
	lang := fs.String("lang", "en", "the language your 'device' reports (en or es); the bot starts in it")
	files := fs.String("files", "", "where files the bot sends (exports, charts, calendars) are written; default: a new temporary directory")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	if *lang != "en" && *lang != "es" {
		fmt.Fprintf(g.env.Stderr, "elmabot console: --lang %q: en or es\n", *lang)
		return errUsage
	}
	if st, err := os.Stat(*files); *files != "" && (err != nil || !st.IsDir()) {
		fmt.Fprintf(g.env.Stderr, "elmabot console: --files %q: not a directory\n", *files)
		return errUsage
	}
	// Errors only: a console started with --now inside the course would
	// otherwise open with warnings about the sends "missed" before it.
	log := slog.New(slog.NewTextHandler(g.env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	d, err := g.wire(ctx, log, true)
	if err != nil {
		return err
	}
	defer d.Close()
	a := console.New(g.env.Stdout, *user, *lang)
	if *files != "" {
		a.SaveFilesIn(*files)
	}
	d.bot.Register(a)
	d.bot.StartDeliveries()
	stop, err := d.startReminders(ctx, nil)
	if err != nil {
		return err
	}
	defer stop()
	g.banner(d)
	return a.Run(ctx, g.env.Stdin, d.bot)
}

// banner tells, on stderr, what the console is running against.
func (g *globals) banner(d *deps) {
	w := g.env.Stderr
	now := d.clock.Now().In(d.course.Location)
	fmt.Fprintf(w, "elmabot console: %s; course clock %s (%s)\n", d.course.Title.EN, now.Format("Mon 2 Jan 2006 15:04"), d.course.Location)
	if d.memory {
		fmt.Fprintln(w, "storage: in-memory Redis: nothing will be kept after you quit (set REDIS_URL to keep data)")
	}
	if next := nextSend(d); next != "" {
		fmt.Fprintln(w, next)
	}
	fmt.Fprintln(w, "type /start, /help or a question; numbers choose buttons; Ctrl-D quits")
}

// nextSend names the next planned reminder, so a newcomer knows when to
// expect one.
func nextSend(d *deps) string {
	now := d.clock.Now()
	// A send at a local hour (digest, nudge, summary) is due at the
	// console's hour, which is the course's until /timezone says else.
	for _, s := range plan(d.course) {
		if at := s.DueIn(d.course.Location); at.After(now) && s.Kind == schedule.Reminder {
			return fmt.Sprintf("next session reminder: %s, %s before %s (%s)", at.In(d.course.Location).Format("Mon 2 Jan 15:04"),
				strings.TrimSuffix(strings.TrimSuffix(s.Offset.String(), "0s"), "0m"), s.Event.Title.In(locales.EN), s.Event.Start.In(d.course.Location).Format("Mon 2 Jan 15:04"))
		}
	}
	return ""
}
