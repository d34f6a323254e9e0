package moodle

import (
	"os"
	"reflect"
	"testing"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// en is text written in English only.
func en(s string) locales.Text { return locales.Text{EN: s} }

// bi is text written in both languages.
func bi(e, s string) locales.Text { return locales.Text{EN: e, ES: s} }

func ens(ss ...string) []locales.Text {
	out := make([]locales.Text, len(ss))
	for i, s := range ss {
		out[i] = en(s)
	}
	return out
}

var trueFalseOptions = []locales.Text{bi("True", "Verdadero"), bi("False", "Falso")}

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// sameQuestions compares question by question, so a failure names the
// question that differs.
func sameQuestions(t *testing.T, got, want []quiz.Question) {
	t.Helper()
	for i := 0; i < len(got) && i < len(want); i++ {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("question %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d questions, want %d", len(got), len(want))
		for i := len(want); i < len(got); i++ {
			t.Errorf("extra question: %#v", got[i])
		}
	}
}

func sameSkipped(t *testing.T, got, want []Skipped) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("skipped:\n got %#v\nwant %#v", got, want)
	}
}

// checkInvariants asserts what every caller relies on: each question has
// at least two options, exactly one of them correct, a unique id, and
// one point.
func checkInvariants(t *testing.T, res Result) {
	t.Helper()
	ids := map[string]bool{}
	for _, q := range res.Questions {
		if len(q.Options) < 2 || q.Correct < 0 || q.Correct >= len(q.Options) {
			t.Fatalf("question %q: correct %d of %d options", q.ID, q.Correct, len(q.Options))
		}
		if q.ID == "" || ids[q.ID] {
			t.Fatalf("question id %q is empty or repeated", q.ID)
		}
		ids[q.ID] = true
		if q.Points != 1 {
			t.Fatalf("question %q: %d points", q.ID, q.Points)
		}
		if q.Text.EN == "" && q.Text.ES == "" {
			t.Fatalf("question %q has no text", q.ID)
		}
	}
}
