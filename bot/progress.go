package bot

import (
	"strings"

	"github.com/elmabot/elmabot/quiz"
)

// cmdProgress shows the running total against each certificate.
func (r *request) cmdProgress(string) error {
	p, err := r.progress()
	if err != nil {
		return err
	}
	return r.say(r.renderProgress(p))
}

// progress gathers the participant's standing and applies the rules.
func (r *request) progress() (quiz.Progress, error) {
	ctx, st := r.ctx, r.b.cfg.Store
	totals, err := st.Totals(ctx, r.p.ID)
	if err != nil {
		return quiz.Progress{}, err
	}
	essay, err := st.Essay(ctx, r.p.ID)
	if err != nil {
		return quiz.Progress{}, err
	}
	answers, err := st.AllAnswers(ctx, r.p.ID)
	if err != nil {
		return quiz.Progress{}, err
	}
	s := quiz.Standing{
		Weekly: totals.Weekly, Elective: totals.Elective, Essay: totals.Essay,
		EssaySubmitted: essay.Submitted, EssayGraded: essay.Grade != nil,
		Answered: map[quiz.ID]map[string]bool{},
	}
	for qid, qs := range answers {
		s.Answered[qid] = map[string]bool{}
		for question := range qs {
			s.Answered[qid][question] = true
		}
	}
	rules := r.course().Rules
	return rules.Progress(s, &r.course().Bank, r.now), nil
}

func (r *request) renderProgress(p quiz.Progress) string {
	pr, rules := r.pr, r.course().Rules
	lines := []string{
		pr.N("progress_total", p.Total),
		pr.T("progress_breakdown", "Weekly", p.Weekly, "Elective", p.Elective, "Essay", p.Essay, "EssayMax", rules.Essay.Max),
		pr.T("progress_tier_" + p.Tier.String()),
	}
	if p.ToParticipation > 0 {
		lines = append(lines, pr.T("progress_to_participation", "Points", p.ToParticipation, "Goal", rules.Participation))
	}
	if p.ToAchievement > 0 {
		lines = append(lines, pr.T("progress_to_achievement", "Points", p.ToAchievement, "Goal", rules.Achievement))
	}
	if p.EssayMissing {
		lines = append(lines, pr.T("progress_essay_missing"))
	}
	lines = append(lines, pr.T("progress_reachable", "Points", p.Reachable))
	switch {
	case p.Tier < quiz.Achievement && !p.AchievementPossible && p.ParticipationPossible:
		lines = append(lines, pr.T("progress_achievement_out_of_reach"))
	case p.Tier == quiz.NoCertificate && !p.ParticipationPossible:
		lines = append(lines, pr.T("progress_nothing_in_reach"))
	}
	return strings.Join(lines, "\n")
}
