package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// An import whose context is cancelled (main cancels it on SIGINT and
// SIGTERM) stops with a clear message, a non-zero exit and no quiz file.
func TestImportStopsWhenInterrupted(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "export.xml")
	var b strings.Builder
	b.WriteString("<quiz>\n")
	for range 1000 {
		b.WriteString(`<question type="truefalse"><name><text>Q</text></name><questiontext><text>Wet?</text></questiontext><answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>` + "\n")
	}
	b.WriteString("</quiz>\n")
	writeFile(t, export, b.String())
	out := filepath.Join(dir, "week-1.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	env := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
		Clock: clockwork.NewFakeClockAt(time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC))}
	code := Main(ctx, []string{"import", "--id", "week-1", "--week", "1", "--opens", "2022-10-28T16:00", "--closes", "2022-11-06T23:00", "--out", out, export}, env)
	if code == 0 || !strings.Contains(stderr.String(), "import interrupted, no quiz written: moodle xml: stopped at line 1: context canceled") {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("an interrupted import wrote %s: %v", out, err)
	}
}
