package course

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite testdata/broken/*/want.txt from what the loader reports")

// copyInto adds the course files under root to m (test markers aside).
func copyInto(t testing.TB, m fstest.MapFS, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "want.txt" || rel == "DELETE" {
			return nil
		}
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// overlay is the mini course with the case's files laid over it; the
// case's DELETE file lists mini files to leave out.
func overlay(t *testing.T, caseDir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	copyInto(t, m, "testdata/mini")
	copyInto(t, m, caseDir)
	if del, err := os.ReadFile(filepath.Join(caseDir, "DELETE")); err == nil {
		for _, name := range strings.Fields(string(del)) {
			delete(m, name)
		}
	}
	return m
}

// TestBrokenCourses loads each broken course and compares every reported
// problem, file and line included, with the case's want.txt.
func TestBrokenCourses(t *testing.T) {
	cases, err := filepath.Glob("testdata/broken/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no broken cases found: %v", err)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, err := Load(overlay(t, dir), "mini")
			var probs *Problems
			if !errors.As(err, &probs) {
				t.Fatalf("Load returned %v, want *Problems", err)
			}
			got := probs.Error() + "\n"
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("problems differ.\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestMiniCourseLoads(t *testing.T) {
	c, err := Load(os.DirFS("testdata/mini"), "mini")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agenda.Events) != 3 || len(c.Bank.Quizzes) != 2 || len(c.FAQ) != 1 {
		t.Fatalf("got %d events, %d quizzes, %d FAQ entries; want 3, 2, 1", len(c.Agenda.Events), len(c.Bank.Quizzes), len(c.FAQ))
	}
	if q := c.Bank.Quizzes[0]; q.ID != "week-1" || q.Questions[0].Correct != 1 || q.Questions[1].Correct != 0 {
		t.Errorf("week-1 first: got %s with correct options %d, %d", q.ID, q.Questions[0].Correct, q.Questions[1].Correct)
	}
	ev := c.Agenda.Events[1]
	if ev.Title.ES != "Competencias" || ev.Theme != "development" || ev.Link != "https://example.org/live" {
		t.Errorf("elective session takes its elective's title, theme and the default link: got %+v", ev)
	}
}
