package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/schedule"
)

// icsEvent is one VEVENT read back: its properties by name (parameters
// dropped), values unescaped only as far as the test needs.
type icsEvent map[string]string

// parseICS checks the framing of an RFC 5545 file (CRLF endings, lines of
// at most 75 octets) and reads its events back, unfolding lines.
func parseICS(t *testing.T, data []byte) []icsEvent {
	t.Helper()
	text := string(data)
	if !strings.HasSuffix(text, "\r\n") {
		t.Fatal("the calendar does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	var lines []string
	for _, l := range raw {
		if strings.Contains(l, "\n") || strings.Contains(l, "\r") {
			t.Fatalf("a bare line break in %q", l)
		}
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not a VCALENDAR: %q ... %q", lines[0], lines[len(lines)-1])
	}
	var events []icsEvent
	var cur icsEvent
	for _, l := range lines {
		switch {
		case l == "BEGIN:VEVENT":
			cur = icsEvent{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			name, value, _ := strings.Cut(l, ":")
			name, _, _ = strings.Cut(name, ";")
			cur[name] = value
		}
	}
	return events
}

func (h *harness) calendar(user string, m *replyLog) (bot.Reply, []icsEvent) {
	h.t.Helper()
	h.bot.Register(m)
	u := bot.Update{Platform: bot.Console, UserID: user, ChatID: user, Text: "/calendar"}
	if err := h.bot.Handle(context.Background(), u); err != nil {
		h.t.Fatal(err)
	}
	rep := m.last()
	if len(rep.Files) != 1 {
		h.t.Fatalf("/calendar sent %d files: %q", len(rep.Files), rep.Text)
	}
	f := rep.Files[0]
	if !strings.HasSuffix(f.Name, ".ics") || !strings.HasPrefix(f.Type, "text/calendar") || f.Photo {
		h.t.Errorf("calendar file %q of type %q (photo %v)", f.Name, f.Type, f.Photo)
	}
	return rep, parseICS(h.t, f.Data)
}

// TestCalendarHoldsOwnSessions: /calendar sends the participant's own
// sessions, titled in their language, at the right instants on both sides
// of the end of summer time (30 Oct 2022), with UIDs that stay the same.
func TestCalendarHoldsOwnSessions(t *testing.T) {
	h := newHarness(t, "2022-10-20T09:00")
	h.as("luis", "es")
	h.say("luis", "/register Luis García", "/language es")
	id := h.participant("luis").ID
	if err := h.store.SetElectives(context.Background(), id, []string{"measuring", "skills"}); err != nil {
		t.Fatal(err)
	}
	m := &replyLog{platform: bot.Console}
	rep, events := h.calendar("luis", m)

	want := map[string]bool{}
	for _, ev := range h.course.Agenda.Events {
		if ev.Kind != schedule.ElectiveSession || ev.Elective == "measuring" || ev.Elective == "skills" {
			want[ev.ID+"@e-lma-2022.elmabot"] = true
		}
	}
	mustContain(t, rep.Text, "Su calendario:", "sesiones")
	if len(events) != len(want) {
		t.Errorf("%d events, want %d", len(events), len(want))
	}
	byUID := map[string]icsEvent{}
	for _, ev := range events {
		if !want[ev["UID"]] || byUID[ev["UID"]] != nil {
			t.Errorf("unexpected or repeated event %q", ev["UID"])
		}
		byUID[ev["UID"]] = ev
		if !strings.HasSuffix(ev["DTSTART"], "Z") || !strings.HasSuffix(ev["DTEND"], "Z") {
			t.Errorf("%s: instants not in UTC: %s, %s", ev["UID"], ev["DTSTART"], ev["DTEND"])
		}
		if ev["URL"] == "" || ev["LOCATION"] == "" {
			t.Errorf("%s has no URL or LOCATION", ev["UID"])
		}
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	checks := []struct{ uid, utc, local, summary string }{
		// Mon 24 Oct 15:00 in Turin is CEST (UTC+2).
		{"w2-plenary", "20221024T130000Z", "2022-10-24 15:00", "Tendencias mundiales y regionales"},
		// Tue 1 Nov 10:00 in Turin is CET (UTC+1), after the change.
		{"w3-measuring-1", "20221101T090000Z", "2022-11-01 10:00", "Medición y análisis de la migración laboral"},
	}
	for _, c := range checks {
		ev := byUID[c.uid+"@e-lma-2022.elmabot"]
		if ev == nil {
			t.Errorf("no event %s", c.uid)
			continue
		}
		start, err := time.Parse("20060102T150405Z", ev["DTSTART"])
		if err != nil || ev["DTSTART"] != c.utc || start.In(rome).Format("2006-01-02 15:04") != c.local {
			t.Errorf("%s starts %s (%v), want %s, %s in Turin", c.uid, ev["DTSTART"], err, c.utc, c.local)
		}
		mustContain(t, ev["SUMMARY"], c.summary)
	}
	for uid := range byUID {
		if strings.Contains(uid, "policy") {
			t.Errorf("an elective luis does not follow is in his calendar: %s", uid)
		}
	}

	// Asked again later, the same sessions keep their UIDs.
	h.clock.Advance(48 * time.Hour)
	_, again := h.calendar("luis", m)
	for _, ev := range again {
		if byUID[ev["UID"]] == nil {
			t.Errorf("UID %s is new the second time", ev["UID"])
		}
	}
}

// Without electives the calendar holds the sessions for everyone and
// says how to add one's electives.
func TestCalendarWithoutElectives(t *testing.T) {
	h := newHarness(t, "2022-10-20T09:00")
	h.say("ana", "/register Ana Lima")
	rep, events := h.calendar("ana", &replyLog{platform: bot.Console})
	mustContain(t, rep.Text, "Your calendar:", "Choose yours with /electives")
	for _, ev := range events {
		if ev["CATEGORIES"] == "elective" || strings.HasPrefix(ev["CATEGORIES"], "elective,") {
			t.Errorf("an elective session in a calendar without electives: %s", ev["UID"])
		}
	}
	if len(events) == 0 {
		t.Error("no events")
	}
}
