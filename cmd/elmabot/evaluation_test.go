package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDescribesTheEvaluation(t *testing.T) {
	code, out, errOut := run(t, "", nil, "check")
	if code != 0 || !strings.Contains(out, "a final evaluation of 10 questions (7 rated, 3 open)") {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCheckBadEvaluation: every problem of a broken evaluation.yaml is
// reported with its file and line, and the check fails.
func TestCheckBadEvaluation(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../course/testdata/mini", dir)
	copyDir(t, "../../course/testdata/broken/evaluation", dir)
	code, _, errOut := run(t, "", nil, "--course", dir, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	file := filepath.Join(dir, "evaluation.yaml")
	for _, want := range []string{
		file + ":1: closes (2022-09-30T10:00) before it opens (2022-10-01T10:00)",
		file + ":8: scale label 3: missing es translation",
		file + `:14: duplicate evaluation question id "overall" (first at line 11)`,
		file + `:17: question stars: unknown kind "stars" (rating or open)`,
		file + `:26: unknown field "comment" in questions[5]`,
		"10 problem(s) in the course",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
