package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeSession is one scripted console session of the README: the
// lines piped in and the arguments given to elmabot.
type readmeSession struct {
	input []string
	args  []string
}

// readmeSessions finds the README's "printf '%s\n' ... | go run
// ./cmd/elmabot ..." commands, joining continued lines.
func readmeSessions(t *testing.T) []readmeSession {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	cmd := regexp.MustCompile(`printf '%s\\n' (.*?) \| go run \./cmd/elmabot ([^\n]*)`)
	var out []readmeSession
	for _, m := range cmd.FindAllStringSubmatch(text, -1) {
		out = append(out, readmeSession{input: shellWords(t, m[1]), args: shellWords(t, m[2])})
	}
	return out
}

// shellWords splits what the README's commands use: bare words and
// single-quoted strings.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if rest, ok := strings.CutPrefix(s, "'"); ok {
			word, after, found := strings.Cut(rest, "'")
			if !found {
				t.Fatalf("README: unclosed quote in %q", s)
			}
			words, s = append(words, word), after
			continue
		}
		word, after, _ := strings.Cut(s, " ")
		words, s = append(words, word), after
	}
	return words
}

// The README's scripted sessions run as a newcomer pastes them: every
// line gets an answer, nothing fails, and the session ends where the
// README says it does (the quiz result it describes).
func TestREADMESessions(t *testing.T) {
	sessions := readmeSessions(t)
	want := map[string]string{ // the console language -> the quiz result the README describes
		"en": "you earned 4 of 5 points",
		"es": "obtuvo 5 de 5 puntos",
	}
	seen := map[string]bool{}
	for _, s := range sessions {
		lang := "en"
		for i, a := range s.args {
			if a == "--lang" && i+1 < len(s.args) {
				lang = s.args[i+1]
			}
		}
		seen[lang] = true
		code, out, errOut := run(t, strings.Join(s.input, "\n")+"\n", nil, s.args...)
		if code != 0 || strings.Contains(out, "!!") {
			t.Errorf("session %v: exit %d\n%s\n%s", s.args, code, out, errOut)
			continue
		}
		if !strings.Contains(out, want[lang]) {
			t.Errorf("session in %s does not end as the README says (%q):\n%s", lang, want[lang], out)
		}
		if got := strings.Count(out, "\nbot> ") + strings.Count(out, "\n     [file]"); got < len(s.input) {
			t.Errorf("session in %s: %d lines typed, %d answers:\n%s", lang, len(s.input), got, out)
		}
	}
	if !seen["en"] || !seen["es"] {
		t.Errorf("README has scripted sessions in %v, want English and Spanish", seen)
	}
}
