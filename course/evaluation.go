package course

import (
	"errors"
	"io/fs"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/locales"
)

// Evaluation is the course's final evaluation questionnaire: rating
// questions on a scale of 1 (lowest) to 5 and open questions, asked one
// at a time in the chat between Opens and Closes. A course without
// evaluation.yaml has none (Course.Evaluation is nil).
type Evaluation struct {
	Title locales.Text
	Intro locales.Text // said before the first question
	// Opens and Closes bound the answers taken; the invitation goes out
	// at Opens.
	Opens, Closes time.Time
	// Scale labels ratings 1 to 5, in order: Scale[0] is rating 1.
	Scale     []locales.Text
	Questions []EvalQuestion
}

// EvalKind says how a question of the evaluation is answered.
type EvalKind string

const (
	// RatingQuestion is answered by choosing 1 to 5 (a poll or buttons).
	RatingQuestion EvalKind = "rating"
	// OpenQuestion is answered by typing a message; it may be skipped.
	OpenQuestion EvalKind = "open"
)

// EvalQuestion is one question of the evaluation.
type EvalQuestion struct {
	ID   string
	Kind EvalKind
	Text locales.Text
}

// ScaleSize is the number of points on a rating question's scale.
const ScaleSize = 5

// Question finds a question by id, with its position (from 0).
func (e *Evaluation) Question(id string) (*EvalQuestion, int, bool) {
	for i := range e.Questions {
		if e.Questions[i].ID == id {
			return &e.Questions[i], i, true
		}
	}
	return nil, -1, false
}

// OpenAt reports whether answers are taken at t.
func (e *Evaluation) OpenAt(t time.Time) bool { return !t.Before(e.Opens) && t.Before(e.Closes) }

// evaluationFile is evaluation.yaml.
type evaluationFile struct {
	Line      Line
	Title     textFile           `yaml:"title"`
	Intro     textFile           `yaml:"intro"`
	Opens     string             `yaml:"opens"`  // 2022-12-05T10:00
	Closes    string             `yaml:"closes"` // 2022-12-16T23:59
	Scale     []textFile         `yaml:"scale"`  // labels of 1 to 5
	Questions []evalQuestionFile `yaml:"questions"`
}

type evalQuestionFile struct {
	Line Line
	ID   string   `yaml:"id"`
	Kind string   `yaml:"kind"` // rating or open
	Text textFile `yaml:"text"`
}

const evaluationName = "evaluation.yaml"

// Limits that come from how the questions are shown: a rating question
// is a native poll (question up to 300 characters, 12 of them kept for
// the "(3/10) " position; options up to 100), and an id travels in
// button data of at most 64 bytes with its signature.
const (
	maxEvalID     = 24
	maxEvalRating = 288
	maxEvalOpen   = 1000
)

// evaluation reads evaluation.yaml if the course has one.
func (l *loader) evaluation(c *Course) *Evaluation {
	if _, err := fs.Stat(l.fsys, evaluationName); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var ef evaluationFile
	if !l.read(evaluationName, &ef) {
		return nil
	}
	f := evaluationName
	e := &Evaluation{
		Title: l.text(f, ef.Line, ef.Title, "title"),
		Intro: l.text(f, ef.Line, ef.Intro, "intro"),
	}
	l.evalWindow(c, &ef, e)
	l.evalScale(&ef, e)
	seen := l.newIDs(f, "evaluation question")
	for _, qf := range ef.Questions {
		seen.add(qf.ID, qf.Line)
		e.Questions = append(e.Questions, l.evalQuestion(qf))
	}
	if len(e.Questions) == 0 {
		l.probs.Add(l.name(f), int(ef.Line), "the evaluation has no questions")
	}
	return e
}

// evalWindow sets when answers are taken: it cannot open before the
// course starts (it may, and usually does, close after the course ends).
func (l *loader) evalWindow(c *Course, ef *evaluationFile, e *Evaluation) {
	opens, closes, ok := l.span(evaluationName, ef.Line, c.Location, ef.Opens, ef.Closes, "")
	if !ok {
		return
	}
	e.Opens, e.Closes = opens, closes
	if opens.Before(c.Start) {
		l.probs.Add(l.name(evaluationName), int(ef.Line), "opens (%s) is before the course starts (%s)", ef.Opens, day(c.Start, c.Location))
	}
}

func (l *loader) evalScale(ef *evaluationFile, e *Evaluation) {
	if len(ef.Scale) != ScaleSize {
		l.probs.Add(l.name(evaluationName), int(ef.Line), "scale: give %d labels, for 1 (lowest) to %d; found %d", ScaleSize, ScaleSize, len(ef.Scale))
	}
	for i, s := range ef.Scale {
		t := l.text(evaluationName, s.Line, s, "scale label "+strconv.Itoa(i+1))
		l.fits(s.Line, t, maxOption, "scale label "+strconv.Itoa(i+1))
		e.Scale = append(e.Scale, t)
	}
}

func (l *loader) evalQuestion(qf evalQuestionFile) EvalQuestion {
	what := "question " + qf.ID
	q := EvalQuestion{ID: qf.ID, Kind: EvalKind(qf.Kind), Text: l.text(evaluationName, qf.Line, qf.Text, what+" text")}
	if len(qf.ID) > maxEvalID {
		l.probs.Add(l.name(evaluationName), int(qf.Line), "%s: an id has at most %d characters", what, maxEvalID)
	}
	switch q.Kind {
	case RatingQuestion:
		l.fits(qf.Text.Line, q.Text, maxEvalRating, what+" text")
	case OpenQuestion:
		l.fits(qf.Text.Line, q.Text, maxEvalOpen, what+" text")
	default:
		l.probs.Add(l.name(evaluationName), int(qf.Line), "%s: unknown kind %q (rating or open)", what, qf.Kind)
	}
	return q
}

// fits reports a text longer than max characters in either language.
func (l *loader) fits(line Line, t locales.Text, max int, what string) {
	for _, lang := range locales.Langs() {
		if n := utf8.RuneCountInString(t.In(lang)); n > max {
			l.probs.Add(l.name(evaluationName), int(line), "%s (%s) has %d characters; at most %d fit", what, lang, n, max)
		}
	}
}
