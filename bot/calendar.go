package bot

import (
	"bytes"
	"slices"

	"github.com/elmabot/elmabot/schedule"
)

// cmdCalendar sends the participant's own calendar as an .ics file: the
// sessions for everyone (plenaries, welcome, quiz days) and those of the
// electives they chose, titled in their language. Times are in UTC, so
// their calendar app shows them in the device's zone, across the change
// from summer time as well.
func (r *request) cmdCalendar(string) error {
	c := r.course()
	var events []schedule.Event
	for _, ev := range c.Agenda.Events {
		if ev.Kind != schedule.ElectiveSession || slices.Contains(r.p.Electives, ev.Elective) {
			events = append(events, ev)
		}
	}
	var buf bytes.Buffer
	err := schedule.WriteEventsICS(&buf, events, schedule.ICSOptions{
		CalendarName: c.Title.In(r.pr.Lang),
		UIDDomain:    c.ID + ".elmabot",
		SummaryLang:  r.pr.Lang,
		Stamp:        r.now,
	})
	if err != nil {
		return err
	}
	text := r.pr.N("calendar_sent", len(events))
	if len(r.p.Electives) == 0 {
		text += "\n" + r.pr.T("calendar_no_electives")
	}
	file := File{Name: c.ID + ".ics", Type: "text/calendar; charset=utf-8", Data: buf.Bytes()}
	_, err = r.send(Reply{Text: text, Files: []File{file}})
	return err
}
