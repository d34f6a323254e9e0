package course

import (
	"bytes"
	"os"
	"reflect"
	"testing"
	"testing/fstest"
)

// TestWriteQuizRoundTrip writes every quiz of the mini course and of the
// built-in course and reads it back: the loader must see the same quiz.
func TestWriteQuizRoundTrip(t *testing.T) {
	mini, err := Load(os.DirFS("testdata/mini"), "mini")
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Course{mini, builtin} {
		for i := range c.Bank.Quizzes {
			q := &c.Bank.Quizzes[i]
			var buf bytes.Buffer
			if err := WriteQuiz(&buf, q, c.Location); err != nil {
				t.Fatal(err)
			}
			var qf quizFile
			l := &loader{fsys: fstest.MapFS{}, label: "x"}
			if !decodeFile("x.yaml", buf.Bytes(), &qf, &l.probs) {
				t.Fatalf("%s: written file does not parse: %v", q.ID, l.probs.Error())
			}
			back := l.quiz(c, "x.yaml", &qf)
			if len(l.probs.List) > 0 {
				t.Fatalf("%s: written file has problems: %v", q.ID, l.probs.Error())
			}
			if !reflect.DeepEqual(&back, q) {
				t.Errorf("%s: round trip differs:\n got %+v\nwant %+v", q.ID, back, *q)
			}
		}
	}
}
