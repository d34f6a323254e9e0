package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// runExport writes the grades file for Moodle's gradebook, or the
// participant list, from the bot's Redis.
func runExport(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	format := fs.String("format", "csv", "file format; csv is the one there is")
	out := fs.String("out", "", "write to this file instead of standard output")
	keyFlag := fs.String("key", "email", "grades: the column Moodle identifies users by, email or idnumber; participants without one are left out")
	rest, err := verbFlags(fs, args, 0)
	if err != nil {
		return err
	}
	key, keyOK := gradebook.ParseKey(*keyFlag)
	if len(rest) != 1 || (rest[0] != "grades" && rest[0] != "participants") || *format != "csv" || !keyOK {
		fmt.Fprintln(g.env.Stderr, "usage: elmabot export [--format csv] [--key email|idnumber] [--out FILE] grades|participants")
		return errUsage
	}
	c, st, clock, err := g.openCourseStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return writeOut(g, *out, func(w io.Writer) error {
		var sum gradebook.Summary
		if rest[0] == "grades" {
			sum, err = gradebook.Grades(ctx, st, c, clock.Now(), key, w)
		} else {
			sum, err = gradebook.Participants(ctx, st, c, clock.Now(), w)
		}
		reportExport(g.env.Stderr, rest[0], key, sum)
		return err
	})
}

func reportExport(w io.Writer, what string, key gradebook.Key, sum gradebook.Summary) {
	fmt.Fprintf(w, "%s: %d lines\n", what, sum.Rows)
	if sum.UnkeyedCount == 0 {
		return
	}
	ids := make([]string, len(sum.Unkeyed))
	for i, id := range sum.Unkeyed {
		ids[i] = string(id)
	}
	more := ""
	if sum.UnkeyedCount > len(ids) {
		more = ", ..."
	}
	fmt.Fprintf(w, "left out, without %s in the roster: %d (%s%s)\n", key, sum.UnkeyedCount, strings.Join(ids, ", "), more)
}

// verbFlags parses flags given before or after a command's first word
// ("export --out f grades", "export grades --out f"); it returns the word
// and at most max more arguments.
func verbFlags(fs *flag.FlagSet, args []string, max int) ([]string, error) {
	rest, err := parseFlags(fs, args, -1)
	if err != nil || len(rest) == 0 {
		return rest, err
	}
	more, err := parseFlags(fs, rest[1:], max)
	if err != nil {
		return nil, err
	}
	return append([]string{rest[0]}, more...), nil
}

// openCourseStore loads the course and opens REDIS_URL with its rules.
func (g *globals) openCourseStore(ctx context.Context) (*course.Course, *store.Store, schedule.Clock, error) {
	url := g.env.Getenv("REDIS_URL")
	if url == "" {
		return nil, nil, nil, errors.New("REDIS_URL is not set (e.g. redis://localhost:6379/0)")
	}
	c, err := g.loadCourse()
	if err != nil {
		return nil, nil, nil, err
	}
	clock, err := g.clock(c)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := store.Open(ctx, url, store.WithEssayMax(c.Rules.Essay.Max), store.WithTimeout(30*time.Second))
	return c, st, clock, err
}

// writeOut runs write on standard output, or on a file that appears
// whole or not at all: written beside its place, then renamed.
func writeOut(g *globals, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(g.env.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
