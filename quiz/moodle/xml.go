package moodle

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// xmlText is Moodle XML's way of storing text: <x format="html"><text>.
type xmlText struct {
	Format string `xml:"format,attr"`
	Text   string `xml:"text"`
}

type xmlAnswer struct {
	Fraction string  `xml:"fraction,attr"`
	Format   string  `xml:"format,attr"`
	Text     string  `xml:"text"`
	Feedback xmlText `xml:"feedback"`
}

type xmlQuestion struct {
	Type            string      `xml:"type,attr"`
	Name            xmlText     `xml:"name"`
	QuestionText    xmlText     `xml:"questiontext"`
	GeneralFeedback xmlText     `xml:"generalfeedback"`
	Single          string      `xml:"single"`
	Answers         []xmlAnswer `xml:"answer"`
}

// ParseXML reads questions in the Moodle XML format: a <quiz> holding
// <question type="..."> elements. lang is the language the export is
// written in.
func ParseXML(r io.Reader, lang locales.Lang) (Result, error) {
	return parseXML(context.Background(), r, lang)
}

func parseXML(ctx context.Context, r io.Reader, lang locales.Lang) (Result, error) {
	if err := checkLang(lang); err != nil {
		return Result{}, err
	}
	d := xml.NewDecoder(r)
	// Hand-edited exports sometimes carry HTML entities outside CDATA.
	d.Entity = xml.HTMLEntity
	if err := quizRoot(ctx, d); err != nil {
		return Result{}, err
	}
	c := newCollector(lang)
	for {
		if ctx.Err() != nil {
			line, _ := d.InputPos()
			return Result{}, stopped(ctx, "moodle xml", line)
		}
		tok, err := d.Token()
		if err != nil {
			return Result{}, xmlError(ctx, d, err, "the export ends inside <quiz>")
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return c.res, nil // </quiz>: whatever follows is not ours
		case xml.StartElement:
			if err := c.xmlElement(ctx, d, t); err != nil {
				return Result{}, err
			}
		}
	}
}

// xmlElement reads one element inside <quiz>; only questions matter.
func (c *collector) xmlElement(ctx context.Context, d *xml.Decoder, t xml.StartElement) error {
	line, _ := d.InputPos()
	if t.Name.Local != "question" {
		if err := d.Skip(); err != nil {
			return xmlError(ctx, d, err, "the export ends inside <"+t.Name.Local+">")
		}
		return nil
	}
	var q xmlQuestion
	if err := d.DecodeElement(&q, &t); err != nil {
		return xmlError(ctx, d, err, "the export ends inside <question>")
	}
	c.xmlQuestion(line, &q)
	return nil
}

// quizRoot reads up to the <quiz> element that opens every export.
func quizRoot(ctx context.Context, d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return xmlError(ctx, d, err, "no <quiz> element")
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != "quiz" {
				line, _ := d.InputPos()
				return &Error{Format: "moodle xml", Line: line, Msg: "root element is <" + t.Name.Local + ">, not <quiz>"}
			}
			return nil
		}
	}
}

// xmlError names the line of a decoding error; atEOF explains running
// out of input.
func xmlError(ctx context.Context, d *xml.Decoder, err error, atEOF string) error {
	line, _ := d.InputPos()
	var syn *xml.SyntaxError
	switch {
	case ctx.Err() != nil:
		return stopped(ctx, "moodle xml", line)
	case errors.Is(err, io.EOF):
		return &Error{Format: "moodle xml", Line: line, Msg: atEOF}
	case errors.As(err, &syn) && syn.Msg == "unexpected EOF":
		return &Error{Format: "moodle xml", Line: syn.Line, Msg: atEOF}
	case errors.As(err, &syn):
		return &Error{Format: "moodle xml", Line: syn.Line, Msg: syn.Msg}
	}
	return fmt.Errorf("moodle xml: line %d: %w", line, err)
}

// otherTypes explains the question types the bot cannot ask.
var otherTypes = map[string]string{
	"essay":            "essay question",
	"shortanswer":      "short answer question",
	"matching":         "matching question",
	"numerical":        "numerical question",
	"description":      "description (no answers)",
	"cloze":            "embedded answers (cloze) question",
	"calculated":       "calculated question",
	"calculatedmulti":  "calculated multichoice question",
	"calculatedsimple": "calculated question",
	"ddwtos":           "drag and drop into text question",
	"gapselect":        "select missing words question",
	"randomsamatch":    "random short-answer matching question",
}

// xmlQuestion converts one <question>, or records why it cannot.
func (c *collector) xmlQuestion(line int, q *xmlQuestion) {
	if q.Type == "category" {
		return // categories only organise the bank
	}
	var out quiz.Question
	var reason string
	switch q.Type {
	case "multichoice":
		out, reason = c.xmlMultichoice(q)
	case "truefalse":
		out, reason = c.xmlTrueFalse(q)
	default:
		reason = otherReason(q.Type)
	}
	name := plainName(q.Name.Text)
	if reason != "" {
		c.skip(line, name, reason)
		return
	}
	c.add(name, out)
}

func otherReason(typ string) string {
	if r, ok := otherTypes[typ]; ok {
		return r
	}
	if typ == "" {
		return "question without a type"
	}
	return typ + " question"
}

func (c *collector) xmlMultichoice(q *xmlQuestion) (quiz.Question, string) {
	switch strings.ToLower(strings.TrimSpace(q.Single)) {
	case "false", "0":
		return quiz.Question{}, "multiple-answer question (single=false)"
	}
	var choices []choice
	for _, a := range q.Answers {
		w, ok := fraction(a.Fraction)
		if !ok {
			return quiz.Question{}, fmt.Sprintf("invalid fraction %q", a.Fraction)
		}
		choices = append(choices, choice{
			text:     c.xmlText(xmlText{Format: a.Format, Text: a.Text}),
			feedback: c.xmlText(a.Feedback),
			weight:   w,
		})
	}
	return multichoice(c.xmlText(q.QuestionText), choices, c.xmlText(q.GeneralFeedback))
}

// xmlTrueFalse reads a true/false question, whose answers Moodle always
// exports as "true" and "false" whatever the course language.
func (c *collector) xmlTrueFalse(q *xmlQuestion) (quiz.Question, string) {
	var answer, found bool
	var feedback locales.Text
	for _, a := range q.Answers {
		w, ok := fraction(a.Fraction)
		switch {
		case !ok:
			return quiz.Question{}, fmt.Sprintf("invalid fraction %q", a.Fraction)
		case w == 100 && found:
			return quiz.Question{}, "multiple correct answers"
		case w == 100:
			found, feedback = true, c.xmlText(a.Feedback)
		case w > 0:
			return quiz.Question{}, "partial credit " + percent(w)
		default:
			continue
		}
		switch strings.ToLower(plain(a.Text, formatHTML)) {
		case "true":
			answer = true
		case "false":
			answer = false
		default:
			return quiz.Question{}, "unrecognised true/false answers"
		}
	}
	if !found {
		return quiz.Question{}, "no correct answer"
	}
	return trueFalse(c.xmlText(q.QuestionText), answer, feedback, c.xmlText(q.GeneralFeedback))
}

// fraction reads an answer's fraction attribute, in percent; Moodle
// writes values such as "100", "0" or "-33.33333".
func fraction(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, false
	}
	return w, true
}

var xmlFormats = map[string]format{
	"html":               formatHTML,
	"moodle_auto_format": formatMoodle,
	"markdown":           formatMarkdown,
	"plain_text":         formatPlain,
}

func (c *collector) xmlText(t xmlText) locales.Text {
	f, ok := xmlFormats[t.Format]
	if !ok {
		f = formatHTML
	}
	return convert(t.Text, f, c.lang)
}
