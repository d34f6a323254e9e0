// Package moodle reads question banks exported from Moodle, in GIFT or
// Moodle XML, and turns the single-answer multiple-choice and true/false
// questions into quiz.Question values. Everything else is reported as
// skipped, with the reason, so that staff can fix or drop it by hand.
package moodle

import (
	"context"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// Skipped is a question that could not be converted, and why.
type Skipped struct {
	Line   int    // where the question starts in the export
	Name   string // the question's name, empty when it has none
	Reason string // such as "essay question" or "partial credit 50%"
}

// Result is what an export yields: the questions the bot can ask, in
// export order, and the ones it cannot.
type Result struct {
	Questions []quiz.Question
	Skipped   []Skipped
}

// Error is malformed input: the export cannot be read past Line.
type Error struct {
	Format string // "gift" or "moodle xml"
	Line   int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: line %d: %s", e.Format, e.Line, e.Msg)
}

// Parse reads an export, choosing the format by the file name's
// extension: .gift or .txt for GIFT, .xml for Moodle XML.
func Parse(name string, r io.Reader, lang locales.Lang) (Result, error) {
	return ParseContext(context.Background(), name, r, lang)
}

// ParseContext is Parse, stopping with an error that wraps ctx's cause
// (and names the line reached) once ctx is done, so that an import of
// a huge export can be interrupted.
func ParseContext(ctx context.Context, name string, r io.Reader, lang locales.Lang) (Result, error) {
	r = ctxReader{ctx: ctx, r: r}
	switch strings.ToLower(path.Ext(name)) {
	case ".gift", ".txt":
		return parseGIFT(ctx, r, lang)
	case ".xml":
		return parseXML(ctx, r, lang)
	}
	return Result{}, fmt.Errorf("moodle: %s: unknown export format (want .gift, .txt or .xml)", name)
}

// ctxReader stops reading once its context is done: parsing notices at
// its next read even inside one huge element.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.r.Read(p)
}

// stopped is the error of a parse whose context is done, at line.
func stopped(ctx context.Context, format string, line int) error {
	return fmt.Errorf("%s: stopped at line %d: %w", format, line, context.Cause(ctx))
}

func checkLang(lang locales.Lang) error {
	if lang != locales.EN && lang != locales.ES {
		return fmt.Errorf("moodle: unsupported language %q", lang)
	}
	return nil
}

// maxSlug keeps question ids short: chat buttons carry them in callback
// data, which Telegram caps at 64 bytes.
const maxSlug = 40

// collector gathers the result of one parse and keeps question ids unique.
type collector struct {
	lang locales.Lang
	res  Result
	ids  map[string]bool
	next map[string]int // per base, the suffix to try first
}

func newCollector(lang locales.Lang) *collector {
	return &collector{lang: lang, ids: map[string]bool{}, next: map[string]int{}}
}

func (c *collector) skip(line int, name, reason string) {
	c.res.Skipped = append(c.res.Skipped, Skipped{Line: line, Name: name, Reason: reason})
}

// add files q under an id made from name, or "q<N>" when name gives none.
func (c *collector) add(name string, q quiz.Question) {
	base := slug(name)
	if base == "" {
		base = "q" + strconv.Itoa(len(c.res.Questions)+1)
	}
	// Counting on from the last suffix a base got keeps a bank of n
	// questions named alike linear, not n²/2 probes.
	id := base
	n := max(c.next[base], 2)
	for ; c.ids[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	c.next[base] = n
	c.ids[id] = true
	q.ID = id
	q.Points = 1
	c.res.Questions = append(c.res.Questions, q)
}

// choice is one answer of a multiple-choice question, weighted in percent
// as Moodle does: 100 is fully right, 0 or less is wrong.
type choice struct {
	text     locales.Text
	feedback locales.Text
	weight   float64
}

// multichoice builds a question from its answers, or says why it cannot:
// the bot only knows questions with exactly one fully right answer.
func multichoice(text locales.Text, choices []choice, general locales.Text) (quiz.Question, string) {
	if empty(text) {
		return quiz.Question{}, "empty question text"
	}
	if len(choices) < 2 {
		return quiz.Question{}, "fewer than two answers"
	}
	correct := -1
	for i, ch := range choices {
		switch {
		case empty(ch.text):
			return quiz.Question{}, "empty answer text"
		case ch.weight == 100 && correct >= 0:
			return quiz.Question{}, "multiple correct answers"
		case ch.weight == 100:
			correct = i
		case ch.weight > 0:
			// Negative weights are penalties for a wrong answer; the bot
			// gives wrong answers nothing anyway, so only partial credit
			// changes the meaning of the question.
			return quiz.Question{}, "partial credit " + percent(ch.weight)
		}
	}
	if correct < 0 {
		return quiz.Question{}, "no correct answer"
	}
	q := quiz.Question{Text: text, Correct: correct, Explanation: general}
	for _, ch := range choices {
		q.Options = append(q.Options, ch.text)
	}
	if empty(q.Explanation) {
		q.Explanation = choices[correct].feedback
	}
	return q, ""
}

// trueFalse builds a true/false question; its options are the same in
// every export, so both languages are filled.
func trueFalse(text locales.Text, answer bool, feedback, general locales.Text) (quiz.Question, string) {
	if empty(text) {
		return quiz.Question{}, "empty question text"
	}
	q := quiz.Question{
		Text: text,
		Options: []locales.Text{
			{EN: "True", ES: "Verdadero"},
			{EN: "False", ES: "Falso"},
		},
		Explanation: general,
	}
	if !answer {
		q.Correct = 1
	}
	if empty(q.Explanation) {
		q.Explanation = feedback
	}
	return q, ""
}

func empty(t locales.Text) bool { return t.EN == "" && t.ES == "" }

func percent(w float64) string {
	return strconv.FormatFloat(w, 'f', -1, 64) + "%"
}

// slug makes an id out of a question name: lowercase ASCII letters and
// digits, with single dashes for everything else, cut at a word boundary
// when it would be too long.
func slug(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		s := fold(r)
		if s == "" {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('-')
		}
		gap = false
		b.WriteString(s)
		if b.Len() > maxSlug {
			break
		}
	}
	s := b.String()
	if len(s) <= maxSlug {
		return s
	}
	if cut := strings.LastIndexByte(s[:maxSlug+1], '-'); cut > 0 {
		return s[:cut]
	}
	return s[:maxSlug]
}

// asciiFolds spells accented lowercase letters in ASCII.
var asciiFolds = []struct{ from, to string }{
	{"àáâãäåā", "a"}, {"æ", "ae"}, {"çć", "c"}, {"èéêëē", "e"}, {"ìíîïī", "i"},
	{"ñ", "n"}, {"òóôõöøō", "o"}, {"œ", "oe"}, {"ß", "ss"}, {"ùúûüū", "u"}, {"ýÿ", "y"},
}

// fold spells a lowercase letter or digit in ASCII, dropping the accents
// of the Latin letters Spanish and other course languages use. It
// returns "" for anything else.
func fold(r rune) string {
	if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
		return string(r)
	}
	for _, g := range asciiFolds {
		if strings.ContainsRune(g.from, r) {
			return g.to
		}
	}
	return ""
}
