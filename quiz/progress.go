package quiz

import "time"

// Tier is the certificate a participant has earned so far.
type Tier int

// The certificate tiers, in increasing order.
const (
	NoCertificate Tier = iota
	Participation
	Achievement
)

func (t Tier) String() string {
	switch t {
	case Participation:
		return "participation"
	case Achievement:
		return "achievement"
	}
	return "none"
}

// Standing is what is known of one participant: their points by source,
// their essay, and which questions they have answered (right or wrong).
type Standing struct {
	Weekly, Elective, Essay int
	EssaySubmitted          bool
	EssayGraded             bool
	Answered                map[ID]map[string]bool
}

// Progress is a participant's position against the certificates.
type Progress struct {
	Total                   int
	Weekly, Elective, Essay int
	Tier                    Tier
	ToParticipation         int  // points still missing; 0 once reached
	ToAchievement           int  // points still missing; 0 once reached
	EssayMissing            bool // the achievement needs an essay not yet submitted
	Reachable               int  // the most points still obtainable
	ParticipationPossible   bool
	AchievementPossible     bool
}

// Progress computes where s stands at the instant now. Reachable counts
// the unanswered questions of every quiz not yet closed, plus the essay
// while it is ungraded and can still be (or has been) submitted.
func (r *Rules) Progress(s Standing, bank *Bank, now time.Time) Progress {
	p := Progress{Weekly: s.Weekly, Elective: s.Elective, Essay: s.Essay}
	p.Total = s.Weekly + s.Elective + s.Essay
	p.ToParticipation = max(0, r.Participation-p.Total)
	p.ToAchievement = max(0, r.Achievement-p.Total)
	p.EssayMissing = r.AchievementNeedsEssay && !s.EssaySubmitted
	p.Reachable = unanswered(s, bank, now) + r.essayStillOpen(s, now)
	best := p.Total + p.Reachable
	essayPossible := !p.EssayMissing || r.essayAccepted(now)
	p.ParticipationPossible = best >= r.Participation
	p.AchievementPossible = best >= r.Achievement && essayPossible
	switch {
	case p.ToAchievement == 0 && !p.EssayMissing:
		p.Tier = Achievement
	case p.ToParticipation == 0:
		p.Tier = Participation
	}
	return p
}

// unanswered sums the points of questions s can still answer.
func unanswered(s Standing, bank *Bank, now time.Time) int {
	sum := 0
	for i := range bank.Quizzes {
		q := &bank.Quizzes[i]
		if q.ClosedAt(now) {
			continue
		}
		done := s.Answered[q.ID]
		for _, qu := range q.Questions {
			if !done[qu.ID] {
				sum += qu.Points
			}
		}
	}
	return sum
}

// essayStillOpen is the essay's maximum while its grade is still to come.
func (r *Rules) essayStillOpen(s Standing, now time.Time) int {
	if s.EssayGraded {
		return 0
	}
	if s.EssaySubmitted || r.essayAccepted(now) {
		return r.Essay.Max
	}
	return 0
}

// EssayAccepted reports whether an essay may still be submitted at now.
func (r *Rules) EssayAccepted(now time.Time) bool { return r.essayAccepted(now) }

// essayAccepted reports whether an essay may still be submitted at now.
func (r *Rules) essayAccepted(now time.Time) bool {
	return r.Essay.Deadline.IsZero() || now.Before(r.Essay.Deadline)
}
