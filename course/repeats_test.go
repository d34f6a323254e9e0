package course

import (
	"os"
	"strings"
	"testing"
)

// TestWarningsNearRepeats loads the mini course with quizzes that repeat
// each other: a question reworded in English and one reworded only in
// English (its Spanish is the same) are warned about; a question on the
// same instrument asking another fact is not.
func TestWarningsNearRepeats(t *testing.T) {
	c, err := Load(overlay(t, "testdata/repeats"), "mini")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings() {
		got = append(got, w.String())
	}
	want := []string{
		"mini/quizzes/elective-skills.yaml:10: warning: question q1 nearly repeats quiz week-1 question q1 (similarity 0.83)",
		"mini/quizzes/elective-skills.yaml:30: warning: question q3 nearly repeats quiz week-1 question q2 (similarity 1.00)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMiniCourseHasNoWarnings(t *testing.T) {
	c, err := Load(os.DirFS("testdata/mini"), "mini")
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("unexpected warnings: %v", w)
	}
}

func TestStemsFoldAccentsAndEndings(t *testing.T) {
	a := stems("¿Qué GARANTIZA el artículo 9 a los trabajadores?")
	b := stems("Garantizar: articulos, trabajador 9")
	if j := jaccard(a, b); j != 1 {
		t.Errorf("similarity %.2f, want 1: %v against %v", j, a, b)
	}
	if j := jaccard(stems("regularization"), stems("recruitment")); j != 0 {
		t.Errorf("unrelated words: similarity %.2f, want 0", j)
	}
}
