package bot

import (
	"strings"

	"github.com/elmabot/elmabot/bot/gradebook"
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
	_, err = r.send(Reply{Text: r.renderProgress(p), Card: r.progressCard(p)})
	return err
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

// progressCard is the standing as a card: the total, then a bar toward
// each certificate with what it still takes.
func (r *request) progressCard(p quiz.Progress) *Card {
	pr, rules := r.pr, r.course().Rules
	return &Card{
		Title:       pr.T("card_progress_title"),
		Description: pr.N("progress_total", p.Total) + "\n" + pr.T("progress_breakdown", "Weekly", p.Weekly, "Elective", p.Elective, "Essay", p.Essay, "EssayMax", rules.Essay.Max),
		Fields: []CardField{
			{Name: pr.T("card_participation"), Value: r.bar(p.Total, rules.Participation) + "\n" + r.participationStatus(p)},
			{Name: pr.T("card_achievement"), Value: r.bar(p.Total, rules.Achievement) + "\n" + r.achievementStatus(p)},
		},
		Footer: pr.N("progress_reachable", p.Reachable),
	}
}

func (r *request) participationStatus(p quiz.Progress) string {
	switch {
	case p.Tier >= quiz.Participation:
		return r.pr.T("card_reached")
	case !p.ParticipationPossible:
		return r.pr.T("card_out_of_reach")
	}
	return r.pr.N("progress_to_participation", p.ToParticipation, "Goal", r.course().Rules.Participation)
}

func (r *request) achievementStatus(p quiz.Progress) string {
	var lines []string
	switch {
	case p.Tier == quiz.Achievement:
		return r.pr.T("card_reached")
	case !p.AchievementPossible:
		return r.pr.T("card_out_of_reach")
	case p.ToAchievement > 0:
		lines = append(lines, r.pr.N("progress_to_achievement", p.ToAchievement, "Goal", r.course().Rules.Achievement))
	}
	if p.EssayMissing {
		lines = append(lines, r.pr.T("progress_essay_missing"))
	}
	return strings.Join(lines, "\n")
}

// barCells is how many cells a progress bar has.
const barCells = 10

// bar draws points toward goal as ten cells, with the numbers.
func (r *request) bar(points, goal int) string {
	filled := barCells
	if goal > 0 && points < goal {
		filled = points * barCells / goal
	}
	cells := strings.Repeat("▰", filled) + strings.Repeat("▱", barCells-filled)
	return r.pr.T("card_bar", "Bar", cells, "Points", points, "Goal", goal)
}
