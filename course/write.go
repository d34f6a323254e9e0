package course

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// WriteQuiz writes q in the quiz file format, its window as wall times in
// loc. Strings are written as JSON strings, which YAML reads unchanged,
// so no text can break the file whatever characters it holds.
func WriteQuiz(w io.Writer, q *quiz.Quiz, loc *time.Location) error {
	p := &printer{w: w}
	p.line(0, "id: %s", str(string(q.ID)))
	p.line(0, "kind: %s", str(string(q.Kind)))
	if q.Kind == quiz.Weekly {
		p.line(0, "week: %d", q.Week)
	} else {
		p.line(0, "elective: %s", str(q.Elective))
	}
	p.text(0, "title", q.Title)
	p.line(0, "points: %d", q.Points)
	p.line(0, "opens: %s", str(q.Opens.In(loc).Format("2006-01-02T15:04")))
	p.line(0, "closes: %s", str(q.Closes.In(loc).Format("2006-01-02T15:04")))
	p.line(0, "questions:")
	for _, qu := range q.Questions {
		p.line(1, "- id: %s", str(qu.ID))
		p.line(2, "points: %d", qu.Points)
		p.text(2, "text", qu.Text)
		p.line(2, "options:")
		for i, o := range qu.Options {
			p.line(3, "- en: %s", str(o.EN))
			p.line(4, "es: %s", str(o.ES))
			if i == qu.Correct {
				p.line(4, "correct: true")
			}
		}
		p.text(2, "explanation", qu.Explanation)
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(indent int, format string, args ...any) {
	if p.err != nil {
		return
	}
	pad := ""
	for range indent {
		pad += "  "
	}
	_, p.err = fmt.Fprintf(p.w, pad+format+"\n", args...)
}

func (p *printer) text(indent int, name string, t locales.Text) {
	p.line(indent, "%s:", name)
	p.line(indent+1, "en: %s", str(t.EN))
	p.line(indent+1, "es: %s", str(t.ES))
}

func str(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
