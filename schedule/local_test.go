package schedule_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/elmabot/elmabot/schedule"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParseQuietHours(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"22:00-07:00", "22:00-07:00"},
		{" 23:00 - 6:30 ", "23:00-06:30"},
		{"23:00–06:30", "23:00-06:30"},
		{"01:00-05:00", "01:00-05:00"},
		{"OFF", "off"},
	} {
		q, err := schedule.ParseQuietHours(tc.in)
		if err != nil || q.String() != tc.want {
			t.Errorf("ParseQuietHours(%q) = %v, %v; want %s", tc.in, q, err, tc.want)
		}
	}
	for _, bad := range []string{"", "22-07", "25:00-07:00", "22:00", "tonight"} {
		if _, err := schedule.ParseQuietHours(bad); !errors.Is(err, schedule.ErrClock) {
			t.Errorf("ParseQuietHours(%q) = %v, want ErrClock", bad, err)
		}
	}
}

// TestQuietHoursEnd: inside the span (before and after midnight, on
// either side of a change of clocks) the end is the next To in the
// zone; outside it there is none.
func TestQuietHoursEnd(t *testing.T) {
	rome := zone(t, "Europe/Rome")
	night := schedule.QuietHours{From: 22 * time.Hour, To: 7 * time.Hour}
	small := schedule.QuietHours{From: time.Hour, To: 5 * time.Hour}
	for _, tc := range []struct {
		q        schedule.QuietHours
		at, want string // RFC 3339; want "" for outside
	}{
		{night, "2022-10-24T23:30:00+02:00", "2022-10-25T07:00:00+02:00"},
		{night, "2022-10-25T02:00:00+02:00", "2022-10-25T07:00:00+02:00"},
		{night, "2022-10-25T07:00:00+02:00", ""},
		{night, "2022-10-24T21:59:00+02:00", ""},
		{night, "2022-10-24T22:00:00+02:00", "2022-10-25T07:00:00+02:00"},
		// The night clocks go back (30 Oct, 03:00 CEST -> 02:00 CET).
		{night, "2022-10-29T23:00:00+02:00", "2022-10-30T07:00:00+01:00"},
		{small, "2022-10-25T00:30:00+02:00", ""},
		{small, "2022-10-25T04:59:00+02:00", "2022-10-25T05:00:00+02:00"},
		{schedule.QuietHours{}, "2022-10-25T02:00:00+02:00", ""},
	} {
		at, _ := time.Parse(time.RFC3339, tc.at)
		end, in := tc.q.End(at, rome)
		got := ""
		if in {
			got = end.In(rome).Format(time.RFC3339)
		}
		if got != tc.want {
			t.Errorf("%v.End(%s) = %q, want %q", tc.q, tc.at, got, tc.want)
		}
	}
}

// TestLocalSendsDueInEachZone: the digest, the nudge and the summary are
// due at their hour in the recipient's own zone, and never before the
// wave's At.
func TestLocalSendsDueInEachZone(t *testing.T) {
	_, plan := builtinPlan(t)
	sends := byID(plan)
	for _, tc := range []struct{ id, zone, want string }{
		{"digest:20221024", "Europe/Rome", "2022-10-24T08:00:00+02:00"},
		{"digest:20221024", "America/Bogota", "2022-10-24T08:00:00-05:00"},
		{"digest:20221024", "Asia/Manila", "2022-10-24T08:00:00+08:00"},
		// Quizzes close on 9 Dec 23:59 Turin time: 17:59 in Bogota (the
		// day before is 8 Dec), 10 Dec 06:59 in Manila (9 Dec).
		{"nudge:20221209T2259Z", "Europe/Rome", "2022-12-08T10:00:00+01:00"},
		{"nudge:20221209T2259Z", "America/Bogota", "2022-12-08T10:00:00-05:00"},
		{"nudge:20221209T2259Z", "Asia/Manila", "2022-12-09T10:00:00+08:00"},
		// The course ends at midnight Turin time: 18:00 in Bogota, 07:00 in Manila.
		{"summary", "Europe/Rome", "2022-12-03T09:00:00+01:00"},
		{"summary", "America/Bogota", "2022-12-03T09:00:00-05:00"},
		{"summary", "Asia/Manila", "2022-12-03T09:00:00+08:00"},
	} {
		s, ok := sends[tc.id]
		if !ok {
			t.Fatalf("no send %s", tc.id)
		}
		loc := zone(t, tc.zone)
		due := s.DueIn(loc)
		if got := due.In(loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("%s in %s due %s, want %s", tc.id, tc.zone, got, tc.want)
		}
		if due.Before(s.At) || !due.Before(s.ExpiresIn(loc)) || s.ExpiresIn(loc).After(s.Expires) {
			t.Errorf("%s in %s: due %s outside the wave's [%s, %s)", tc.id, tc.zone, due, s.At, s.Expires)
		}
	}
}

// TestDigestsCoverEverySession: in every zone, each session starts
// between the hour of some planned digest and the next day's.
func TestDigestsCoverEverySession(t *testing.T) {
	c, plan := builtinPlan(t)
	var digests []schedule.Send
	for _, s := range plan {
		if s.Kind == schedule.Digest {
			digests = append(digests, s)
		}
	}
	for _, name := range []string{"Europe/Rome", "America/Bogota", "Asia/Manila", "Pacific/Auckland", "Pacific/Honolulu"} {
		loc := zone(t, name)
		for _, ev := range c.Agenda.Events {
			covered := slices.ContainsFunc(digests, func(s schedule.Send) bool {
				return !ev.Start.Before(s.DueIn(loc)) && ev.Start.Before(s.ExpiresIn(loc))
			})
			if ev.Kind != schedule.Quizzes && !covered {
				t.Errorf("%s: no digest covers session %s", name, ev.ID)
			}
		}
	}
}
