package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
)

// cmdTimeZone offers the presets (see zonePresets) as buttons, two to a
// row, or sets what was typed: a city, a country, an offset or an IANA name.
func (r *request) cmdTimeZone(arg string) error {
	if arg != "" {
		return r.setTimeZone(arg)
	}
	var rows [][]Button
	for i, z := range zonePresets() {
		loc, err := time.LoadLocation(z)
		if err != nil {
			continue
		}
		b := Button{Label: zoneButtonLabel(loc, r.now), Data: "tz:" + z}
		if i%2 == 0 {
			rows = append(rows, []Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	return r.say(r.pr.T("timezone_pick", "Zone", zoneLabel(r.zone())), rows...)
}

func (r *request) setTimeZone(name string) error {
	loc, fixed, ok := resolveZone(name)
	if !ok {
		return r.say(r.pr.T("timezone_unknown", "Zone", name))
	}
	if err := r.b.cfg.Store.SetTimeZone(r.ctx, r.p.ID, loc.String()); err != nil {
		return err
	}
	r.p.TimeZone = loc.String()
	msg := "timezone_set"
	if fixed {
		msg = "timezone_set_fixed"
	}
	return r.say(r.pr.T(msg, "Zone", zoneLabel(loc), "Time", r.pr.Clock(r.now.In(loc))))
}

// zone is the participant's time zone, else the course's.
func (r *request) zone() *time.Location {
	if r.p != nil && r.p.TimeZone != "" {
		if loc, err := time.LoadLocation(r.p.TimeZone); err == nil {
			return loc
		}
	}
	return r.course().Location
}

// concerns reports whether ev is for this participant.
func (r *request) concerns(ev *schedule.Event) bool { return r.b.follows(r.p, ev) }

// agendaSpan is how far ahead a bare /agenda looks: a week from now,
// whatever the day, so that on a Friday evening the next days show, not
// the sessions already over.
const agendaSpan = 7 * 24 * time.Hour

// cmdAgenda lists the sessions that concern the sender in the coming
// 7 days, or, with a number, in that week of the course.
func (r *request) cmdAgenda(arg string) error {
	if arg != "" {
		return r.agendaWeek(arg)
	}
	if !r.now.Before(r.course().End) {
		return r.say(r.pr.T("course_over"))
	}
	until := r.now.Add(agendaSpan)
	evs := r.sessions(func(ev *schedule.Event) bool { return ev.End.After(r.now) && ev.Start.Before(until) })
	if len(evs) == 0 {
		return r.say(r.pr.T("agenda_coming_empty", "Weeks", r.weeks()))
	}
	return r.sayAgenda(0, evs)
}

// agendaWeek lists week n of the course, as the agenda numbers its
// weeks: "/agenda 2", "/agenda week 2".
func (r *request) agendaWeek(arg string) error {
	fields := strings.Fields(arg)
	week, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil || week < 1 || week > r.weeks() {
		return r.say(r.pr.T("agenda_week_unknown", "Weeks", r.weeks()))
	}
	evs := r.sessions(func(ev *schedule.Event) bool { return ev.Week == week })
	if len(evs) == 0 {
		return r.say(r.pr.T("agenda_empty", "Week", week))
	}
	return r.sayAgenda(week, evs)
}

// sessions are those that concern the sender among those chosen by
// keep, in time order.
func (r *request) sessions(keep func(*schedule.Event) bool) []*schedule.Event {
	var out []*schedule.Event
	for i := range r.course().Agenda.Events {
		ev := &r.course().Agenda.Events[i]
		if keep(ev) && r.concerns(ev) {
			out = append(out, ev)
		}
	}
	return out
}

// sayAgenda sends a list of sessions as text, and as a card of one
// field per session where the platform shows cards. week 0 means the
// coming days.
func (r *request) sayAgenda(week int, evs []*schedule.Event) error {
	f := r.face()
	header := f.agendaHeader(week)
	card := &Card{Title: header}
	lines := make([]string, len(evs))
	for i, ev := range evs {
		title, details := ev.Title.In(r.pr.Lang), sessionDetails(f, ev)
		lines[i] = title + "\n" + details
		card.Fields = append(card.Fields, CardField{Name: title, Value: details})
	}
	_, err := r.send(Reply{Text: header + "\n\n" + strings.Join(lines, "\n\n"), Card: card})
	return err
}

// weeks is the number of the course's last week.
func (r *request) weeks() int {
	n := 0
	for _, ev := range r.course().Agenda.Events {
		n = max(n, ev.Week)
	}
	return n
}

// cmdNext shows the next session that concerns the sender, with its link.
func (r *request) cmdNext(string) error {
	for i := range r.course().Agenda.Events {
		ev := &r.course().Agenda.Events[i]
		if ev.End.After(r.now) && r.concerns(ev) {
			text := r.pr.T("next_header") + "\n" + r.sessionLine(ev)
			if ev.Link != "" {
				text += "\n" + ev.Link
			}
			return r.say(text)
		}
	}
	return r.say(r.pr.T("next_none"))
}

// sessionLine renders a session: when (Turin and the participant's own
// time), what, in which languages.
func (r *request) sessionLine(ev *schedule.Event) string {
	return describeSession(r.face(), ev)
}

// face writes instants for the sender, in the way of their platform.
func (r *request) face() face {
	f := face{pr: r.pr, course: r.course().Location, own: r.zone()}
	if m, err := r.b.messenger(r.u.Platform); err == nil {
		f = faceFor(m, r.pr, f.course, f.own)
	}
	return f
}

// describeSession is shared with reminders: the same words everywhere.
func describeSession(f face, ev *schedule.Event) string {
	return ev.Title.In(f.pr.Lang) + "\n" + sessionDetails(f, ev)
}

// sessionDetails is a session but its title: when, in which languages,
// with whom.
func sessionDetails(f face, ev *schedule.Event) string {
	pr := f.pr
	line := f.session(ev)
	if !slices.Contains(ev.Languages, pr.Lang) {
		line += "\n" + pr.T("session_not_in_your_language", "Langs", langNames(pr, ev.Languages))
	} else if len(ev.Languages) > 1 {
		line += "\n" + pr.T("session_languages", "Langs", langNames(pr, ev.Languages))
	}
	if len(ev.Speakers) > 0 {
		line += "\n" + pr.T("session_speakers", "Names", strings.Join(ev.Speakers, ", "))
	}
	if ev.PreRecorded {
		line += "\n" + pr.T("session_prerecorded")
	}
	return line
}

func langNames(pr *locales.Printer, langs []locales.Lang) string {
	names := make([]string, len(langs))
	for i, l := range langs {
		names[i] = pr.T("lang_" + string(l))
	}
	return strings.Join(names, ", ")
}

// cmdElectives shows every elective with a mark on those followed; a
// button toggles one, and so does "/electives <id>".
func (r *request) cmdElectives(arg string) error {
	if arg != "" {
		return r.toggleElective(arg)
	}
	text, rows := r.electivesList()
	return r.say(text, rows...)
}

// electivesList is the text and buttons of /electives, marks as they
// stand now.
func (r *request) electivesList() (string, [][]Button) {
	var rows [][]Button
	for _, e := range r.course().Agenda.Electives {
		mark := "○ "
		if slices.Contains(r.p.Electives, e.ID) {
			mark = "✓ "
		}
		rows = append(rows, []Button{{Label: mark + e.Title.In(r.pr.Lang), Data: "el:" + e.ID}})
	}
	done := r.pr.T("button_electives_later")
	if len(r.p.Electives) > 0 {
		done = r.pr.T("button_electives_done")
	}
	rows = append(rows, []Button{{Label: done, Data: "els:done"}})
	return r.pr.N("electives_header", len(r.p.Electives)), rows
}

// toggleElective adds or removes one elective from the participant's list.
func (r *request) toggleElective(id string) error {
	el, ok := r.course().Agenda.Elective(id)
	if !ok {
		return r.say(r.pr.T("elective_unknown"))
	}
	chosen := slices.Clone(r.p.Electives)
	msg := "elective_added"
	if i := slices.Index(chosen, id); i >= 0 {
		chosen = slices.Delete(chosen, i, i+1)
		msg = "elective_removed"
	} else {
		chosen = append(chosen, id)
	}
	if err := r.b.cfg.Store.SetElectives(r.ctx, r.p.ID, chosen); err != nil {
		return err
	}
	r.p.Electives = chosen
	r.b.mirrorElective(r.ctx, r.p, id, msg == "elective_added")
	if r.editElectives() {
		return nil
	}
	return r.say(r.pr.T(msg, "Title", el.Title.In(r.pr.Lang)))
}

// editElectives updates the pressed list in place, where the platform
// can edit a message; false means a confirmation must be sent instead
// (the console, or an edit the platform refused).
func (r *request) editElectives() bool {
	m, err := r.b.messenger(r.u.Platform)
	if err != nil || r.u.MessageID == "" {
		return false
	}
	e, ok := m.(MessageEditor)
	if !ok {
		return false
	}
	text, rows := r.electivesList()
	rep := Reply{ChatID: r.u.ChatID, Text: text, Buttons: rows}
	if err := e.EditMessage(r.ctx, r.u.ChatID, r.u.MessageID, rep); err != nil {
		r.b.log.Warn("editing the electives list", "platform", r.u.Platform, "user", r.u.UserID, "err", err)
		return false
	}
	return true
}
