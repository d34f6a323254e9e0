package course

import (
	"testing"
	"time"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
)

// TestBuiltinInstantsAcrossDST: Turin leaves summer time (CEST, UTC+2)
// for winter time (CET, UTC+1) on 30 October 2022. Sessions on either
// side must land on the right UTC instants.
func TestBuiltinInstantsAcrossDST(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	tests := []struct {
		id         string
		start, end string
	}{
		{"w1-opening", "2022-10-17T08:00:00Z", "2022-10-17T09:30:00Z"},
		{"w2-plenary", "2022-10-24T13:00:00Z", "2022-10-24T15:00:00Z"},     // "from 3pm to 5pm", CEST
		{"w2-quizzes", "2022-10-28T14:00:00Z", "2022-10-28T15:30:00Z"},     // last Friday of CEST
		{"w3-measuring-1", "2022-11-01T09:00:00Z", "2022-11-01T10:30:00Z"}, // first session in CET
		{"w6-justice-1", "2022-11-22T15:00:00Z", "2022-11-22T16:30:00Z"},   // the row without a time label
		{"w7-closing", "2022-12-02T13:00:00Z", "2022-12-02T14:30:00Z"},
	}
	for _, tt := range tests {
		ev := find(t, c.Agenda.Events, tt.id)
		if !ev.Start.Equal(utc(tt.start)) || !ev.End.Equal(utc(tt.end)) {
			t.Errorf("%s: %s to %s, want %s to %s", tt.id, ev.Start.Format(time.RFC3339), ev.End.Format(time.RFC3339), tt.start, tt.end)
		}
	}
	windows := []struct {
		id    quiz.ID
		opens string
	}{
		{"week-2", "2022-10-28T14:00:00Z"},
		{"week-3", "2022-11-04T15:00:00Z"},
	}
	for _, w := range windows {
		q, ok := c.Bank.Quiz(w.id)
		if !ok || !q.Opens.Equal(utc(w.opens)) || !q.Closes.Equal(utc("2022-12-09T22:59:00Z")) {
			t.Errorf("%s window: %v to %v, want %s to 2022-12-09T22:59:00Z", w.id, q.Opens, q.Closes, w.opens)
		}
	}
}

// TestBuiltinDeadlinesAreFair: the seed gives no deadline, so the shipped
// ones must leave every quiz, week 7's included, open a week at least,
// and the essay due no sooner than the last quiz.
func TestBuiltinDeadlinesAreFair(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	const week = 7 * 24 * time.Hour
	var last time.Time
	for _, q := range c.Bank.Quizzes {
		if open := q.Closes.Sub(q.Opens); open < week {
			t.Errorf("%s is open %v, less than a week", q.ID, open)
		}
		if q.Closes.After(last) {
			last = q.Closes
		}
	}
	if w7, _ := c.Bank.Quiz("week-7"); w7.Closes.Sub(w7.Opens) < week {
		t.Errorf("week-7 is open %v", w7.Closes.Sub(w7.Opens))
	}
	if d := c.Rules.Essay.Deadline; d.Before(last) {
		t.Errorf("the essay is due %v, before the last quiz closes (%v)", d, last)
	}
	if c.MinQuizOpen < week {
		t.Errorf("min_open_days is %v; the shipped course promises a week", c.MinQuizOpen)
	}
}

// TestBuiltinCourseShape pins what the activity report says of the course.
func TestBuiltinCourseShape(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agenda.Electives) != 18 {
		t.Errorf("%d electives, want 18", len(c.Agenda.Electives))
	}
	themes := map[schedule.Theme]int{}
	for _, e := range c.Agenda.Electives {
		themes[e.Theme]++
	}
	want := map[schedule.Theme]int{schedule.Governance: 7, schedule.Protection: 5, schedule.Development: 3, schedule.Crisis: 3}
	for th, n := range want {
		if themes[th] != n {
			t.Errorf("theme %s has %d electives, want %d", th, themes[th], n)
		}
	}
	weekly, elective := 0, 0
	for _, q := range c.Bank.Quizzes {
		switch q.Kind {
		case quiz.Weekly:
			weekly += q.Points
		case quiz.Elective:
			elective++
			if q.Points != 15 {
				t.Errorf("%s is worth %d points, want 15", q.ID, q.Points)
			}
		}
	}
	if weekly != 35 || elective != 18 {
		t.Errorf("weekly points %d (want 35), elective quizzes %d (want 18)", weekly, elective)
	}
	r := c.Rules
	if r.Participation != 60 || r.Achievement != 120 || !r.AchievementNeedsEssay || r.Essay.Max != 80 || len(r.Essay.Rubric) != 4 {
		t.Errorf("certificate rules %+v do not match the report", r)
	}
	for _, ev := range c.Agenda.Events {
		if ev.Kind == schedule.Plenary && len(ev.Languages) != 2 {
			t.Errorf("plenary %s is in %v; plenaries are always EN and ES", ev.ID, ev.Languages)
		}
	}
}

func find(t *testing.T, events []schedule.Event, id string) schedule.Event {
	t.Helper()
	for _, ev := range events {
		if ev.ID == id {
			return ev
		}
	}
	t.Fatalf("no session %s", id)
	return schedule.Event{}
}

// TestBuiltinHasNoNearRepeats keeps the shipped quizzes apart: a
// participant who takes a weekly quiz and an elective should not be asked
// the same thing twice.
func TestBuiltinHasNoNearRepeats(t *testing.T) {
	c, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Warnings() {
		t.Error(w)
	}
}
