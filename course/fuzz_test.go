package course

import (
	"errors"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary text as each course file: loading must never
// panic, and must either succeed or list problems that name a file and a
// line.
func FuzzLoad(f *testing.F) {
	base := fstest.MapFS{}
	copyInto(f, base, "testdata/mini")
	if _, err := Load(base, "mini"); err != nil {
		f.Fatalf("the mini course must load: %v", err)
	}
	for _, seed := range []string{
		"", "id: [", "questions:\n  - id: q1\n    options: 7", "sessions: {a: b}",
		"title: {en: 1, es: [x]}", "- - - ", "&a [*a]", "start: \"2022-13-45\"",
		"time_zone: Mars/Base", "points: 99999999999999999999",
	} {
		for _, file := range []string{"course.yaml", "agenda.yaml", "faq.yaml", "quizzes/week-1.yaml"} {
			f.Add(file, seed)
		}
	}
	f.Fuzz(func(t *testing.T, file, text string) {
		fsys := fstest.MapFS{}
		for name, data := range base {
			fsys[name] = data
		}
		fsys[file] = &fstest.MapFile{Data: []byte(text)}
		_, err := Load(fsys, "fuzz")
		var probs *Problems
		if err != nil && !errors.As(err, &probs) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if probs != nil {
			for _, p := range probs.List {
				if p.File == "" || p.Line < 0 {
					t.Fatalf("problem without a place: %+v", p)
				}
			}
		}
	})
}
