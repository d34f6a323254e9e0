// Package schedule holds the course agenda and decides when things happen:
// sessions, reminders and quiz windows. Every instant it hands out is UTC;
// course-local wall times are converted with the course's time zone.
package schedule

import (
	"time"

	"github.com/elmabot/elmabot/locales"
)

// Kind is what a session is for.
type Kind string

// The kinds of session in the agenda.
const (
	Opening         Kind = "opening"  // the platform opens to participants
	Welcome         Kind = "welcome"  // welcome webinar and platform tour
	Plenary         Kind = "plenary"  // weekly plenary forum, always EN and ES
	ElectiveSession Kind = "elective" // a live session of an elective course
	Quizzes         Kind = "quizzes"  // the weekly quizzes are released
	Closing         Kind = "closing"  // way forward and next steps
)

// Theme groups the electives, as in the course description.
type Theme string

// The four themes of the elective courses.
const (
	Governance  Theme = "governance"
	Protection  Theme = "protection"
	Development Theme = "development"
	Crisis      Theme = "crisis"
)

// Elective is one of the elective courses a participant may follow.
type Elective struct {
	ID    string
	Theme Theme
	Title locales.Text
}

// Event is one entry of the agenda. Start and End are UTC instants.
type Event struct {
	ID          string
	Week        int
	Kind        Kind
	Theme       Theme // empty for sessions that belong to no theme
	Title       locales.Text
	Languages   []locales.Lang
	Speakers    []string
	PreRecorded bool
	Elective    string // the elective this session belongs to, if any
	Link        string
	Start, End  time.Time
}

// Agenda is the course timetable.
type Agenda struct {
	Location  *time.Location // the course's time zone
	Electives []Elective
	Events    []Event // sorted by Start
}

// Elective returns the elective with the given id.
func (a *Agenda) Elective(id string) (*Elective, bool) {
	for i := range a.Electives {
		if a.Electives[i].ID == id {
			return &a.Electives[i], true
		}
	}
	return nil, false
}

// Local returns t in the course's time zone.
func (a *Agenda) Local(t time.Time) time.Time { return t.In(a.Location) }
