package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// run calls Main in-process with the given stdin and environment.
func run(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	// Safe for concurrent writes: go-redis logs from its own goroutines.
	var out, errOut syncBuffer
	e := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
		Clock:  clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)),
	}
	code = Main(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

func TestCheckBuiltinCourse(t *testing.T) {
	code, out, errOut := run(t, "", nil, "check")
	if code != 0 || !strings.Contains(out, "e-lma-2022: ok: 71 sessions, 18 electives, 25 quizzes (125 questions)") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
}

func TestCheckBrokenCourseListsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../course/testdata/mini", dir)
	copyDir(t, "../../course/testdata/broken/correct-options", dir)
	code, _, errOut := run(t, "", nil, "--course", dir, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		filepath.Join(dir, "quizzes/week-1.yaml") + ":9: question q1: no option is marked correct: true",
		filepath.Join(dir, "quizzes/week-1.yaml") + ":16: question q2: 2 options are marked correct",
		"2 problem(s) in the course",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, errOut := run(t, "", nil, "fly"); code != 2 || !strings.Contains(errOut, `unknown command "fly"`) {
		t.Errorf("unknown command: exit %d, %s", code, errOut)
	}
	if code, _, _ := run(t, "", nil, "check", "extra"); code != 2 {
		t.Errorf("stray argument: exit %d, want 2", code)
	}
	if code, _, errOut := run(t, "", nil, "--now", "yesterday", "agenda"); code != 2 || !strings.Contains(errOut, "--now") {
		t.Errorf("bad --now: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "", nil, "check", "--now", "2022-13-45"); code != 2 || !strings.Contains(errOut, "--now") {
		t.Errorf("bad --now after the command: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "", map[string]string{"ELMA_NOW": "soon"}, "check"); code != 2 || !strings.Contains(errOut, "ELMA_NOW") {
		t.Errorf("bad ELMA_NOW: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "", nil); code != 2 || !strings.Contains(errOut, "usage: elmabot") {
		t.Errorf("no command: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "", nil, "console", "--lang", "fr"); code != 2 || !strings.Contains(errOut, "en or es") {
		t.Errorf("bad --lang: exit %d, %s", code, errOut)
	}
	env := map[string]string{"ELMA_LOG": "xml", "TELEGRAM_TOKEN": "1:x"}
	if code, _, errOut := run(t, "", env, "run"); code != 1 || !strings.Contains(errOut, "ELMA_LOG") {
		t.Errorf("bad ELMA_LOG: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, "", nil, "agenda", "--elective", "astrology"); code != 1 || !strings.Contains(errOut, "unknown elective") {
		t.Errorf("bad --elective: exit %d, %s", code, errOut)
	}
}

func TestAgendaJSON(t *testing.T) {
	code, out, errOut := run(t, "", nil, "agenda", "--format", "json", "--elective", "skills")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var events []struct {
		ID, StartUTC, StartLocal string
		Elective                 string
	}
	dec := json.NewDecoder(strings.NewReader(strings.ReplaceAll(strings.ReplaceAll(out, "start_utc", "StartUTC"), "start_local", "StartLocal")))
	if err := dec.Decode(&events); err != nil {
		t.Fatal(err)
	}
	if len(events) != 3 {
		t.Fatalf("%d skills sessions, want 3", len(events))
	}
	if e := events[0]; e.ID != "w2-skills-1" || e.StartUTC != "2022-10-25T14:00:00Z" || e.StartLocal != "2022-10-25T16:00:00+02:00" {
		t.Errorf("first skills session: %+v", e)
	}
}

func TestAgendaICS(t *testing.T) {
	code, out, _ := run(t, "", nil, "--now", "2022-10-01T12:00", "agenda", "--lang", "es")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
		"UID:w3-fair-recruitment-1@e-lma-2022.elmabot\r\n",
		"DTSTART:20221101T130000Z\r\n",
		"DTSTAMP:20221001T100000Z\r\n",
		"SUMMARY;LANGUAGE=es:",
		"END:VCALENDAR\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar lacks %q", want)
		}
	}
	// Filtering by Spanish leaves out the English-only electives.
	if strings.Contains(out, "w3-measuring-1") {
		t.Errorf("an English-only session is in the Spanish calendar")
	}
	for _, line := range strings.Split(out, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}
}

func TestImportWritesACheckableQuiz(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../course/testdata/mini", dir)
	export := filepath.Join(dir, "export.gift")
	gift := "::q1::Two plus two? {~three =four ~five}\n\n::q2::Is water wet? {T}\n"
	if err := os.WriteFile(export, []byte(gift), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "quizzes", "week-1.yaml")
	code, _, errOut := run(t, "", nil, "--course", dir, "import", "--id", "week-1", "--week", "1", "--points", "2",
		"--title-en", "Week 1", "--title-es", "Semana 1", "--opens", "2022-10-28T16:00", "--closes", "2022-11-06T23:00", "--out", out, export)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	// The GIFT text is English only: check must ask for the Spanish.
	code, _, errOut = run(t, "", nil, "--course", dir, "check")
	if code != 1 || !strings.Contains(errOut, "question q1 text: missing es translation") || strings.Contains(errOut, "question q2 option") {
		t.Fatalf("check after import: exit %d\n%s", code, errOut)
	}
}

func TestConsoleSession(t *testing.T) {
	script := "/register Ana Lima\n/quiz week-1\n" + strings.Repeat("1\n", 5) + "/progress\n"
	code, out, errOut := run(t, script, nil, "--now", "2022-10-21T17:00", "console")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"You are registered, Ana Lima", "(5/5)", "complete: you earned", "Your total:"} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "nothing will be kept") {
		t.Errorf("the console does not warn that nothing is kept: %s", errOut)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if d.Name() == "want.txt" || d.Name() == "DELETE" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// syncBuffer lets the test read what the console wrote while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls out until it holds want; the deadline only bounds a
// failing test.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("console never showed %q:\n%s", want, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestConsoleShowsRemindersAsTheClockPasses: a participant registered in
// the console gets the 15-minute reminder of the 15:00 plenary when the
// clock reaches 14:45, and only once.
func TestConsoleShowsRemindersAsTheClockPasses(t *testing.T) {
	clock := clockwork.NewFakeClockAt(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	in, feed := io.Pipe()
	out := &syncBuffer{}
	env := Env{Stdin: in, Stdout: out, Stderr: io.Discard, Getenv: func(string) string { return "" }, Clock: clock}
	done := make(chan int)
	go func() { done <- Main(context.Background(), []string{"--now", "2022-10-24T14:40", "console"}, env) }()
	fmt.Fprintln(feed, "/register Ana Lima")
	waitFor(t, out, "You are registered")
	clock.Advance(5 * time.Minute)
	waitFor(t, out, "Reminder: this session starts in 15 minutes")
	clock.Advance(time.Minute)
	fmt.Fprintln(feed, "/help")
	waitFor(t, out, "What I can do")
	feed.Close()
	if code := <-done; code != 0 {
		t.Fatalf("console exited %d", code)
	}
	transcript := out.String()
	// Sends that came due before the console started may reach Ana too,
	// depending on whether she registered before their wave ran; the
	// 15-minute reminder was due after, and must come exactly once.
	if n := strings.Count(transcript, "starts in 15 minutes"); n != 1 {
		t.Errorf("%d reminders shown, want 1:\n%s", n, transcript)
	}
	if !strings.Contains(transcript, "Global and regional labour migration trends") {
		t.Errorf("the reminder does not name the plenary:\n%s", transcript)
	}
}

func TestRemindersPreview(t *testing.T) {
	code, out, errOut := run(t, "", nil, "reminders", "--from", "2022-10-24T14:30", "--to", "2022-10-24T15:00", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []struct {
		ID, Kind, Session, Offset, Audience string
		AtUTC                               string `json:"at_utc"`
		AtLocal                             string `json:"at_local"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d sends between 14:30 and 15:00 on 24 Oct, want 1: %+v", len(rows), rows)
	}
	r := rows[0]
	if r.Session != "w2-plenary" || r.Offset != "15m0s" || r.AtUTC != "2022-10-24T12:45:00Z" || r.AtLocal != "2022-10-24T14:45:00+02:00" || r.Audience != "everyone with reminders on" {
		t.Errorf("preview row %+v", r)
	}
}

func TestNowFromTheEnvironment(t *testing.T) {
	code, out, _ := run(t, "/register Ana Lima\n/next\n", map[string]string{"ELMA_NOW": "2022-12-02T15:00"}, "console")
	if code != 0 || !strings.Contains(out, "Way forward") {
		t.Errorf("with ELMA_NOW on the last afternoon, /next should be the closing session: exit %d\n%s", code, out)
	}
}

func TestBrokenCourseRefusedAtStart(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../course/testdata/mini", dir)
	copyDir(t, "../../course/testdata/broken/sessions", dir)
	code, out, errOut := run(t, "/help\n", nil, "--course", dir, "console")
	if code != 1 || out != "" || !strings.Contains(errOut, "problem(s) in the course") {
		t.Errorf("the console started on a broken course: exit %d\n%s%s", code, out, errOut)
	}
}
