package moodle

import (
	"bytes"
	"context"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// ParseGIFT reads questions in Moodle's GIFT format. Questions are
// separated by blank lines; lines starting with // are comments. lang is
// the language the export is written in.
func ParseGIFT(r io.Reader, lang locales.Lang) (Result, error) {
	return parseGIFT(context.Background(), r, lang)
}

func parseGIFT(ctx context.Context, r io.Reader, lang locales.Lang) (Result, error) {
	if err := checkLang(lang); err != nil {
		return Result{}, err
	}
	data, err := io.ReadAll(r)
	if ctx.Err() != nil {
		return Result{}, stopped(ctx, "gift", 1+bytes.Count(data, []byte("\n")))
	}
	if err != nil {
		return Result{}, err
	}
	blocks, err := giftBlocks(string(data))
	if err != nil {
		return Result{}, err
	}
	c := newCollector(lang)
	for _, b := range blocks {
		if ctx.Err() != nil {
			return Result{}, stopped(ctx, "gift", b.nums[0])
		}
		if err := c.giftQuestion(b); err != nil {
			return Result{}, err
		}
	}
	return c.res, nil
}

// giftSource is GIFT text along with which of its bytes act as syntax.
// meta[i] is false for escaped characters, and for the insides of HTML
// tags with quoted attributes and of {mlang} markers, so that the "=" of
// lang="es" or the braces of {mlang es} never read as answers.
type giftSource struct {
	s    string
	meta []bool
}

// block is one question's lines, trimmed, comments dropped.
type block struct {
	nums  []int // the line numbers of lines
	lines []string
	meta  []bool // of all lines, with false for the line breaks
}

func (b *block) add(num int, line string, meta []bool) {
	if len(b.lines) > 0 {
		b.meta = append(b.meta, false)
	}
	b.nums = append(b.nums, num)
	b.lines = append(b.lines, line)
	b.meta = append(b.meta, meta...)
}

func (b *block) source() giftSource {
	return giftSource{s: strings.Join(b.lines, "\n"), meta: b.meta}
}

// giftBlocks splits GIFT text into questions at blank lines. A blank line
// inside an answer block does not end the question, so that a brace left
// open is reported where it was opened rather than as a strange question.
func giftBlocks(text string) ([]block, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var blocks []block
	var cur block
	open := 0 // line of the answer block's "{", 0 when none is open
	for n, raw := range strings.Split(text, "\n") {
		num, line := n+1, strings.TrimSpace(raw)
		if strings.HasPrefix(line, "//") {
			continue
		}
		if line == "" && open == 0 {
			if len(cur.lines) > 0 {
				blocks = append(blocks, cur)
			}
			cur = block{}
			continue
		}
		meta := metaMask(line)
		var err error
		if open, err = braces(line, meta, num, open); err != nil {
			return nil, err
		}
		cur.add(num, line, meta)
	}
	if open > 0 {
		return nil, &Error{Format: "gift", Line: open, Msg: "answer block { is never closed with }"}
	}
	if len(cur.lines) > 0 {
		blocks = append(blocks, cur)
	}
	return blocks, nil
}

// braces follows the answer braces of one line; open is the line where
// the current answer block opened, or 0.
func braces(line string, meta []bool, num, open int) (int, error) {
	for i, m := range meta {
		switch {
		case !m:
		case line[i] == '{' && open > 0:
			return 0, &Error{Format: "gift", Line: num,
				Msg: "{ inside the answer block opened at line " + strconv.Itoa(open) + " (missing } or \\{?)"}
		case line[i] == '{':
			open = num
		case line[i] == '}' && open == 0:
			return 0, &Error{Format: "gift", Line: num, Msg: "} without an answer block (escape it as \\})"}
		case line[i] == '}':
			open = 0
		}
	}
	return open, nil
}

// escapable are the characters GIFT lets a backslash escape.
const escapable = "\\~=#{}:n"

var (
	giftMlang = regexp.MustCompile(`^(?i)\{mlang(?:\s+[a-z0-9_-]+)?\s*\}`)
	giftTag   = regexp.MustCompile(`^</?[a-zA-Z][a-zA-Z0-9]*\s[^<>]*=\s*["'][^<>]*>`)
)

// metaMask tells which bytes of a line act as GIFT syntax.
func metaMask(line string) []bool {
	meta := make([]bool, len(line))
	for i := 0; i < len(line); {
		c := line[i]
		if c == '\\' && i+1 < len(line) && strings.IndexByte(escapable, line[i+1]) >= 0 {
			i += 2
			continue
		}
		n := 0
		switch c {
		case '<':
			n = len(giftTag.FindString(line[i:]))
		case '{':
			n = len(giftMlang.FindString(line[i:]))
		}
		if n > 0 {
			i += n
			continue
		}
		meta[i] = true
		i++
	}
	return meta
}

// unescape resolves GIFT's backslash escapes.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(escapable, s[i+1]) >= 0 {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// index finds sub where all its bytes act as syntax, from byte from on.
func (g giftSource) index(sub string, from int) int {
	for i := from; i+len(sub) <= len(g.s); i++ {
		if g.s[i:i+len(sub)] == sub && allTrue(g.meta[i:i+len(sub)]) {
			return i
		}
	}
	return -1
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

func (g giftSource) slice(i, j int) giftSource {
	return giftSource{s: g.s[i:j], meta: g.meta[i:j]}
}

func (g giftSource) from(i int) giftSource { return g.slice(i, len(g.s)) }

func (g giftSource) trim() giftSource {
	i, j := 0, len(g.s)
	for i < j && isSpace(g.s[i]) {
		i++
	}
	for j > i && isSpace(g.s[j-1]) {
		j--
	}
	return g.slice(i, j)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// startsWith reports whether g starts with p acting as syntax.
func (g giftSource) startsWith(p string) bool {
	return strings.HasPrefix(g.s, p) && allTrue(g.meta[:len(p)])
}

var giftFormats = []struct {
	marker string
	f      format
}{
	{"[html]", formatHTML}, {"[moodle]", formatMoodle},
	{"[markdown]", formatMarkdown}, {"[plain]", formatPlain},
}

// withFormat reads an optional [format] marker; def is the format when
// there is none.
func (g giftSource) withFormat(def format) (format, giftSource) {
	t := g.trim()
	for _, gf := range giftFormats {
		if strings.HasPrefix(t.s, gf.marker) {
			return gf.f, t.from(len(gf.marker))
		}
	}
	return def, g
}

// text converts a piece of GIFT source, which may carry its own format.
func (c *collector) giftText(g giftSource, def format) locales.Text {
	f, g := g.withFormat(def)
	return convert(unescape(g.s), f, c.lang)
}

// giftQuestion converts one question block, or records why it cannot.
func (c *collector) giftQuestion(b block) error {
	line, src := b.nums[0], b.source()
	if strings.HasPrefix(src.s, "$CATEGORY:") {
		// Categories organise the bank; a question on the next line
		// still counts.
		if len(b.lines) == 1 {
			return nil
		}
		line, src = b.nums[1], src.from(len(b.lines[0])+1)
	}
	name, src, ok := title(src.trim())
	if !ok {
		return &Error{Format: "gift", Line: line, Msg: "question title ::… is not closed with ::"}
	}
	f, src := src.withFormat(formatMoodle)
	open := src.index("{", 0)
	if open < 0 {
		c.skip(line, name, "description (no answers)")
		return nil
	}
	end := src.index("}", open)
	if end < 0 || src.index("{", end) >= 0 {
		c.skip(line, name, "several answer blocks")
		return nil
	}
	text := src.s[:open]
	if after := src.s[end+1:]; strings.TrimSpace(after) != "" {
		// A missing-word question: the answers fill a blank in the text.
		text += "_____" + after
	}
	q, reason := c.giftAnswers(convert(unescape(text), f, c.lang), src.slice(open+1, end).trim(), f)
	if reason != "" {
		c.skip(line, name, reason)
		return nil
	}
	c.add(name, q)
	return nil
}

// title reads an optional ::name:: title; ok is false when it is not
// closed.
func title(src giftSource) (name string, rest giftSource, ok bool) {
	if !src.startsWith("::") {
		return "", src, true
	}
	end := src.index("::", 2)
	if end < 0 {
		return "", src, false
	}
	return plainName(unescape(src.s[2:end])), src.from(end + 2), true
}

// giftAnswers reads the inside of an answer block and tells the kind of
// question from it, as Moodle does.
func (c *collector) giftAnswers(text locales.Text, a giftSource, f format) (q quiz.Question, reason string) {
	var general locales.Text
	if g := a.index("####", 0); g >= 0 {
		general = c.giftText(a.from(g+4), f)
		a = a.slice(0, g).trim()
	}
	switch {
	case a.s == "":
		return q, "essay question"
	case a.startsWith("#"):
		return q, "numerical question"
	case a.index("~", 0) >= 0:
		choices, reason := c.giftChoices(a, f)
		if reason != "" {
			return q, reason
		}
		return multichoice(text, choices, general)
	case a.index("->", 0) >= 0:
		return q, "matching question"
	}
	if answer, ok := truth(a); ok {
		return trueFalse(text, answer, c.truthFeedback(a, f), general)
	}
	if a.startsWith("=") {
		return q, "short answer question"
	}
	return q, "unrecognised answer block"
}

// giftChoices reads multiple-choice answers: each starts with "=" (right)
// or "~" (wrong), may carry a %weight% and ends in optional #feedback.
func (c *collector) giftChoices(a giftSource, f format) ([]choice, string) {
	var marks []int
	for i := range a.s {
		if a.meta[i] && (a.s[i] == '=' || a.s[i] == '~') {
			marks = append(marks, i)
		}
	}
	if strings.TrimSpace(a.s[:marks[0]]) != "" {
		return nil, "unrecognised answer block"
	}
	var out []choice
	for k, m := range marks {
		end := len(a.s)
		if k+1 < len(marks) {
			end = marks[k+1]
		}
		ch := choice{}
		if a.s[m] == '=' {
			ch.weight = 100
		}
		body := a.slice(m+1, end).trim()
		if w, rest, ok := weight(body); ok {
			ch.weight, body = w, rest
		}
		if h := body.index("#", 0); h >= 0 {
			ch.feedback = c.giftText(body.from(h+1), f)
			body = body.slice(0, h)
		}
		ch.text = c.giftText(body, f)
		out = append(out, ch)
	}
	return out, ""
}

// weight reads a leading %N% answer weight, in percent.
func weight(g giftSource) (float64, giftSource, bool) {
	if !g.startsWith("%") {
		return 0, g, false
	}
	end := g.index("%", 1)
	if end < 0 {
		return 0, g, false
	}
	w, err := strconv.ParseFloat(strings.TrimSpace(g.s[1:end]), 64)
	if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, g, false
	}
	return w, g.from(end + 1).trim(), true
}

// truth reads the answer of a true/false block: T, TRUE, F or FALSE,
// before any feedback.
func truth(a giftSource) (answer, ok bool) {
	head := a
	if h := a.index("#", 0); h >= 0 {
		head = a.slice(0, h)
	}
	switch strings.ToUpper(strings.TrimSpace(head.s)) {
	case "T", "TRUE":
		return true, true
	case "F", "FALSE":
		return false, true
	}
	return false, false
}

// truthFeedback gives the feedback for the right answer. A true/false
// block carries up to two: {T#shown when wrong#shown when right}.
func (c *collector) truthFeedback(a giftSource, f format) locales.Text {
	h := a.index("#", 0)
	if h < 0 {
		return locales.Text{}
	}
	rest := a.from(h + 1)
	r := rest.index("#", 0)
	if r < 0 {
		return locales.Text{}
	}
	return c.giftText(rest.from(r+1), f)
}
