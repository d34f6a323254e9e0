package course

import (
	"errors"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
)

// loader carries what one Load call has read so far and every problem met.
type loader struct {
	fsys  fs.FS
	label string
	probs Problems
	// lines remembers where things were declared, for problems that are
	// only found once every file is read ("elective:skills", "weekly").
	lines map[string]Line
	// unread is set when a file could not be read at all: checks across
	// files are then skipped, as they would only echo that problem.
	unread bool
}

func (l *loader) mark(key string, line Line) {
	if l.lines == nil {
		l.lines = map[string]Line{}
	}
	l.lines[key] = line
}

// at returns the remembered line of key, or 1 when unknown.
func (l *loader) at(key string) int {
	if line, ok := l.lines[key]; ok {
		return int(line)
	}
	return 1
}

func (l *loader) name(file string) string { return path.Join(l.label, file) }

// read decodes one file into out, reporting what is wrong with it. ok is
// false only when nothing could be read (missing file, syntax error): a
// file with an unknown field is still converted, so that later checks
// report their own problems rather than cascades of this one.
func (l *loader) read(file string, out any) bool {
	data, err := fs.ReadFile(l.fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		l.probs.Add(l.name(file), 1, "file is missing")
		l.unread = true
		return false
	}
	if err != nil {
		l.probs.Add(l.name(file), 1, "cannot read: %v", err)
		l.unread = true
		return false
	}
	if !decodeFile(l.name(file), data, out, &l.probs) {
		l.unread = true
		return false
	}
	return true
}

func (l *loader) load() *Course {
	var cf courseFile
	if !l.read(courseName, &cf) {
		return nil
	}
	c := l.settings(&cf)
	if c == nil {
		return nil
	}
	var af agendaFile
	if l.read(agendaName, &af) {
		c.Agenda = l.agenda(c, &af)
	}
	c.sources = map[string]source{}
	c.Bank.Quizzes = l.quizzes(c)
	var ff faqFile
	if l.read(faqName, &ff) {
		c.FAQ = l.faq(&ff)
	}
	c.Support = NewMatcher(c.FAQ, buttonLabels(c))
	c.Evaluation = l.evaluation(c)
	if !l.unread {
		l.crossCheck(c)
	}
	return c
}

// text checks that both languages are present and converts. A text that
// is absent altogether is reported at parent, the line of its owner.
func (l *loader) text(file string, parent Line, t textFile, what string) locales.Text {
	line := t.Line
	if line == 0 {
		line = parent
	}
	for _, lang := range (locales.Text{EN: t.EN, ES: t.ES}).Missing() {
		l.probs.Add(l.name(file), int(line), "%s: missing %s translation", what, lang)
	}
	return locales.Text{EN: strings.TrimSpace(t.EN), ES: strings.TrimSpace(t.ES)}
}

// ids reports duplicates among ids declared in file.
type ids struct {
	l    *loader
	file string
	what string
	seen map[string]int
}

func (l *loader) newIDs(file, what string) *ids {
	return &ids{l: l, file: file, what: what, seen: map[string]int{}}
}

// add records id at line; false when it is empty or seen before.
func (s *ids) add(id string, line Line) bool {
	if id == "" {
		s.l.probs.Add(s.l.name(s.file), int(line), "%s has no id", s.what)
		return false
	}
	if first, dup := s.seen[id]; dup {
		s.l.probs.Add(s.l.name(s.file), int(line), "duplicate %s id %q (first at line %d)", s.what, id, first)
		return false
	}
	s.seen[id] = int(line)
	if !plainID(id) {
		s.l.probs.Add(s.l.name(s.file), int(line), "%s id %q: use only letters, digits, '-', '_' and '.'", s.what, id)
		return false
	}
	return true
}

// plainID keeps ids to characters that are safe inside the names the
// bot builds from them (delivery items "qq:<quiz>:<question>", button
// data, Redis keys).
func plainID(id string) bool {
	for _, r := range id {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// wallTime turns a course-local date and clock into an instant. A wall
// time that does not exist (the spring-forward gap) is reported.
func (l *loader) wallTime(file string, line Line, loc *time.Location, date, clock, what string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
	if err != nil {
		l.probs.Add(l.name(file), int(line), "%s: %q %q is not a date (YYYY-MM-DD) and time (HH:MM)", what, date, clock)
		return time.Time{}, false
	}
	if t.Format("2006-01-02 15:04") != date+" "+clock {
		l.probs.Add(l.name(file), int(line), "%s: %s %s does not exist in %s (clocks jump forward)", what, date, clock, loc)
		return time.Time{}, false
	}
	return t.UTC(), true
}

// localStamp reads "2022-10-21T15:00" in loc.
func (l *loader) localStamp(file string, line Line, loc *time.Location, s, what string) (time.Time, bool) {
	date, clock, ok := strings.Cut(s, "T")
	if !ok {
		l.probs.Add(l.name(file), int(line), "%s: %q is not a local date-time such as 2022-10-21T15:00", what, s)
		return time.Time{}, false
	}
	return l.wallTime(file, line, loc, date, clock, what)
}

func (l *loader) langs(file string, line Line, tags []string, what string) []locales.Lang {
	var out []locales.Lang
	for _, tag := range tags {
		lang, ok := locales.ParseLang(tag)
		if !ok || string(lang) != tag {
			l.probs.Add(l.name(file), int(line), "%s: unknown language %q (use en or es)", what, tag)
			continue
		}
		out = append(out, lang)
	}
	if len(out) == 0 {
		l.probs.Add(l.name(file), int(line), "%s: no language given", what)
	}
	return out
}
