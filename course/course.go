// Package course loads a course from its files: settings, agenda, quiz bank
// and support answers. It checks everything it reads and reports each
// problem with its file and line, so a coordinator can fix a whole course
// in one pass. The E-Academy on Labour Migration 2022 ships embedded.
package course

import (
	"embed"
	"io/fs"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
)

//go:embed e-lma-2022
var embedded embed.FS

// Builtin is the name of the course shipped inside the binary.
const Builtin = "e-lma-2022"

// Course is one fully loaded, checked course.
type Course struct {
	ID         string
	Code       string
	Title      locales.Text
	Location   *time.Location
	Start, End time.Time // first instant of the first day; first instant after the last day
	Languages  []locales.Lang
	ECampus    string
	Recordings string
	Webinars   string // default link for live sessions
	Contact    locales.Text
	Rules      quiz.Rules
	// QuizCloses is when a quiz closes if its file names no instant;
	// MinQuizOpen is the shortest window a quiz may have. Both come from
	// course.yaml's quizzes section (see the shipped course for why).
	QuizCloses  time.Time
	MinQuizOpen time.Duration
	Reminders   schedule.ReminderSettings
	Agenda      schedule.Agenda
	Bank        quiz.Bank
	FAQ         []FAQEntry
	// Evaluation is the final questionnaire; nil when the course has
	// no evaluation.yaml.
	Evaluation *Evaluation

	// sources locates each question in its file, for Warnings.
	sources map[string]source
	// Support is the FAQ compiled for matching, built once per load so
	// that swapping the course swaps it too.
	Support *Matcher
}

// FAQEntry is one support answer.
type FAQEntry struct {
	ID       string
	Kind     FAQKind
	Live     LiveKind
	Keywords map[locales.Lang][]string
	Examples map[locales.Lang][]string
	Question locales.Text
	Answer   locales.Text
}

// The files of a course, relative to its folder.
const (
	courseName = "course.yaml"
	agendaName = "agenda.yaml"
	faqName    = "faq.yaml"
	quizDir    = "quizzes"
)

// LoadBuiltin loads the embedded e-LMA 2022 course.
func LoadBuiltin() (*Course, error) {
	sub, err := fs.Sub(embedded, Builtin)
	if err != nil {
		return nil, err
	}
	return Load(sub, Builtin)
}

// Load reads and checks the course in fsys. label prefixes file names in
// problems (the folder the coordinator named). The error, when not nil,
// is a *Problems listing everything found.
func Load(fsys fs.FS, label string) (*Course, error) {
	l := loader{fsys: fsys, label: label}
	c := l.load()
	if err := l.probs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}
