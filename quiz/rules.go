package quiz

import (
	"time"

	"github.com/elmabot/elmabot/locales"
)

// Rules are a course's point and certificate rules.
type Rules struct {
	Participation int // points for the certificate of participation
	Achievement   int // points for the certificate of achievement
	// AchievementNeedsEssay: the achievement certificate also needs a
	// submitted final essay.
	AchievementNeedsEssay bool
	WeeklyCount           int // how many weekly quizzes
	WeeklyPoints          int // points of each weekly quiz
	ElectivePoints        int // the most points an elective quiz may carry
	Essay                 EssayRules
}

// EssayRules describe the final essay graded by staff.
type EssayRules struct {
	Max      int
	Deadline time.Time
	Rubric   []RubricPart
}

// RubricPart is one graded component of the essay.
type RubricPart struct {
	ID    string
	Title locales.Text
	Max   int
}
