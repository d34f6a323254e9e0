package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
)

// Env is what the program takes from its surroundings, so tests can run
// every command in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Clock, when set, is the real clock the program builds on (tests
	// pass a fake one); nil means the wall clock.
	Clock schedule.Clock
	// Reload receives a value each time the course files should be read
	// again (SIGHUP); nil never reloads.
	Reload <-chan struct{}
}

// command is one subcommand: its flags are registered on fs, run does it.
type command struct {
	name, args, usage string // args: the positional arguments, as -h shows them
	run               func(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error
}

func commands() []command {
	return []command{
		{"check", "", "check the course files; exit 1 listing every problem", runCheck},
		{"agenda", "", "print the agenda as an iCalendar (ics) or JSON file", runAgenda},
		{"import", "EXPORT", "convert a Moodle GIFT or XML question export to a quiz file", runImport},
		{"roster", "ROSTER.csv", "load the roster's registration codes into Redis; print them with Telegram links", runRoster},
		{"export", "grades|participants", "write the grades CSV for Moodle's gradebook, or the participant list, from REDIS_URL", runExport},
		{"grades", "import GRADES.csv", "record essay grades from a CSV file (participant, the rubric's scores, note) and tell the participants", runGrades},
		{"reminders", "", "preview the reminders and quiz announcements planned in a window", runReminders},
		{"console", "", "talk to the bot in this terminal (no token needed)", runConsole},
		{"health", "", "ask a running bot's /healthz (for container health checks)", runHealth},
		{"demo", "", "fill REDIS_URL with --participants N synthetic participants, with answers and essays", runDemo},
		{"report", "", "write the course's learning analytics (Markdown and PNG charts) from REDIS_URL into --out DIR", runReport},
		{"reindex", "", "rebuild the course's counters and name index in REDIS_URL from every participant", runReindex},
		{"run", "", "serve the course on Telegram and Discord (TELEGRAM_TOKEN, DISCORD_TOKEN, REDIS_URL, ELMA_SECRET)", runBot},
	}
}

// globals are the flags every command accepts, before or after its name.
type globals struct {
	env       Env
	now       string
	courseDir string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.Func("now", "start the clock at this instant (RFC 3339, or YYYY-MM-DDTHH:MM in the course's time zone); env ELMA_NOW", func(v string) error {
		// The course's zone is known only once it is loaded; the form
		// can be checked now, so a typo is refused before any work.
		if _, err := parseInstant(v, time.UTC); err != nil {
			return err
		}
		g.now = v
		return nil
	})
	fs.StringVar(&g.courseDir, "course", g.courseDir, "load the course from this folder instead of the built-in one; env ELMA_COURSE")
}

// errUsage marks a mistake in the command line: exit code 2.
var errUsage = errors.New("usage")

// Main runs one command and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	g := &globals{env: env, now: env.Getenv("ELMA_NOW"), courseDir: env.Getenv("ELMA_COURSE")}
	top := flag.NewFlagSet("elmabot", flag.ContinueOnError)
	top.SetOutput(env.Stderr)
	g.register(top)
	top.Usage = func() { usage(env.Stderr) }
	if err := top.Parse(args); err != nil {
		return 2
	}
	rest := top.Args()
	if len(rest) == 0 {
		usage(env.Stderr)
		return 2
	}
	if rest[0] == "help" || rest[0] == "-h" {
		usage(env.Stdout)
		return 0
	}
	if _, err := parseInstantIfSet(g.now); err != nil {
		fmt.Fprintln(env.Stderr, "elmabot: ELMA_NOW:", err)
		return 2
	}
	for _, c := range commands() {
		if c.name == rest[0] {
			return exitCode(env.Stderr, runCommand(ctx, g, c, rest[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "elmabot: unknown command %q\n", rest[0])
	usage(env.Stderr)
	return 2
}

func runCommand(ctx context.Context, g *globals, c command, args []string) error {
	fs := flag.NewFlagSet("elmabot "+c.name, flag.ContinueOnError)
	fs.SetOutput(g.env.Stderr)
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: elmabot %s [flags] %s\n%s\n\nflags:\n", c.name, c.args, c.usage)
		fs.PrintDefaults()
	}
	if err := c.run(ctx, g, fs, args); err != nil {
		return err
	}
	return nil
}

func exitCode(stderr io.Writer, err error) int {
	var probs *course.Problems
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, &probs):
		fmt.Fprintln(stderr, probs.Error())
		fmt.Fprintf(stderr, "elmabot: %d problem(s) in the course\n", len(probs.List))
		return 1
	}
	fmt.Fprintln(stderr, "elmabot:", err)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: elmabot [--now TIME] [--course DIR] COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun elmabot COMMAND -h for a command's flags.")
}

// parseFlags parses a command's flags and rejects stray arguments
// beyond max (max < 0: any number).
func parseFlags(fs *flag.FlagSet, args []string, max int) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, errUsage
	}
	if max >= 0 && fs.NArg() > max {
		fmt.Fprintf(fs.Output(), "%s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args()[max:], " "))
		return nil, errUsage
	}
	return fs.Args(), nil
}

// loadCourse loads the built-in course or the one in --course.
func (g *globals) loadCourse() (*course.Course, error) {
	if g.courseDir == "" {
		return course.LoadBuiltin()
	}
	if _, err := os.Stat(g.courseDir); err != nil {
		return nil, fmt.Errorf("course folder: %w", err)
	}
	return course.Load(os.DirFS(g.courseDir), g.courseDir)
}

// clock is the program's clock: the real one, shifted to --now if given.
func (g *globals) clock(c *course.Course) (schedule.Clock, error) {
	real := g.env.Clock
	if real == nil {
		real = schedule.RealClock()
	}
	if g.now == "" {
		return real, nil
	}
	start, err := parseInstant(g.now, c.Location)
	if err != nil {
		return nil, err
	}
	return schedule.ShiftedClock(real, start), nil
}

// parseInstantIfSet checks the form of a --now or ELMA_NOW value.
func parseInstantIfSet(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	return parseInstant(v, time.UTC)
}

// parseInstant reads RFC 3339, or a wall time in loc.
func parseInstant(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2022-10-24T13:00:00Z) or a %s wall time (2022-10-24T15:00)", s, loc)
}
