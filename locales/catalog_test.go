package locales

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestEveryMessageInEveryLanguage(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	en, es := c.IDs(EN), c.IDs(ES)
	if len(en) < 50 {
		t.Fatalf("only %d English messages loaded", len(en))
	}
	for id := range en {
		if !es[id] {
			t.Errorf("message %q has no Spanish text", id)
		}
	}
	for id := range es {
		if !en[id] {
			t.Errorf("message %q has no English text", id)
		}
	}
}

// TestCodeUsesOnlyKnownMessages reads the bot's sources for literal
// message ids and checks each exists, so a typo cannot reach a user.
func TestCodeUsesOnlyKnownMessages(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\.(?:T|N)\("([a-z_]+)"`)
	files, _ := filepath.Glob("../bot/*.go")
	more, _ := filepath.Glob("../schedule/*.go")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no sources found")
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			id := m[1]
			if strings.HasSuffix(id, "_") {
				continue // a prefix completed at run time, checked below
			}
			if !c.IDs(EN)[id] {
				t.Errorf("%s uses unknown message %q", f, id)
			}
		}
	}
	for _, prefix := range []string{"progress_tier_none", "progress_tier_participation", "progress_tier_achievement", "lang_en", "lang_es", "elective_added", "elective_removed", "faq_no_match", "human_sent"} {
		if !c.IDs(EN)[prefix] {
			t.Errorf("message %q, built at run time, is missing", prefix)
		}
	}
}

func TestPrinter(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tue := time.Date(2022, 10, 25, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang      Lang
		date, one string
		three     string
	}{
		{EN, "Tue 25 Oct", "Correct! +1 point.", "Correct! +3 points."},
		{ES, "mar 25 oct", "¡Correcto! +1 punto.", "¡Correcto! +3 puntos."},
	} {
		p := c.Printer(tc.lang)
		if got := p.Date(tue); got != tc.date {
			t.Errorf("%s Date = %q, want %q", tc.lang, got, tc.date)
		}
		if got := p.N("answer_correct", 1); got != tc.one {
			t.Errorf("%s N(1) = %q, want %q", tc.lang, got, tc.one)
		}
		if got := p.N("answer_correct", 3); got != tc.three {
			t.Errorf("%s N(3) = %q, want %q", tc.lang, got, tc.three)
		}
	}
	if got := c.Printer(EN).T("name_set", "Name", "Ana"); got != "Your name is now Ana." {
		t.Errorf("T with data = %q", got)
	}
	if got := c.Printer(EN).T("no_such_message"); got != "no_such_message" {
		t.Errorf("a missing message renders as %q, want its id", got)
	}
	if got := c.Printer("fr").Lang; got != EN {
		t.Errorf("unknown language falls back to %q, want en", got)
	}
}
