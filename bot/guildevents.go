package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// CalendarEvent is a session as a platform's calendar shows it (a
// Discord server's Events tab). The platform lays it out within its
// limits: Names and Locations offer choices for that.
type CalendarEvent struct {
	Names       []string // the title in each course language, distinct
	Description string   // every course language, one after the other
	Locations   []string // where to join, best first
	Start, End  time.Time
}

// CalendarEntry is an event the bot made, as the calendar lists it.
type CalendarEntry struct {
	ID    string
	Start time.Time
}

// Calendar is a platform's calendar of events that the core keeps in
// step with the agenda (see SyncCalendar).
type Calendar interface {
	// CalendarName names the calendar for the records kept of it,
	// e.g. "discord:<guild id>".
	CalendarName() string
	// OwnEvents lists the events the bot made that are to come or under
	// way. Events made by anyone else are never listed, so never touched.
	OwnEvents(ctx context.Context) ([]CalendarEntry, error)
	CreateEvent(ctx context.Context, e CalendarEvent) (string, error)
	UpdateEvent(ctx context.Context, id string, e CalendarEvent) error
	// DeleteEvent removes an event; one already gone is no error.
	DeleteEvent(ctx context.Context, id string) error
}

// CalendarRecords is where the core remembers the events it made, by
// session: *store.Store has it.
type CalendarRecords interface {
	CalendarRecords(ctx context.Context, calendar string) (map[string]store.CalendarRecord, error)
	SetCalendarRecord(ctx context.Context, calendar, session string, r store.CalendarRecord) error
	DropCalendarRecord(ctx context.Context, calendar, session string) error
}

var _ CalendarRecords = (*store.Store)(nil)

// CalendarSync counts what one sync did.
type CalendarSync struct {
	Created, Updated, Deleted, Unchanged int
}

// calendarLead is how far ahead a session must start to be put in a
// calendar or changed there: platforms refuse an event starting in the
// past, which one starting within the minute may be once it arrives.
const calendarLead = time.Minute

// SyncCalendar makes cal hold one event per session of the course that
// has not begun and whose kind is in kinds (every kind when kinds is
// empty): it creates the missing events, updates those whose session
// changed and deletes those whose session left the agenda (or whose
// kind is no longer wanted). What it made is remembered in recs, so a
// second sync with nothing changed calls nothing but cal.OwnEvents.
// Events of sessions under way or over are left as they are; an event
// the bot made whose record was lost (a crash between the two) is
// found by its start and taken back. A failure with one event
// does not stop the others; the errors are joined.
func (b *Bot) SyncCalendar(ctx context.Context, cal Calendar, recs CalendarRecords, kinds []schedule.Kind) (CalendarSync, error) {
	s := &calendarSync{b: b, c: b.Course(), ctx: ctx, cal: cal, recs: recs, name: cal.CalendarName(), now: b.cfg.Clock.Now(), kinds: kinds}
	if err := s.load(); err != nil {
		return CalendarSync{}, err
	}
	s.addWanted()
	s.dropUnwanted()
	return s.stats, errors.Join(s.errs...)
}

// calendarSync is one run of SyncCalendar.
type calendarSync struct {
	b     *Bot
	c     *course.Course // the course as the sync began
	ctx   context.Context
	cal   Calendar
	recs  CalendarRecords
	name  string
	now   time.Time
	kinds []schedule.Kind

	records  map[string]store.CalendarRecord
	own      map[string]CalendarEntry   // the bot's events in the calendar now
	claimed  map[string]bool            // event ids a record points to
	sessions map[string]*schedule.Event // the course's sessions by id
	wanted   map[string]bool            // session ids that should have an event
	stats    CalendarSync
	errs     []error
}

func (s *calendarSync) load() error {
	var err error
	if s.records, err = s.recs.CalendarRecords(s.ctx, s.name); err != nil {
		return err
	}
	list, err := s.cal.OwnEvents(s.ctx)
	if err != nil {
		return err
	}
	s.own, s.claimed, s.wanted = map[string]CalendarEntry{}, map[string]bool{}, map[string]bool{}
	for _, e := range list {
		s.own[e.ID] = e
	}
	for _, r := range s.records {
		s.claimed[r.Event] = true
	}
	s.sessions = map[string]*schedule.Event{}
	for i, ev := range s.c.Agenda.Events {
		s.sessions[ev.ID] = &s.c.Agenda.Events[i]
	}
	return nil
}

// wants reports whether a session of ev's kind goes in the calendar.
func (s *calendarSync) wants(ev *schedule.Event) bool {
	return len(s.kinds) == 0 || slices.Contains(s.kinds, ev.Kind)
}

// addWanted creates or updates the event of each session to come.
func (s *calendarSync) addWanted() {
	for i := range s.c.Agenda.Events {
		ev := &s.c.Agenda.Events[i]
		if !s.wants(ev) || !ev.Start.After(s.now.Add(calendarLead)) {
			continue
		}
		s.wanted[ev.ID] = true
		want := s.b.calendarEvent(s.c, ev)
		rec, ok := s.records[ev.ID]
		if _, there := s.own[rec.Event]; ok && !there {
			ok = false // deleted by hand, or its record outlived it: made anew
		}
		if !ok {
			rec, ok = s.adopt(want)
		}
		s.put(ev.ID, want, rec, ok)
	}
}

// put makes the event of a session say want: nothing when it does
// already, an update when the session changed, else a new event.
func (s *calendarSync) put(session string, want CalendarEvent, rec store.CalendarRecord, exists bool) {
	hash := calendarHash(want)
	switch {
	case exists && rec.Hash == hash:
		s.stats.Unchanged++
	case exists:
		if !s.fail(session, s.cal.UpdateEvent(s.ctx, rec.Event, want)) {
			s.remember(session, store.CalendarRecord{Event: rec.Event, Hash: hash}, &s.stats.Updated)
		}
	default:
		id, err := s.cal.CreateEvent(s.ctx, want)
		if !s.fail(session, err) {
			s.remember(session, store.CalendarRecord{Event: id, Hash: hash}, &s.stats.Created)
		}
	}
}

// adopt finds an event the bot made at want's start that no record
// names: its record was lost after it was made. Should two sessions
// start together, either may take either orphan: its hash is left
// empty, so it is updated to say what its new session says.
func (s *calendarSync) adopt(want CalendarEvent) (store.CalendarRecord, bool) {
	for _, id := range sortedKeys(s.own) {
		if !s.claimed[id] && s.own[id].Start.Equal(want.Start) {
			s.claimed[id] = true
			return store.CalendarRecord{Event: id}, true
		}
	}
	return store.CalendarRecord{}, false
}

// remember records what was sent for a session and counts it.
func (s *calendarSync) remember(session string, rec store.CalendarRecord, count *int) {
	s.fail(session, s.recs.SetCalendarRecord(s.ctx, s.name, session, rec))
	*count++
}

// fail notes err, if any, and reports whether there was one.
func (s *calendarSync) fail(session string, err error) bool {
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("session %s: %w", session, err))
	}
	return err != nil
}

// dropUnwanted deletes the events of sessions that left the agenda and
// forgets those of sessions over; those under way are left as they are.
func (s *calendarSync) dropUnwanted() {
	for _, session := range sortedKeys(s.records) {
		if s.wanted[session] {
			continue
		}
		rec := s.records[session]
		if ev, ok := s.sessions[session]; ok && s.wants(ev) && !ev.Start.After(s.now.Add(calendarLead)) {
			if !ev.End.After(s.now) {
				s.fail(session, s.recs.DropCalendarRecord(s.ctx, s.name, session))
			}
			continue
		}
		if _, there := s.own[rec.Event]; there {
			if err := s.cal.DeleteEvent(s.ctx, rec.Event); err != nil {
				s.fail(session, err)
				continue
			}
			s.stats.Deleted++
		}
		s.fail(session, s.recs.DropCalendarRecord(s.ctx, s.name, session))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// calendarHash sums what an event says, to tell whether it changed.
func calendarHash(e CalendarEvent) string {
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// calendarEvent is a session as the course's calendars show it: its
// title and a description in every course language, its link.
func (b *Bot) calendarEvent(c *course.Course, ev *schedule.Event) CalendarEvent {
	e := CalendarEvent{Start: ev.Start, End: ev.End}
	var parts []string
	for _, lang := range c.Languages {
		pr := b.cfg.Catalog.Printer(lang)
		if name := ev.Title.In(lang); !slices.Contains(e.Names, name) {
			e.Names = append(e.Names, name)
		}
		parts = append(parts, calendarText(pr, ev))
	}
	e.Description = strings.Join(parts, "\n\n")
	for _, l := range []string{ev.Link, c.ECampus} {
		if l != "" && !slices.Contains(e.Locations, l) {
			e.Locations = append(e.Locations, l)
		}
	}
	return e
}

// calendarText describes a session in one language: no times, which
// the calendar shows in each reader's own zone.
func calendarText(pr *locales.Printer, ev *schedule.Event) string {
	lines := []string{ev.Title.In(pr.Lang), pr.T("event_week", "Week", ev.Week),
		pr.T("session_languages", "Langs", langNames(pr, ev.Languages))}
	if len(ev.Speakers) > 0 {
		lines = append(lines, pr.T("session_speakers", "Names", strings.Join(ev.Speakers, ", ")))
	}
	if ev.PreRecorded {
		lines = append(lines, pr.T("session_prerecorded"))
	}
	return strings.Join(lines, "\n")
}
