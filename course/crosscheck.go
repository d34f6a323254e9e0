package course

import (
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
)

// crossCheck looks at what spans files: every week and every elective has
// its quiz, every elective meets, and the certificates can be reached.
func (l *loader) crossCheck(c *Course) {
	weeks := map[int]int{}
	electives := map[string]int{}
	total := 0
	for _, q := range c.Bank.Quizzes {
		total += q.Points
		switch q.Kind {
		case quiz.Weekly:
			weeks[q.Week]++
		case quiz.Elective:
			electives[q.Elective]++
		}
	}
	for w := 1; w <= c.Rules.WeeklyCount; w++ {
		if weeks[w] != 1 {
			l.probs.Add(l.name(courseName), l.at("weekly"), "week %d has %d weekly quizzes, want exactly 1", w, weeks[w])
		}
	}
	met := map[string]bool{}
	for _, ev := range c.Agenda.Events {
		if ev.Kind == schedule.ElectiveSession {
			met[ev.Elective] = true
		}
	}
	for _, e := range c.Agenda.Electives {
		if electives[e.ID] != 1 {
			l.probs.Add(l.name(agendaName), l.at("elective:"+e.ID), "elective %s has %d quizzes, want exactly 1", e.ID, electives[e.ID])
		}
		if !met[e.ID] {
			l.probs.Add(l.name(agendaName), l.at("elective:"+e.ID), "elective %s has no sessions", e.ID)
		}
	}
	if best := total + c.Rules.Essay.Max; best < c.Rules.Achievement {
		l.probs.Add(l.name(courseName), l.at("certificates"), "the certificate of achievement needs %d points, but the course offers only %d", c.Rules.Achievement, best)
	}
	// The essay may be due after the last day, never before the first.
	if d := c.Rules.Essay.Deadline; !d.IsZero() && !d.After(c.Start) {
		l.probs.Add(l.name(courseName), l.at("essay deadline"), "essay deadline %s is before the course starts (%s)", stamp(d, c.Location), day(c.Start, c.Location))
	}
}
