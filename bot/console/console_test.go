package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot"
)

// recorder is a bot.Handler that keeps the updates and answers each with
// two buttons, as the core would.
type recorder struct {
	a       *Adapter
	updates []bot.Update
}

func (r *recorder) Handle(ctx context.Context, u bot.Update) error {
	r.updates = append(r.updates, u)
	_, err := r.a.Send(ctx, bot.Reply{Text: "pick\none", Buttons: [][]bot.Button{{{Label: "Yes", Data: "y"}, {Label: "No", Data: "n"}}}})
	return err
}

func TestNumbersPressButtonsAndEOFEnds(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, "ana", "es-CO")
	h := &recorder{a: a}
	script := "hello\n# a comment\n\n2\n3\n"
	if err := a.Run(context.Background(), strings.NewReader(script), h); err != nil {
		t.Fatal(err)
	}
	if len(h.updates) != 3 {
		t.Fatalf("%d updates, want 3 (comments and blank lines skipped)", len(h.updates))
	}
	first, second, third := h.updates[0], h.updates[1], h.updates[2]
	if first.Text != "hello" || first.UserID != "ana" || first.LangHint != "es-CO" || first.Platform != bot.Console {
		t.Errorf("first update %+v", first)
	}
	if second.Choice != "n" || second.Text != "" {
		t.Errorf("typing 2 should press the second button: %+v", second)
	}
	if third.Text != "3" || third.Choice != "" {
		t.Errorf("a number with no such button is plain text: %+v", third)
	}
	want := "ana> hello\nbot> pick\n     one\n     [1] Yes\n     [2] No\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("transcript starts %q, want %q", out.String(), want)
	}
}

func TestQuizShowsOptionsAsNumberedButtons(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, "ana", "en")
	q := &bot.QuizPoll{Question: "(1/5) Which?", Options: []string{"A", "B"}, Buttons: []bot.Button{{Label: "A", Data: "a:1"}, {Label: "B", Data: "a:2"}}}
	if _, err := a.Send(context.Background(), bot.Reply{Quiz: q}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "bot> (1/5) Which?\n     [1] A\n     [2] B\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if data, ok := a.choice("2"); !ok || data != "a:2" {
		t.Errorf("choice 2 = %q %v", data, ok)
	}
}

// Files sent to the person are written where they can open them, under
// their own name only (no path from the sender), and the transcript
// says where.
func TestFilesAreSavedAndNamed(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, "ana", "en")
	dir := t.TempDir()
	a.SaveFilesIn(dir)
	data := []byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "ana", Text: "Your calendar", Files: []bot.File{{Name: "../../e-lma.ics", Type: "text/calendar", Data: data}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "e-lma.ics")
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file at %s: %q, %v", path, got, err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("[file] e-lma.ics (%d bytes): %s", len(data), path)) {
		t.Errorf("transcript does not say where the file is:\n%s", out.String())
	}
}

// With a shared REDIS_URL several consoles serve one course: each prints
// only its own person's messages and leaves the others' for their own
// console.
func TestOtherChatsAreLeftForTheirConsole(t *testing.T) {
	var out bytes.Buffer
	a := New(&out, "ana", "en")
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: "bob", Text: "for bob"}); !errors.Is(err, bot.ErrElsewhere) {
		t.Errorf("a reply to bob's chat gave %v, want bot.ErrElsewhere", err)
	}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: "ana", Text: "for ana"}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "bot> for ana\n" {
		t.Errorf("ana's console printed %q", got)
	}
}
