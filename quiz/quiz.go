// Package quiz holds the course's quizzes and the rules that turn answers
// into points and points into certificates. It knows nothing of chat
// platforms or storage: callers hand it facts and get decisions back.
package quiz

import (
	"time"

	"github.com/elmabot/elmabot/locales"
)

// ID names a quiz, such as "week-3" or "elective-skills".
type ID string

// EssayID names the final essay where a quiz id could be given (a
// deadline extension): no quiz may be called so.
const EssayID ID = "essay"

// Kind tells which point source a quiz feeds.
type Kind string

// The kinds of quiz in a course.
const (
	Weekly   Kind = "weekly"
	Elective Kind = "elective"
)

// Question is one multiple-choice question with exactly one correct option.
type Question struct {
	ID          string
	Text        locales.Text
	Options     []locales.Text
	Correct     int // index into Options
	Explanation locales.Text
	Points      int
}

// Quiz is an ordered set of questions answerable between Opens and Closes.
type Quiz struct {
	ID        ID
	Kind      Kind
	Week      int    // weekly quizzes: the course week, 1-based
	Elective  string // elective quizzes: the elective's id
	Title     locales.Text
	Points    int // the declared maximum; equals the sum of question points
	Opens     time.Time
	Closes    time.Time
	Questions []Question
}

// OpenAt reports whether answers are accepted at the instant t.
func (q *Quiz) OpenAt(t time.Time) bool {
	return !t.Before(q.Opens) && t.Before(q.Closes)
}

// ClosedAt reports whether the quiz no longer accepts answers at t.
func (q *Quiz) ClosedAt(t time.Time) bool { return !t.Before(q.Closes) }

// Question returns the question with the given id.
func (q *Quiz) Question(id string) (*Question, bool) {
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return &q.Questions[i], true
		}
	}
	return nil, false
}

// Grade returns the points an answer earns: the question's points when
// option is the correct one, else zero. Only correct answers earn points.
func (q *Question) Grade(option int) (correct bool, points int) {
	if option == q.Correct {
		return true, q.Points
	}
	return false, 0
}

// Bank is every quiz of a course, in course order.
type Bank struct {
	Quizzes []Quiz
}

// Quiz returns the quiz with the given id.
func (b *Bank) Quiz(id ID) (*Quiz, bool) {
	for i := range b.Quizzes {
		if b.Quizzes[i].ID == id {
			return &b.Quizzes[i], true
		}
	}
	return nil, false
}

// OpenAt lists the quizzes that accept answers at t.
func (b *Bank) OpenAt(t time.Time) []*Quiz {
	var out []*Quiz
	for i := range b.Quizzes {
		if b.Quizzes[i].OpenAt(t) {
			out = append(out, &b.Quizzes[i])
		}
	}
	return out
}
