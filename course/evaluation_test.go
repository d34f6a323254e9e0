package course

import (
	"os"
	"testing"
	"time"
)

// TestBuiltinEvaluation: the e-LMA questionnaire opens after the course,
// rates on five labelled points and asks the report's open questions.
func TestBuiltinEvaluation(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	e := c.Evaluation
	if e == nil {
		t.Fatal("the built-in course has no evaluation")
	}
	if !e.Opens.After(c.End) || !e.Closes.After(e.Opens) {
		t.Errorf("window %s to %s, want after the course's end %s", e.Opens, e.Closes, c.End)
	}
	if len(e.Scale) != ScaleSize || e.Scale[0].ES != "1 (mínimo)" {
		t.Errorf("scale %+v", e.Scale)
	}
	kinds := map[EvalKind]int{}
	for _, q := range e.Questions {
		kinds[q.Kind]++
	}
	if kinds[RatingQuestion] != 7 || kinds[OpenQuestion] != 3 {
		t.Errorf("question kinds %v, want 7 rating and 3 open", kinds)
	}
	if q, i, ok := e.Question("improve"); !ok || i != 9 || q.Kind != OpenQuestion {
		t.Errorf("Question(improve) = %+v, %d, %v", q, i, ok)
	}
	if _, _, ok := e.Question("nope"); ok {
		t.Error("an unknown question was found")
	}
	for _, at := range []struct {
		t    time.Time
		open bool
	}{{e.Opens.Add(-time.Minute), false}, {e.Opens, true}, {e.Closes.Add(-time.Minute), true}, {e.Closes, false}} {
		if got := e.OpenAt(at.t); got != at.open {
			t.Errorf("OpenAt(%s) = %v, want %v", at.t, got, at.open)
		}
	}
}

func TestCourseWithoutEvaluation(t *testing.T) {
	c, err := Load(os.DirFS("testdata/mini"), "mini")
	if err != nil {
		t.Fatal(err)
	}
	if c.Evaluation != nil {
		t.Errorf("a course without evaluation.yaml has evaluation %+v", c.Evaluation)
	}
}
