package bot

import (
	"strings"

	"github.com/elmabot/elmabot/gradebook"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// cmdProgress shows the running total against each certificate. A
// coordinator naming someone ("/progress p12", "/progress lima") sees
// that participant's record instead.
func (r *request) cmdProgress(args string) error {
	if strings.TrimSpace(args) != "" && r.allowed(coordinator) {
		return r.cmdParticipant(args)
	}
	p, err := r.progress()
	if err != nil {
		return err
	}
	return r.say(r.renderProgress(p))
}

// record is what the store holds on one participant's work, and the
// deadlines that apply to them.
type record struct {
	totals  store.Totals
	essay   store.EssayState
	answers map[quiz.ID]map[string]store.StoredAnswer
	terms   terms
}

// record reads the participant's totals, essay and answers.
func (r *request) record() (record, error) {
	answers, err := r.b.cfg.Store.AllAnswers(r.ctx, r.p.ID)
	if err != nil {
		return record{}, err
	}
	return r.recordWith(answers)
}

// recordWith completes a record whose answers were already read.
func (r *request) recordWith(answers map[quiz.ID]map[string]store.StoredAnswer) (record, error) {
	rec := record{answers: answers}
	var err error
	if rec.totals, err = r.b.cfg.Store.Totals(r.ctx, r.p.ID); err != nil {
		return rec, err
	}
	if rec.essay, err = r.b.cfg.Store.Essay(r.ctx, r.p.ID); err != nil {
		return rec, err
	}
	rec.terms, err = r.terms()
	return rec, err
}

// progress gathers the participant's standing and applies the rules.
func (r *request) progress() (quiz.Progress, error) {
	rec, err := r.record()
	if err != nil {
		return quiz.Progress{}, err
	}
	return r.progressOf(rec), nil
}

// progressOf applies the course's rules to a record at the request's instant.
func (r *request) progressOf(rec record) quiz.Progress {
	s := gradebook.Standing(rec.totals, rec.essay, rec.answers)
	return rec.terms.rules.Progress(s, rec.terms.bank, r.now)
}

func (r *request) renderProgress(p quiz.Progress) string {
	pr, rules := r.pr, r.course().Rules
	lines := []string{
		pr.N("progress_total", p.Total),
		pr.T("progress_breakdown", "Weekly", p.Weekly, "Elective", p.Elective, "Essay", p.Essay, "EssayMax", rules.Essay.Max),
		pr.T("progress_tier_" + p.Tier.String()),
	}
	if p.ToParticipation > 0 {
		lines = append(lines, pr.N("progress_to_participation", p.ToParticipation, "Goal", rules.Participation))
	}
	if p.ToAchievement > 0 {
		lines = append(lines, pr.N("progress_to_achievement", p.ToAchievement, "Goal", rules.Achievement))
	}
	if p.EssayMissing {
		lines = append(lines, pr.T("progress_essay_missing"))
	}
	lines = append(lines, pr.N("progress_reachable", p.Reachable))
	switch {
	case p.Tier == quiz.Participation && !p.AchievementPossible:
		// They hold participation: telling them it is "still within
		// reach" would read as if they had yet to earn it.
		lines = append(lines, pr.T("progress_achievement_out_of_reach_held"))
	case p.Tier < quiz.Achievement && !p.AchievementPossible && p.ParticipationPossible:
		lines = append(lines, pr.T("progress_achievement_out_of_reach"))
	case p.Tier == quiz.NoCertificate && !p.ParticipationPossible:
		lines = append(lines, pr.T("progress_nothing_in_reach"))
	}
	return strings.Join(lines, "\n")
}
