package schedule_test

import (
	"testing"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
)

func builtinPlan(t *testing.T) (*course.Course, []schedule.Send) {
	t.Helper()
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return c, schedule.Plan(&c.Agenda, &c.Bank, schedule.PlanSettings{Reminders: c.Reminders, CourseEnd: c.End})
}

func byID(plan []schedule.Send) map[string]schedule.Send {
	m := map[string]schedule.Send{}
	for _, s := range plan {
		m[s.ID] = s
	}
	return m
}

// TestPlanAcrossDST checks due instants on both sides of the change from
// CEST (UTC+2) to CET (UTC+1) on 30 October 2022.
func TestPlanAcrossDST(t *testing.T) {
	_, plan := builtinPlan(t)
	sends := byID(plan)
	tests := []struct {
		id, at, expires string
	}{
		// Mon 24 Oct 15:00 CEST = 13:00Z.
		{"rem:w2-plenary:15m0s:20221024T1300Z", "2022-10-24T12:45:00Z", "2022-10-24T13:00:00Z"},
		// Every reminder is worth sending until the session starts; which
		// one gives way to which is the recipient's choice (see the bot).
		{"rem:w2-plenary:24h0m0s:20221024T1300Z", "2022-10-23T13:00:00Z", "2022-10-24T13:00:00Z"},
		// Tue 1 Nov 10:00 CET = 09:00Z; a day before is still CET.
		{"rem:w3-measuring-1:24h0m0s:20221101T0900Z", "2022-10-31T09:00:00Z", "2022-11-01T09:00:00Z"},
		// Fri 4 Nov 14:00 CET = 13:00Z.
		{"rem:w3-plenary:15m0s:20221104T1300Z", "2022-11-04T12:45:00Z", "2022-11-04T13:00:00Z"},
		// Quizzes open with the Friday slots: 28 Oct 16:00 CEST, 4 Nov 16:00 CET.
		// An opening is news for a day.
		{"open:week-2", "2022-10-28T14:00:00Z", "2022-10-29T14:00:00Z"},
		{"open:week-3", "2022-11-04T15:00:00Z", "2022-11-05T15:00:00Z"},
		// Week 7 opens on the last afternoon; its opening is news for a day.
		{"open:week-7", "2022-12-02T15:00:00Z", "2022-12-03T15:00:00Z"},
		// All quizzes close at 23:59 on 9 Dec (CET); the nudge is at 10:00
		// on the day before, in each zone. The earliest is UTC+1's (8 Dec
		// 10:00 there): east of UTC+1 they close on 10 Dec, so the day
		// before is 9 Dec.
		{"nudge:20221209T2259Z", "2022-12-08T09:00:00Z", "2022-12-09T22:59:00Z"},
		// The course ends at midnight CET, which is 09:00 at UTC+10.
		{"summary", "2022-12-02T23:00:00Z", "2022-12-09T23:00:00Z"},
		// The digest of 24 Oct is at 08:00 first at UTC+14, and gives way
		// to the next day's last at UTC-12.
		{"digest:20221024", "2022-10-23T18:00:00Z", "2022-10-25T20:00:00Z"},
	}
	for _, tt := range tests {
		s, ok := sends[tt.id]
		if !ok {
			t.Errorf("no send %s", tt.id)
			continue
		}
		if got := s.At.Format(time.RFC3339); got != tt.at {
			t.Errorf("%s due at %s, want %s", tt.id, got, tt.at)
		}
		if got := s.Expires.Format(time.RFC3339); got != tt.expires {
			t.Errorf("%s expires at %s, want %s", tt.id, got, tt.expires)
		}
	}
}

func TestPlanShape(t *testing.T) {
	c, plan := builtinPlan(t)
	counts := map[schedule.SendKind]int{}
	for i, s := range plan {
		counts[s.Kind]++
		if i > 0 && s.At.Before(plan[i-1].At) {
			t.Fatalf("plan not in due order at %s", s.ID)
		}
	}
	sessions := 0
	for _, ev := range c.Agenda.Events {
		if ev.Kind != schedule.Quizzes {
			sessions++
		}
	}
	if counts[schedule.Reminder] != 2*sessions || counts[schedule.QuizOpens] != 25 || counts[schedule.QuizNudge] != 1 || counts[schedule.CourseSummary] != 1 {
		t.Errorf("plan counts %v; want %d reminders, 25 quiz openings, 1 nudge, 1 summary", counts, 2*sessions)
	}
	nudge := byID(plan)["nudge:20221202T2259Z"]
	for _, q := range nudge.Quizzes {
		if q.ID == "week-7" {
			t.Errorf("week-7 opens after the nudge and must not be nudged")
		}
	}
}

func TestDue(t *testing.T) {
	start := time.Date(2022, 10, 24, 13, 0, 0, 0, time.UTC)
	s := schedule.Send{At: start.Add(-15 * time.Minute), Expires: start}
	for _, tc := range []struct {
		at  time.Time
		due bool
	}{
		{start.Add(-16 * time.Minute), false},
		{start.Add(-15 * time.Minute), true},
		{start.Add(-time.Second), true}, // late, but the session has not started
		{start, false},                  // missed: the session has started
	} {
		if got := s.Due(tc.at); got != tc.due {
			t.Errorf("Due(%v) = %v, want %v", tc.at, got, tc.due)
		}
	}
}

func TestBetween(t *testing.T) {
	_, plan := builtinPlan(t)
	from := time.Date(2022, 10, 24, 0, 0, 0, 0, time.UTC)
	got := schedule.Between(plan, from, from.Add(24*time.Hour))
	if len(got) == 0 {
		t.Fatal("nothing planned on 24 Oct")
	}
	for _, s := range got {
		if s.At.Before(from) || !s.At.Before(from.Add(24*time.Hour)) {
			t.Errorf("%s at %v is outside the window", s.ID, s.At)
		}
	}
}
