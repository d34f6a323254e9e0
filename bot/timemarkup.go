package bot

import (
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
)

// TimeStyle is the form an instant takes in a platform's time markup.
type TimeStyle int

// The forms of TimeMarkup.
const (
	TimeFull     TimeStyle = iota // the date and the time of day
	TimeOfDay                     // the time of day alone
	TimeRelative                  // how far away: "in 2 hours", "3 days ago"
)

// TimeMarkup is a Messenger whose platform writes an instant from markup
// in each reader's own zone and clock (Discord's <t:…>). The core then
// writes instants that way, with Turin time beside them, so a reader
// need not set /timezone for times to read right; on other platforms
// the core converts to the zone the participant set.
type TimeMarkup interface {
	TimeMarkup(t time.Time, style TimeStyle) string
}

// face writes instants for one reader: through the platform's markup
// when mark is set, else converted by the bot to the reader's zone.
// Course time (Turin) is always given, as the agenda states it.
type face struct {
	pr          *locales.Printer
	course, own *time.Location
	mark        TimeMarkup // nil: the bot converts
}

// faceFor is the face of m's platform for a reader in zone own.
func faceFor(m Messenger, pr *locales.Printer, course, own *time.Location) face {
	mark, _ := m.(TimeMarkup)
	return face{pr: pr, course: course, own: own, mark: mark}
}

// session writes when a session takes place: Turin time, then the
// reader's own (converted when it differs, or as markup).
func (f face) session(ev *schedule.Event) string {
	pr := f.pr
	cs, ce := ev.Start.In(f.course), ev.End.In(f.course)
	course := pr.T("session_when_course", "Day", pr.Date(cs), "Start", pr.Clock(cs), "End", pr.Clock(ce))
	if f.mark != nil {
		return pr.T("session_when_local", "Start", f.mark.TimeMarkup(ev.Start, TimeFull),
			"End", f.mark.TimeMarkup(ev.End, TimeOfDay), "Relative", f.mark.TimeMarkup(ev.Start, TimeRelative)) + "\n" + course
	}
	if f.own.String() == f.course.String() {
		return course
	}
	os, oe := ev.Start.In(f.own), ev.End.In(f.own)
	return course + "\n" + pr.T("session_when_own", "Day", pr.Date(os), "Start", pr.Clock(os), "End", pr.Clock(oe), "Zone", zoneLabel(f.own))
}

// instant names an instant the way sessions are named: Turin time and
// the reader's own, so nobody has to guess which clock a deadline is on.
func (f face) instant(t time.Time) string {
	pr := f.pr
	ct := t.In(f.course)
	if f.mark != nil {
		return pr.T("time_local", "Local", f.mark.TimeMarkup(t, TimeFull), "Relative", f.mark.TimeMarkup(t, TimeRelative),
			"Day", pr.Date(ct), "Time", pr.Clock(ct))
	}
	if f.own.String() == f.course.String() {
		return pr.T("time_course", "Day", pr.Date(ct), "Time", pr.Clock(ct))
	}
	ot := t.In(f.own)
	return pr.T("time_course_own", "Day", pr.Date(ct), "Time", pr.Clock(ct),
		"OwnDay", pr.Date(ot), "OwnTime", pr.Clock(ot), "Zone", zoneLabel(f.own))
}

// agendaHeader is the heading of an agenda list: which clocks its times
// are on. week 0 means the coming days.
func (f face) agendaHeader(week int) string {
	switch {
	case f.mark != nil && week == 0:
		return f.pr.T("agenda_coming_header_local")
	case f.mark != nil:
		return f.pr.T("agenda_header_local", "Week", week)
	case week == 0:
		return f.pr.T("agenda_coming_header", "Zone", zoneLabel(f.own))
	}
	return f.pr.T("agenda_header", "Week", week, "Zone", zoneLabel(f.own))
}

// reminder is the first line of a session's reminder: how soon it
// starts, counted live by the platform where it can.
func (f face) reminder(start, now time.Time) string {
	if f.mark != nil {
		return f.pr.T("notify_reminder_local", "When", f.mark.TimeMarkup(start, TimeRelative))
	}
	return f.pr.T("notify_reminder", "Left", timeLeft(f.pr, start.Sub(now)))
}
