package discord_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/schedule"
)

const (
	moderator   = "3000000000000000001"
	createRoute = "POST /guilds/{guild_id}/scheduled-events"
	editRoute   = "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"
	deleteRoute = "DELETE /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"
)

// eventSyncer runs SyncCalendar on the rig's server and counts the
// writes each run made.
type eventSyncer struct {
	r     *courseRig
	cal   bot.Calendar
	kinds []schedule.Kind
}

func (s *eventSyncer) sync(t *testing.T) (bot.CalendarSync, [3]int) {
	t.Helper()
	before := s.writes()
	got, err := s.r.core.SyncCalendar(context.Background(), s.cal, s.r.store, s.kinds)
	if err != nil {
		t.Fatal(err)
	}
	after := s.writes()
	return got, [3]int{after[0] - before[0], after[1] - before[1], after[2] - before[2]}
}

func (s *eventSyncer) writes() [3]int {
	return [3]int{s.r.srv.Count(createRoute), s.r.srv.Count(editRoute), s.r.srv.Count(deleteRoute)}
}

// byName finds the events whose name starts with prefix.
func byName(evs []discordtest.ScheduledEvent, prefix string) []discordtest.ScheduledEvent {
	var out []discordtest.ScheduledEvent
	for _, e := range evs {
		if strings.HasPrefix(e.Name, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// The agenda becomes the server's scheduled events and stays in step
// with the course: each plenary to come is made once, as an external
// event with the course's link and a bilingual description; the week 1
// welcome webinars, over by now, are not made; a second sync changes
// nothing; a session moved in the course moves its event, a session
// removed deletes its event; a moderator's event is never touched; an
// event whose record was lost is taken back, not made twice; once a
// session is over its event is left to Discord and its record dropped.
func TestScheduledEventsFollowTheAgenda(t *testing.T) {
	r := newCourseRig(t, "2022-10-21T19:00") // Friday of week 1, its sessions over
	foreign := r.srv.AddScheduledEvent(moderator, "Study group", r.clock.Now().Add(72*time.Hour), r.clock.Now().Add(74*time.Hour))
	s := &eventSyncer{r: r, cal: r.a.GuildEvents(discordtest.GuildID), kinds: []schedule.Kind{schedule.Plenary, schedule.Welcome}}

	got, calls := s.sync(t)
	if got != (bot.CalendarSync{Created: 6}) || calls != [3]int{6, 0, 0} {
		t.Fatalf("first sync %+v with %v creates, edits, deletes; want the 6 plenaries created", got, calls)
	}
	evs := r.srv.ScheduledEvents()
	if len(evs) != 7 || len(byName(evs, "Welcome")) != 0 {
		t.Fatalf("%d events, want the moderator's and 6 plenaries, no welcome webinar: %+v", len(evs), evs)
	}
	w2 := byName(evs, "Global and regional labour migration trends")
	if len(w2) != 1 {
		t.Fatalf("week 2 plenary not found among %+v", evs)
	}
	e := w2[0]
	if e.EntityType != 3 || e.PrivacyLevel != 2 || e.CreatorID != discordtest.BotID || e.Location != r.course.Webinars ||
		!e.Start.Equal(time.Date(2022, 10, 24, 13, 0, 0, 0, time.UTC)) || !e.End.Equal(time.Date(2022, 10, 24, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("week 2 plenary event %+v", e)
	}
	mustHave(t, e.Description, "Week 2 of the course", "Languages: English, Spanish", "Semana 2 del curso", "Idiomas: inglés, español")
	w7 := byName(evs, "Future scenarios of migration")
	if len(w7) != 1 || w7[0].Name != "Future scenarios of migration / Escenarios futuros de la migración" {
		t.Fatalf("week 7 plenary %+v, want its names in both languages, which fit", w7)
	}
	mustHave(t, w7[0].Description, "Speakers: Simona Vezzoli", "Ponentes: Simona Vezzoli")

	if got, calls := s.sync(t); got != (bot.CalendarSync{Unchanged: 6}) || calls != [3]int{} {
		t.Errorf("second sync %+v with %v writes, want nothing changed", got, calls)
	}

	// The course is edited: week 3's plenary moves an hour later, week
	// 4's is cancelled.
	c := *r.course
	c.Agenda.Events = slices.Clone(c.Agenda.Events)
	c.Agenda.Events = slices.DeleteFunc(c.Agenda.Events, func(ev schedule.Event) bool { return ev.ID == "w4-plenary" })
	for i := range c.Agenda.Events {
		if ev := &c.Agenda.Events[i]; ev.ID == "w3-plenary" {
			ev.Start, ev.End = ev.Start.Add(time.Hour), ev.End.Add(time.Hour)
		}
	}
	w4 := byName(evs, "Protecting migrant workers")[0].ID
	r.core.SetCourse(&c)
	got, calls = s.sync(t)
	if got != (bot.CalendarSync{Updated: 1, Deleted: 1, Unchanged: 4}) || calls != [3]int{0, 1, 1} {
		t.Errorf("after the edit %+v with %v writes, want one update and one delete", got, calls)
	}
	evs = r.srv.ScheduledEvents()
	if moved := byName(evs, "Adopting a rights-based approach"); len(moved) != 1 || !moved[0].Start.Equal(time.Date(2022, 11, 4, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("week 3 plenary %+v, want it at 15:00 Turin (14:00 UTC)", moved)
	}
	if slices.ContainsFunc(evs, func(e discordtest.ScheduledEvent) bool { return e.ID == w4 }) {
		t.Error("the cancelled plenary's event is still there")
	}
	for _, req := range append(r.srv.Calls(editRoute), r.srv.Calls(deleteRoute)...) {
		if req.Params["guild_scheduled_event_id"] == foreign {
			t.Errorf("the moderator's event was touched: %s", req.Method)
		}
	}
	if f := byName(evs, "Study group"); len(f) != 1 || f[0].Edits != 0 {
		t.Errorf("the moderator's event %+v, want it there unchanged", f)
	}

	// A crash lost the record of an event already made: it is taken
	// back (updated to be sure), not made twice.
	if err := r.store.DropCalendarRecord(context.Background(), s.cal.CalendarName(), "w5-plenary"); err != nil {
		t.Fatal(err)
	}
	if got, calls := s.sync(t); got != (bot.CalendarSync{Updated: 1, Unchanged: 4}) || calls != [3]int{0, 1, 0} {
		t.Errorf("after losing a record %+v with %v writes, want the event taken back with one update", got, calls)
	}
	if got, calls := s.sync(t); got != (bot.CalendarSync{Unchanged: 5}) || calls != [3]int{} {
		t.Errorf("sync after the edit %+v with %v writes, want nothing changed", got, calls)
	}

	// Week 2's plenary is over: its event is left alone, its record dropped.
	r.clock.Advance(time.Date(2022, 10, 24, 16, 0, 0, 0, time.UTC).Sub(r.clock.Now()))
	if got, calls := s.sync(t); got != (bot.CalendarSync{Unchanged: 4}) || calls != [3]int{} {
		t.Errorf("after week 2's plenary %+v with %v writes, want it left alone", got, calls)
	}
	recs, err := r.store.CalendarRecords(context.Background(), s.cal.CalendarName())
	if err != nil {
		t.Fatal(err)
	}
	if _, kept := recs["w2-plenary"]; kept || len(recs) != 4 {
		t.Errorf("records %v, want the 4 plenaries to come", recs)
	}
	allValid(t, r.srv)
}

// A refused call fails the sync for its session only: the other events
// are made, the error is reported, and the next sync makes the missing
// one. An event a moderator deleted by hand is made again.
func TestScheduledEventsSyncRecovers(t *testing.T) {
	r := newCourseRig(t, "2022-10-21T19:00")
	fakeclock.Run(t, r.clock, time.Second) // the adapter's backoff between tries
	s := &eventSyncer{r: r, cal: r.a.GuildEvents(discordtest.GuildID), kinds: []schedule.Kind{schedule.Plenary}}
	r.srv.FailNext(createRoute, 500, 0)
	r.srv.FailNext(createRoute, 500, 0)
	r.srv.FailNext(createRoute, 500, 0)
	r.srv.FailNext(createRoute, 500, 0) // the first plenary's call and its three retries
	got, err := r.core.SyncCalendar(context.Background(), s.cal, r.store, s.kinds)
	if err == nil || !strings.Contains(err.Error(), "session w2-plenary") || got != (bot.CalendarSync{Created: 5}) {
		t.Fatalf("sync with a failing call: %+v, %v; want 5 made and w2-plenary's error", got, err)
	}
	if got, calls := s.sync(t); got != (bot.CalendarSync{Created: 1, Unchanged: 5}) || calls != [3]int{1, 0, 0} {
		t.Errorf("next sync %+v with %v writes, want the missing event made", got, calls)
	}

	gone := byName(r.srv.ScheduledEvents(), "Future scenarios")[0].ID
	r.srv.DeleteScheduledEvent(gone)
	if got, calls := s.sync(t); got != (bot.CalendarSync{Created: 1, Unchanged: 5}) || calls != [3]int{1, 0, 0} {
		t.Errorf("after a moderator deleted an event: %+v with %v writes, want it made again", got, calls)
	}
	if evs := r.srv.ScheduledEvents(); len(evs) != 6 {
		t.Errorf("%d events, want the 6 plenaries", len(evs))
	}
}
