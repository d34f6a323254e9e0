package quiz

import (
	"testing"
	"time"
)

var (
	day0     = time.Date(2022, 10, 17, 0, 0, 0, 0, time.UTC)
	deadline = time.Date(2022, 12, 2, 22, 59, 0, 0, time.UTC)
)

func elmaRules() *Rules {
	return &Rules{
		Participation: 60, Achievement: 120, AchievementNeedsEssay: true,
		WeeklyCount: 7, WeeklyPoints: 5, ElectivePoints: 15,
		Essay: EssayRules{Max: 80, Deadline: deadline},
	}
}

// twoQuizzes: a weekly quiz of 5 x 1 point closing on day 10 and an
// elective quiz of 5 x 3 points closing at the deadline.
func twoQuizzes() *Bank {
	mk := func(id ID, kind Kind, pts int, closes time.Time) Quiz {
		q := Quiz{ID: id, Kind: kind, Points: 5 * pts, Opens: day0, Closes: closes}
		for _, qid := range []string{"q1", "q2", "q3", "q4", "q5"} {
			q.Questions = append(q.Questions, Question{ID: qid, Points: pts})
		}
		return q
	}
	return &Bank{Quizzes: []Quiz{
		mk("week-1", Weekly, 1, day0.AddDate(0, 0, 10)),
		mk("elective-skills", Elective, 3, deadline),
	}}
}

func TestProgressTiers(t *testing.T) {
	r, bank := elmaRules(), twoQuizzes()
	during := day0.AddDate(0, 0, 1)
	tests := []struct {
		name          string
		s             Standing
		tier          Tier
		toPart, toAch int
		essayMissing  bool
	}{
		{"nothing yet", Standing{}, NoCertificate, 60, 120, true},
		{"59 points", Standing{Weekly: 35, Elective: 24}, NoCertificate, 1, 61, true},
		{"60 points", Standing{Weekly: 35, Elective: 25}, Participation, 0, 60, true},
		{"119 points with essay", Standing{Weekly: 35, Elective: 45, Essay: 39, EssaySubmitted: true, EssayGraded: true}, Participation, 0, 1, false},
		{"120 points without essay", Standing{Weekly: 35, Elective: 85}, Participation, 0, 0, true},
		{"120 points with essay submitted", Standing{Weekly: 35, Elective: 85, EssaySubmitted: true}, Achievement, 0, 0, false},
		{"120 points counting the essay grade", Standing{Weekly: 25, Elective: 45, Essay: 50, EssaySubmitted: true, EssayGraded: true}, Achievement, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := r.Progress(tt.s, bank, during)
			if p.Tier != tt.tier || p.ToParticipation != tt.toPart || p.ToAchievement != tt.toAch || p.EssayMissing != tt.essayMissing {
				t.Errorf("got tier %v, to participation %d, to achievement %d, essay missing %v; want %v, %d, %d, %v",
					p.Tier, p.ToParticipation, p.ToAchievement, p.EssayMissing, tt.tier, tt.toPart, tt.toAch, tt.essayMissing)
			}
			if want := tt.s.Weekly + tt.s.Elective + tt.s.Essay; p.Total != want {
				t.Errorf("total %d, want %d", p.Total, want)
			}
		})
	}
}

func TestProgressReachable(t *testing.T) {
	r, bank := elmaRules(), twoQuizzes()
	answered := Standing{Weekly: 2, Answered: map[ID]map[string]bool{
		"week-1":          {"q1": true, "q2": true, "q3": true},
		"elective-skills": {"q1": true},
	}}
	tests := []struct {
		name      string
		s         Standing
		now       time.Time
		reachable int
		ach       bool
	}{
		// 5 + 15 quiz points + 80 essay points.
		{"all open", Standing{}, day0.AddDate(0, 0, 1), 100, false},
		// week-1: 2 left; skills: 4 x 3 = 12 left; essay 80.
		{"some answered", answered, day0.AddDate(0, 0, 1), 94, false},
		// week-1 has closed: its 2 unanswered points are gone.
		{"weekly closed", answered, day0.AddDate(0, 0, 11), 92, false},
		// Everything closed and no essay: nothing more to gain.
		{"after the deadline without essay", answered, deadline, 0, false},
		// A submitted, ungraded essay still counts as reachable.
		{"after the deadline, essay pending", Standing{Weekly: 35, Elective: 60, EssaySubmitted: true}, deadline, 80, true},
		// A graded essay is no longer reachable.
		{"after the deadline, essay graded", Standing{Weekly: 35, Elective: 60, Essay: 20, EssaySubmitted: true, EssayGraded: true}, deadline, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := r.Progress(tt.s, bank, tt.now)
			if p.Reachable != tt.reachable || p.AchievementPossible != tt.ach {
				t.Errorf("reachable %d, achievement possible %v; want %d, %v", p.Reachable, p.AchievementPossible, tt.reachable, tt.ach)
			}
		})
	}
}

func TestProgressAchievementStillPossible(t *testing.T) {
	r, bank := elmaRules(), twoQuizzes()
	s := Standing{Weekly: 30, Elective: 10}
	// 40 points + 20 from quizzes + 80 from the essay = 140 >= 120.
	if p := r.Progress(s, bank, day0.AddDate(0, 0, 1)); !p.AchievementPossible || !p.ParticipationPossible {
		t.Errorf("before the deadline: achievement possible %v, participation possible %v; want both", p.AchievementPossible, p.ParticipationPossible)
	}
	// After the deadline with no essay only the 40 points remain.
	if p := r.Progress(s, bank, deadline); p.AchievementPossible || p.ParticipationPossible {
		t.Errorf("after the deadline: achievement possible %v, participation possible %v; want neither", p.AchievementPossible, p.ParticipationPossible)
	}
}

func TestQuestionGrade(t *testing.T) {
	q := Question{Correct: 2, Points: 3}
	if ok, pts := q.Grade(2); !ok || pts != 3 {
		t.Errorf("correct option: got %v %d", ok, pts)
	}
	if ok, pts := q.Grade(1); ok || pts != 0 {
		t.Errorf("wrong option: got %v %d", ok, pts)
	}
}

func TestQuizWindow(t *testing.T) {
	q := Quiz{Opens: day0, Closes: deadline}
	for _, tc := range []struct {
		at           time.Time
		open, closed bool
	}{
		{day0.Add(-time.Second), false, false},
		{day0, true, false},
		{deadline.Add(-time.Nanosecond), true, false},
		{deadline, false, true},
	} {
		if q.OpenAt(tc.at) != tc.open || q.ClosedAt(tc.at) != tc.closed {
			t.Errorf("at %v: open %v closed %v; want %v %v", tc.at, q.OpenAt(tc.at), q.ClosedAt(tc.at), tc.open, tc.closed)
		}
	}
}

// An extension moves a quiz's or the essay's deadline for progress: the
// points stay within reach until the extended deadline, and an extension
// earlier than the course's own deadline changes nothing.
func TestExtensionsKeepPointsInReach(t *testing.T) {
	r, bank := elmaRules(), twoQuizzes()
	later := deadline.Add(7 * 24 * time.Hour)
	s := Standing{Weekly: 35, Elective: 60}
	p := r.Progress(s, bank, deadline)
	if p.Reachable != 0 || p.AchievementPossible {
		t.Fatalf("without extensions, after the deadline: %+v", p)
	}
	everyone := Extensions{"elective-skills": later}
	own := Extensions{EssayID: later, "week-1": day0.AddDate(0, 0, 5)}
	xr, xb := r.Extended(everyone, own), bank.Extended(everyone, own)
	p = xr.Progress(s, xb, deadline)
	if want := 15 + 80; p.Reachable != want || !p.AchievementPossible {
		t.Errorf("with the elective and the essay extended: reachable %d, achievement possible %v; want %d, true", p.Reachable, p.AchievementPossible, want)
	}
	if w1, _ := xb.Quiz("week-1"); !w1.Closes.Equal(day0.AddDate(0, 0, 10)) {
		t.Errorf("an earlier extension moved week-1 to %v", w1.Closes)
	}
	if orig, _ := bank.Quiz("elective-skills"); !orig.Closes.Equal(deadline) {
		t.Errorf("Extended changed the course's own bank: %v", orig.Closes)
	}
	if p := xr.Progress(s, xb, later); p.Reachable != 0 || p.AchievementPossible {
		t.Errorf("after the extended deadline: %+v", p)
	}
}
