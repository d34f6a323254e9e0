package course

import (
	"fmt"
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/elmabot/elmabot/locales"
)

type evalCase struct {
	Lang string `yaml:"lang"`
	Q    string `yaml:"q"`
	Want string `yaml:"want"`
}

// verdict names what the bot will do with m, in the evaluation's terms.
func verdict(m Match) string {
	switch {
	case m.Echo:
		return "button"
	case m.Entry == nil:
		return "human"
	case m.Entry.Kind == KindSmallTalk:
		return "smalltalk"
	}
	return m.Entry.ID
}

// agrees reports whether got is what want asks for; a human entry (an
// extension request) also passes a question to a person.
func agrees(c *Course, want, got string) bool {
	if want == got {
		return true
	}
	if want != "human" {
		return false
	}
	for _, e := range c.FAQ {
		if e.ID == got && e.Kind == KindHuman {
			return true
		}
	}
	return false
}

// TestFAQEval runs the matcher over real-sounding questions and fails
// under 90% right. Its score line is the number to watch when editing
// faq.yaml: go test ./course/ -run FAQEval -v
func TestFAQEval(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/faq_eval.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Cases []evalCase `yaml:"cases"`
	}
	if err := yaml.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Cases) < 80 {
		t.Fatalf("%d evaluation questions; keep at least 80", len(set.Cases))
	}
	right := 0
	for _, tc := range set.Cases {
		m := c.Support.Match(tc.Q, locales.Lang(tc.Lang))
		got := verdict(m)
		if agrees(c, tc.Want, got) {
			right++
			continue
		}
		t.Logf("MISS %q: want %s, got %s (best %s %.2f, runner-up %s %.2f)", tc.Q, tc.Want, got, m.Best, m.Score, m.Runner, m.Second)
	}
	score := float64(right) / float64(len(set.Cases))
	line := fmt.Sprintf("FAQ evaluation: %d/%d right (%.1f%%)", right, len(set.Cases), 100*score)
	t.Log(line)
	fmt.Println(line)
	if score < 0.9 {
		t.Errorf("%s: below 90%%", line)
	}
}

func TestMatcherWholeWords(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q, want string
	}{
		{"my employer kept my passport", "human"},       // not "pass" nor "password"
		{"how do I pass the course?", "certificates"},   // the whole word does
		{"passwrd forgotten for the campus", "ecampus"}, // a typo is mended
		{"¿Cuándo TERMINA el curso?", "course-dates"},   // case and accents fold
	}
	for _, tc := range tests {
		m := c.Support.Match(tc.q, locales.EN)
		if got := verdict(m); got != tc.want {
			t.Errorf("%q: got %s (best %s %.2f, runner-up %s %.2f), want %s", tc.q, got, m.Best, m.Score, m.Runner, m.Second, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"recordigns", "recordings", 1}, // swapped neighbours are one edit
		{"certficate", "certificate", 1},
		{"passport", "password", 2}, // beyond typoLimit(8) = 1
		{"ensayo", "ensayo", 0},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b, 3); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// BenchmarkMatch is one long, misspelt question: the cost every free-text
// message pays.
func BenchmarkMatch(b *testing.B) {
	c, err := LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	q := "Hello, I coudnt attend yesterdays webinar because of work, where can I find the recordigns and when is the next one?"
	for b.Loop() {
		c.Support.Match(q, locales.EN)
	}
}

// TestMatcherConcurrentUse: one Matcher serves every update at once.
func TestMatcherConcurrentUse(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	for _, q := range []string{"cuando termina el curso", "when is the essay due?", "gracias", "recordigns?"} {
		go func() {
			var got string
			for range 20 {
				got = verdict(c.Support.Match(q, locales.ES))
			}
			done <- got
		}()
	}
	for range 4 {
		<-done
	}
}
