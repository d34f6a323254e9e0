package course

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/quiz"
)

// quizzes reads every *.yaml under quizzes/, weekly quizzes first by week,
// then electives in agenda order.
func (l *loader) quizzes(c *Course) []quiz.Quiz {
	entries, err := fs.ReadDir(l.fsys, quizDir)
	if err != nil {
		l.probs.Add(l.name(quizDir), 1, "cannot list quizzes: %v", err)
		return nil
	}
	var out []quiz.Quiz
	seen := map[quiz.ID]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		file := path.Join(quizDir, e.Name())
		var qf quizFile
		if !l.read(file, &qf) {
			continue
		}
		q := l.quiz(c, file, &qf)
		if first, dup := seen[q.ID]; dup {
			l.probs.Add(l.name(file), int(qf.Line), "duplicate quiz id %q (also in %s)", q.ID, first)
			continue
		}
		seen[q.ID] = l.name(file)
		out = append(out, q)
	}
	sortQuizzes(c, out)
	return out
}

func sortQuizzes(c *Course, qs []quiz.Quiz) {
	order := map[string]int{}
	for i, e := range c.Agenda.Electives {
		order[e.ID] = i
	}
	sort.SliceStable(qs, func(i, j int) bool {
		a, b := qs[i], qs[j]
		if a.Kind != b.Kind {
			return a.Kind == quiz.Weekly
		}
		if a.Kind == quiz.Weekly {
			return a.Week < b.Week
		}
		return order[a.Elective] < order[b.Elective]
	})
}

func (l *loader) quiz(c *Course, file string, qf *quizFile) quiz.Quiz {
	line := int(qf.Line)
	q := quiz.Quiz{
		ID: quiz.ID(qf.ID), Kind: quiz.Kind(qf.Kind), Week: qf.Week, Elective: qf.Elective,
		Points: qf.Points, Title: l.text(file, qf.Line, qf.Title, "title"),
	}
	if qf.ID == "" {
		l.probs.Add(l.name(file), line, "quiz has no id")
	} else if !plainID(qf.ID) {
		l.probs.Add(l.name(file), line, "quiz id %q: use only letters, digits, '-', '_' and '.'", qf.ID)
	} else if quiz.ID(qf.ID) == quiz.EssayID {
		l.probs.Add(l.name(file), line, "quiz id %q is taken: coordinators name the final essay so (/extend essay)", qf.ID)
	}
	l.quizKind(c, file, qf)
	l.window(c, file, qf, &q)
	q.Questions = l.questions(file, qf)
	for _, qq := range qf.Questions {
		c.sources[sourceKey(q.ID, qq.ID)] = source{file: l.name(file), line: int(qq.Line)}
	}
	sum := 0
	for _, qu := range q.Questions {
		sum += qu.Points
	}
	if sum != qf.Points {
		l.probs.Add(l.name(file), line, "quiz %s: questions add up to %d points, but the quiz declares %d", qf.ID, sum, qf.Points)
	}
	return q
}

// quizKind checks the kind against the course's point rules.
func (l *loader) quizKind(c *Course, file string, qf *quizFile) {
	line, r := int(qf.Line), c.Rules
	switch quiz.Kind(qf.Kind) {
	case quiz.Weekly:
		if qf.Week < 1 || qf.Week > r.WeeklyCount {
			l.probs.Add(l.name(file), line, "quiz %s: week %d is not between 1 and %d", qf.ID, qf.Week, r.WeeklyCount)
		}
		if qf.Elective != "" {
			l.probs.Add(l.name(file), line, "quiz %s: a weekly quiz names no elective", qf.ID)
		}
		if qf.Points != r.WeeklyPoints {
			l.probs.Add(l.name(file), line, "quiz %s: a weekly quiz is worth %d points, not %d", qf.ID, r.WeeklyPoints, qf.Points)
		}
	case quiz.Elective:
		if _, ok := c.Agenda.Elective(qf.Elective); !ok {
			l.probs.Add(l.name(file), line, "quiz %s: unknown elective %q", qf.ID, qf.Elective)
		}
		if qf.Points <= 0 || qf.Points > r.ElectivePoints {
			l.probs.Add(l.name(file), line, "quiz %s: an elective quiz is worth 1 to %d points, not %d", qf.ID, r.ElectivePoints, qf.Points)
		}
	default:
		l.probs.Add(l.name(file), line, "quiz %s: unknown kind %q (weekly or elective)", qf.ID, qf.Kind)
	}
}

// window sets when the quiz takes answers. It opens within the course
// and may close after it (participants finish late quizzes after the
// last day), but never sooner than the course's shortest window allows.
func (l *loader) window(c *Course, file string, qf *quizFile, q *quiz.Quiz) {
	opensLine := lineOr(qf.Opens.Line, qf.Line)
	opens, ok1 := l.localStamp(file, opensLine, c.Location, qf.Opens.Value, "opens")
	closes, closesAt, ok2 := l.closing(c, file, qf)
	if !ok1 || !ok2 {
		return
	}
	q.Opens, q.Closes = opens, closes
	if opens.Before(c.Start) || !opens.Before(c.End) {
		l.probs.Add(l.name(file), int(opensLine), "quiz %s: opens %s, outside the course (%s to %s)",
			qf.ID, qf.Opens.Value, day(c.Start, c.Location), day(c.End.Add(-time.Second), c.Location))
	}
	line := int(lineOr(qf.Closes.Line, opensLine))
	switch open := closes.Sub(opens); {
	case open <= 0:
		l.probs.Add(l.name(file), line, "quiz %s: closes (%s%s) before it opens (%s)", qf.ID, stamp(closes, c.Location), closesAt, qf.Opens.Value)
	case open < c.MinQuizOpen:
		l.probs.Add(l.name(file), line, "quiz %s: open %s (%s to %s%s), less than the %d days course.yaml's quizzes.min_open_days asks",
			qf.ID, openLength(open), qf.Opens.Value, stamp(closes, c.Location), closesAt, int(c.MinQuizOpen/(24*time.Hour)))
	}
}

// closing is when the quiz closes: its own closes, else the course's
// default; where tells which, for problems about the window.
func (l *loader) closing(c *Course, file string, qf *quizFile) (closes time.Time, where string, ok bool) {
	if qf.Closes.Value != "" {
		closes, ok = l.localStamp(file, qf.Closes.Line, c.Location, qf.Closes.Value, "closes")
		return closes, "", ok
	}
	if c.QuizCloses.IsZero() {
		l.probs.Add(l.name(file), int(qf.Line), "quiz %s: no closes, and course.yaml gives no quizzes.closes to fall back on", qf.ID)
		return time.Time{}, "", false
	}
	return c.QuizCloses, fmt.Sprintf(", course.yaml line %d", l.at("quizzes.closes")), true
}

// lineOr is line, or parent when the value was absent.
func lineOr(line, parent Line) Line {
	if line == 0 {
		return parent
	}
	return line
}

// stamp writes t as a course file does: 2022-12-09T23:59.
func stamp(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02T15:04") }

// openLength writes a window's length in days and hours: "6 days 8 hours".
func openLength(d time.Duration) string {
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	return fmt.Sprintf("%d days %d hours", days, hours)
}

// span reads a window's opens and closes, local stamps in loc; ok is
// false when either cannot be read. A window that closes before it
// opens is reported, what prefixing the problem.
func (l *loader) span(file string, line Line, loc *time.Location, opens, closes, what string) (o, c time.Time, ok bool) {
	o, ok1 := l.localStamp(file, line, loc, opens, "opens")
	c, ok2 := l.localStamp(file, line, loc, closes, "closes")
	if ok1 && ok2 && !c.After(o) {
		l.probs.Add(l.name(file), int(line), "%scloses (%s) before it opens (%s)", what, closes, opens)
	}
	return o, c, ok1 && ok2
}

func (l *loader) questions(file string, qf *quizFile) []quiz.Question {
	if len(qf.Questions) == 0 {
		l.probs.Add(l.name(file), int(qf.Line), "quiz %s has no questions", qf.ID)
	}
	seen := l.newIDs(file, "question")
	var out []quiz.Question
	for _, qq := range qf.Questions {
		seen.add(qq.ID, qq.Line)
		out = append(out, l.question(file, &qq))
	}
	return out
}

func (l *loader) question(file string, qq *questionFile) quiz.Question {
	what := "question " + qq.ID
	q := quiz.Question{
		ID: qq.ID, Points: qq.Points, Correct: -1,
		Text:        l.text(file, qq.Line, qq.Text, what+" text"),
		Explanation: l.text(file, qq.Line, qq.Explanation, what+" explanation"),
	}
	if qq.Points <= 0 {
		l.probs.Add(l.name(file), int(qq.Line), "%s: points must be positive", what)
	}
	if len(qq.Options) < 2 {
		l.probs.Add(l.name(file), int(qq.Line), "%s: needs at least 2 options, has %d", what, len(qq.Options))
	}
	l.lengths(file, qq)
	var correct []string
	for i, o := range qq.Options {
		q.Options = append(q.Options, l.text(file, o.Line, textFile{Line: o.Line, EN: o.EN, ES: o.ES}, fmt.Sprintf("%s option %d", what, i+1)))
		if o.Correct {
			q.Correct = i
			correct = append(correct, fmt.Sprint(i+1))
		}
	}
	switch len(correct) {
	case 0:
		l.probs.Add(l.name(file), int(qq.Line), "%s: no option is marked correct: true", what)
	case 1:
	default:
		l.probs.Add(l.name(file), int(qq.Line), "%s: %d options are marked correct (options %s); exactly one must be", what, len(correct), strings.Join(correct, ", "))
	}
	return q
}

// Native quiz polls (Telegram) take at most 300 characters of question,
// 100 per option and 200 of explanation. The question keeps 12 of its
// 300 for the "(3/5) " position the bot puts in front.
const (
	maxQuestion    = 288
	maxOption      = 100
	maxExplanation = 200
)

// lengths reports texts too long to be shown as a native quiz poll.
func (l *loader) lengths(file string, qq *questionFile) {
	check := func(line Line, what, en, es string, max int) {
		for _, t := range []struct{ lang, s string }{{"en", en}, {"es", es}} {
			if n := utf8.RuneCountInString(t.s); n > max {
				l.probs.Add(l.name(file), int(line), "question %s %s (%s) has %d characters; at most %d fit in a quiz poll", qq.ID, what, t.lang, n, max)
			}
		}
	}
	check(qq.Text.Line, "text", qq.Text.EN, qq.Text.ES, maxQuestion)
	check(qq.Explanation.Line, "explanation", qq.Explanation.EN, qq.Explanation.ES, maxExplanation)
	for i, o := range qq.Options {
		check(o.Line, fmt.Sprintf("option %d", i+1), o.EN, o.ES, maxOption)
	}
}
