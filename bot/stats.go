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
	return r.say(r.renderNumbers(n))
}

func (r *request) numbers() (courseNumbers, error) {
	n := courseNumbers{byLang: map[string]int{}, byCohort: map[string]int{}, tiers: map[quiz.Tier]int{}, completed: map[quiz.ID]int{}}
	err := r.b.eachParticipant(r.ctx, func(p *store.Participant) error {
		return r.count(&n, p)
	})
	if err != nil {
		return n, err
	}
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	n.openQuestions = len(qs)
	return n, err
}

// count adds one participant to the numbers.
func (r *request) count(n *courseNumbers, p *store.Participant) error {
	if p.Coordinator {
		return nil
	}
	n.participants++
	if slices.ContainsFunc(p.Accounts, func(a store.Account) bool { return a.Reachable }) {
		n.reachable++
	}
	n.byLang[string(langOf(p))]++
	n.byCohort[p.Cohort]++
	who := &request{b: r.b, c: r.c, ctx: r.ctx, now: r.now, p: p, pr: r.pr}
	rec, err := who.record()
	if err != nil {
		return err
	}
	prog := who.progressOf(rec)
	n.tiers[prog.Tier]++
	if prog.Tier < quiz.Achievement && prog.AchievementPossible {
		n.achievementPossible++
	}
	if rec.essay.Submitted {
		n.essaysSubmitted++
	}
	if g := rec.essay.Grade; g != nil {
		n.essaysGraded++
		n.gradeSum += g.Total
	}
	for _, q := range r.course().Bank.Quizzes {
		if len(rec.answers[q.ID]) == len(q.Questions) {
			n.completed[q.ID]++
		}
	}
	return nil
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
