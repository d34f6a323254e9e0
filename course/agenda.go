package course

import (
	"sort"
	"time"

	"github.com/elmabot/elmabot/schedule"
)

// kindOf and themeOf read the agenda's words; a switch keeps them
// immutable, unlike a package-level map.
func kindOf(s string) (schedule.Kind, bool) {
	switch k := schedule.Kind(s); k {
	case schedule.Opening, schedule.Welcome, schedule.Plenary, schedule.ElectiveSession, schedule.Quizzes, schedule.Closing:
		return k, true
	}
	return "", false
}

const kindNames = "opening, welcome, plenary, elective, quizzes, closing"

func themeOf(s string) (schedule.Theme, bool) {
	switch t := schedule.Theme(s); t {
	case schedule.Governance, schedule.Protection, schedule.Development, schedule.Crisis:
		return t, true
	}
	return "", false
}

const themeNames = "governance, protection, development, crisis"

func (l *loader) agenda(c *Course, af *agendaFile) schedule.Agenda {
	a := schedule.Agenda{Location: c.Location, Electives: l.electives(af.Electives)}
	seen := l.newIDs(agendaName, "session")
	for i := range af.Sessions {
		sf := &af.Sessions[i]
		seen.add(sf.ID, sf.Line)
		if ev, ok := l.session(c, &a, sf); ok {
			a.Events = append(a.Events, ev)
		}
	}
	sort.SliceStable(a.Events, func(i, j int) bool { return a.Events[i].Start.Before(a.Events[j].Start) })
	l.overlaps(&a, af)
	return a
}

func (l *loader) electives(list []electiveFile) []schedule.Elective {
	seen := l.newIDs(agendaName, "elective")
	var out []schedule.Elective
	for _, ef := range list {
		seen.add(ef.ID, ef.Line)
		l.mark("elective:"+ef.ID, ef.Line)
		theme, ok := themeOf(ef.Theme)
		if !ok {
			l.probs.Add(l.name(agendaName), int(ef.Line), "elective %q: unknown theme %q (known: %s)", ef.ID, ef.Theme, themeNames)
		}
		out = append(out, schedule.Elective{ID: ef.ID, Theme: theme, Title: l.text(agendaName, ef.Line, ef.Title, "elective "+ef.ID+" title")})
	}
	return out
}

// session converts one agenda row; ok is false when its times are unusable.
func (l *loader) session(c *Course, a *schedule.Agenda, sf *sessionFile) (schedule.Event, bool) {
	f, line := agendaName, int(sf.Line)
	what := "session " + sf.ID
	ev := schedule.Event{
		ID: sf.ID, Week: sf.Week, Speakers: sf.Speakers, PreRecorded: sf.PreRecorded,
		Elective: sf.Elective, Link: sf.Link,
		Languages: l.langs(f, sf.Line, sf.Languages, what+" languages"),
	}
	if ev.Link == "" {
		ev.Link = c.Webinars
	}
	kind, ok := kindOf(sf.Kind)
	if !ok {
		l.probs.Add(l.name(f), line, "%s: unknown kind %q (known: %s)", what, sf.Kind, kindNames)
	}
	ev.Kind = kind
	l.sessionTopic(a, sf, &ev)
	start, ok1 := l.wallTime(f, sf.Line, c.Location, sf.Date, sf.Start, what+" start")
	end, ok2 := l.wallTime(f, sf.Line, c.Location, sf.Date, sf.End, what+" end")
	if !ok1 || !ok2 {
		return ev, false
	}
	ev.Start, ev.End = start, end
	if !end.After(start) {
		l.probs.Add(l.name(f), line, "%s: ends at %s, not after its start %s", what, sf.End, sf.Start)
	}
	if start.Before(c.Start) || end.After(c.End) {
		l.probs.Add(l.name(f), line, "%s: %s is outside the course (%s to %s)", what, sf.Date, day(c.Start, c.Location), day(c.End.Add(-time.Second), c.Location))
	}
	if week := courseWeek(c, start); sf.Week != week {
		l.probs.Add(l.name(f), line, "%s: week is %d, but %s falls in course week %d", what, sf.Week, sf.Date, week)
	}
	return ev, true
}

// sessionTopic fills the theme and title: an elective session takes its
// elective's, any other session must carry its own.
func (l *loader) sessionTopic(a *schedule.Agenda, sf *sessionFile, ev *schedule.Event) {
	f, line, what := agendaName, int(sf.Line), "session "+sf.ID
	hasTitle := sf.Title.EN != "" || sf.Title.ES != ""
	if hasTitle {
		ev.Title = l.text(f, sf.Line, sf.Title, what+" title")
	}
	if sf.Theme != "" {
		theme, ok := themeOf(sf.Theme)
		if !ok {
			l.probs.Add(l.name(f), line, "%s: unknown theme %q (known: %s)", what, sf.Theme, themeNames)
		}
		ev.Theme = theme
	}
	if ev.Kind != schedule.ElectiveSession {
		if sf.Elective != "" {
			l.probs.Add(l.name(f), line, "%s: only elective sessions name an elective", what)
		}
		if !hasTitle {
			l.probs.Add(l.name(f), line, "%s: title is missing", what)
		}
		return
	}
	el, ok := a.Elective(sf.Elective)
	if !ok {
		l.probs.Add(l.name(f), line, "%s: unknown elective %q", what, sf.Elective)
		return
	}
	if sf.Theme != "" && ev.Theme != el.Theme {
		l.probs.Add(l.name(f), line, "%s: theme %q differs from its elective's %q", what, sf.Theme, el.Theme)
	}
	ev.Theme = el.Theme
	if !hasTitle {
		ev.Title = el.Title
	}
}

// overlaps reports two sessions of the same elective that overlap in time.
func (l *loader) overlaps(a *schedule.Agenda, af *agendaFile) {
	lines := map[string]Line{}
	for _, sf := range af.Sessions {
		lines[sf.ID] = sf.Line
	}
	last := map[string]schedule.Event{}
	for _, ev := range a.Events {
		if ev.Elective == "" {
			continue
		}
		if prev, ok := last[ev.Elective]; ok && ev.Start.Before(prev.End) {
			l.probs.Add(l.name(agendaName), int(lines[ev.ID]), "session %s overlaps session %s of the same elective %q", ev.ID, prev.ID, ev.Elective)
		}
		if prev, ok := last[ev.Elective]; !ok || ev.End.After(prev.End) {
			last[ev.Elective] = ev
		}
	}
}

// courseWeek is the 1-based course week of t, counted from the start day.
func courseWeek(c *Course, t time.Time) int {
	y, m, d := c.Start.In(c.Location).Date()
	first := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	y, m, d = t.In(c.Location).Date()
	this := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	return int(this.Sub(first).Hours()/24)/7 + 1
}

func day(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }
