package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// courseNumbers is what /stats reports.
type courseNumbers struct {
	participants, reachable int
	byLang, byCohort        map[string]int
	tiers                   map[quiz.Tier]int
	achievementPossible     int
	essaysSubmitted         int
	essaysGraded, gradeSum  int
	completed               map[quiz.ID]int
	openQuestions           int
}

// cmdStats shows the course's numbers: who is there, certificates,
// essays, quizzes completed, questions waiting.
func (r *request) cmdStats(string) error {
	n, err := r.numbers()
	if err != nil {
		return err
	}
	ev, err := r.evaluationStatsLine()
	if err != nil {
		return err
	}
	return r.say(strings.TrimSpace(r.renderNumbers(n) + "\n" + ev))
}

// numbers reads the course's counters (store.Counts): one round trip,
// whatever the size of the course.
func (r *request) numbers() (courseNumbers, error) {
	c, err := r.b.cfg.Store.Counts(r.ctx)
	if err != nil {
		return courseNumbers{}, err
	}
	n := courseNumbers{
		participants: c.Participants, reachable: c.Reachable,
		byLang: map[string]int{}, byCohort: c.ByCohort, tiers: map[quiz.Tier]int{}, completed: map[quiz.ID]int{},
		essaysSubmitted: c.EssaysSubmitted, essaysGraded: c.EssaysGraded, gradeSum: c.GradeSum,
	}
	for lang, k := range c.ByLang {
		n.byLang[string(langOf(&store.Participant{Lang: locales.Lang(lang)}))] += k
	}
	for _, q := range r.course().Bank.Quizzes {
		n.completed[q.ID] = c.Completed[store.QuizCode(q.ID)]
	}
	if err := r.countTiers(&n, c.Standings); err != nil {
		return n, err
	}
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	n.openQuestions = len(qs)
	return n, err
}

// countTiers applies the certificate rules to the points histogram.
// Which certificates are still possible depends on the points still
// open: while no quiz has closed (or once all have) they follow from the
// answered points each cell carries. Between the two, which quizzes each
// participant answered matters, and a paged pass finds out.
func (r *request) countTiers(n *courseNumbers, cells []store.Standing) error {
	bank := &r.course().Bank
	closed := 0
	for i := range bank.Quizzes {
		if bank.Quizzes[i].ClosedAt(r.now) {
			closed++
		}
	}
	staggered := closed > 0 && closed < len(bank.Quizzes)
	for _, c := range cells {
		prog := r.cellProgress(c, closed == 0)
		n.tiers[prog.Tier] += c.Count
		if !staggered && prog.Tier < quiz.Achievement && prog.AchievementPossible {
			n.achievementPossible += c.Count
		}
	}
	if staggered {
		return r.countPossible(n)
	}
	return nil
}

// cellProgress is the progress of everyone in histogram cell c. With
// allOpen, the cell's answered points are no longer obtainable.
func (r *request) cellProgress(c store.Standing, allOpen bool) quiz.Progress {
	rules := r.course().Rules
	prog := rules.Progress(quiz.Standing{Weekly: c.Total, EssaySubmitted: c.Submitted, EssayGraded: c.Graded}, &r.course().Bank, r.now)
	if allOpen {
		prog.Reachable -= c.Answered
	}
	essayPossible := !prog.EssayMissing || rules.EssayAccepted(r.now)
	prog.AchievementPossible = prog.Total+prog.Reachable >= rules.Achievement && essayPossible
	return prog
}

// countPossible counts, in one paged pass, who can still reach the
// certificate of achievement while some quizzes are closed and others
// not. A quiz's answered points are its answered questions times its
// points per question, exact for quizzes whose questions weigh the same.
func (r *request) countPossible(n *courseNumbers) error {
	return r.b.cfg.Store.EachParticipants(r.ctx, func(ps []store.Participant) error {
		for i := range ps {
			if ps[i].Coordinator {
				continue
			}
			if prog := r.markedProgress(&ps[i]); prog.Tier < quiz.Achievement && prog.AchievementPossible {
				n.achievementPossible++
			}
		}
		return nil
	})
}

// markedProgress is p's progress from its profile alone: totals and
// quiz marks.
func (r *request) markedProgress(p *store.Participant) quiz.Progress {
	rules, bank := r.course().Rules, &r.course().Bank
	prog := rules.Progress(quiz.Standing{Weekly: p.Points.Total, EssaySubmitted: p.Points.EssaySubmitted, EssayGraded: p.EssayGraded}, bank, r.now)
	for i := range bank.Quizzes {
		q := &bank.Quizzes[i]
		if m, ok := p.Marks[store.QuizCode(q.ID)]; ok && !q.ClosedAt(r.now) && len(q.Questions) > 0 {
			prog.Reachable -= min(m.Answered, len(q.Questions)) * q.Points / len(q.Questions)
		}
	}
	essayPossible := !prog.EssayMissing || rules.EssayAccepted(r.now)
	prog.AchievementPossible = prog.Total+prog.Reachable >= rules.Achievement && essayPossible
	return prog
}

func (r *request) renderNumbers(n courseNumbers) string {
	pr := r.pr
	at := r.now.In(r.zone())
	average := "-"
	if n.essaysGraded > 0 {
		average = fmt.Sprintf("%.1f", float64(n.gradeSum)/float64(n.essaysGraded))
	}
	lines := []string{
		pr.T("stats_header", "Day", pr.Date(at), "Time", pr.Clock(at)),
		pr.T("stats_participants", "Count", n.participants, "Reachable", n.reachable,
			"EN", n.byLang[string(locales.EN)], "ES", n.byLang[string(locales.ES)]),
		pr.T("stats_cohorts", "List", countList(n.byCohort, pr.T("stats_no_cohort"))),
		pr.T("stats_certificates", "Achievement", n.tiers[quiz.Achievement], "Participation", n.tiers[quiz.Participation],
			"None", n.tiers[quiz.NoCertificate], "Possible", n.achievementPossible),
		pr.T("stats_essays", "Submitted", n.essaysSubmitted, "Graded", n.essaysGraded, "Average", average, "Max", r.course().Rules.Essay.Max),
		pr.T("stats_quizzes"),
	}
	for _, q := range r.course().Bank.Quizzes {
		lines = append(lines, fmt.Sprintf("  %s: %d", q.ID, n.completed[q.ID]))
	}
	lines = append(lines, pr.T("stats_questions", "Count", n.openQuestions))
	return strings.Join(lines, "\n")
}

// countList renders "SAMM 26 · none 100", largest first.
func countList(m map[string]int, empty string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := k
		if name == "" {
			name = empty
		}
		parts[i] = fmt.Sprintf("%s %d", name, m[k])
	}
	return strings.Join(parts, " · ")
}
