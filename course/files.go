package course

// The structs below are the course file formats, field for field. The
// decoder rejects any field not listed here. Wall times ("2022-10-24",
// "15:00", "2022-10-21T16:00") are course-local, in the course's time zone.

// textFile is a bilingual string: both languages are required.
type textFile struct {
	Line Line
	EN   string `yaml:"en"`
	ES   string `yaml:"es"`
}

// courseFile is course.yaml: the settings of one course.
type courseFile struct {
	Line         Line
	ID           string          `yaml:"id"`
	Code         string          `yaml:"code"`
	Title        textFile        `yaml:"title"`
	TimeZone     string          `yaml:"time_zone"`
	Start        string          `yaml:"start"` // date, first day
	End          string          `yaml:"end"`   // date, last day (inclusive)
	Languages    []string        `yaml:"languages"`
	ECampus      string          `yaml:"ecampus"`
	Recordings   string          `yaml:"recordings"`
	Webinars     string          `yaml:"webinars"` // default link for live sessions
	Contact      textFile        `yaml:"contact"`  // how to reach a coordinator
	Certificates certificateFile `yaml:"certificates"`
	Points       pointsFile      `yaml:"points"`
	Quizzes      quizWindowsFile `yaml:"quizzes"`
	Reminders    remindersFile   `yaml:"reminders"`
}

// quizWindowsFile is what every quiz window shares: the closing instant
// of a quiz file that names none, and the shortest window allowed.
type quizWindowsFile struct {
	Line        Line
	Closes      located `yaml:"closes"` // 2022-12-09T23:59
	MinOpenDays int     `yaml:"min_open_days"`
}

// located is a single value with the line it is on, so that a problem
// with it (a deadline, say) points at that line.
type located struct {
	Line  Line
	Value string
}

type certificateFile struct {
	Line                     Line
	Participation            int  `yaml:"participation"`
	Achievement              int  `yaml:"achievement"`
	AchievementRequiresEssay bool `yaml:"achievement_requires_essay"`
}

type pointsFile struct {
	Line     Line
	Weekly   weeklyPointsFile   `yaml:"weekly"`
	Elective electivePointsFile `yaml:"elective"`
	Essay    essayFile          `yaml:"essay"`
}

type weeklyPointsFile struct {
	Line   Line
	Count  int `yaml:"count"`
	Points int `yaml:"points"`
}

type electivePointsFile struct {
	Line   Line
	Points int `yaml:"points"`
}

type essayFile struct {
	Line     Line
	Max      int          `yaml:"max"`
	Deadline located      `yaml:"deadline"` // date-time
	Rubric   []rubricFile `yaml:"rubric"`
}

type rubricFile struct {
	Line  Line
	ID    string   `yaml:"id"`
	Title textFile `yaml:"title"`
	Max   int      `yaml:"max"`
}

type remindersFile struct {
	Line Line
	// Offsets before a session start, as Go durations ("24h", "15m").
	Offsets []string `yaml:"offsets"`
	// Whether participants who chose no elective hear of every elective.
	NoChoiceGetsAll bool `yaml:"no_choice_gets_all"`
	// Default quiet hours ("22:00-07:00", "off") and the local hours of
	// the digest, the quiz nudge and the course summary ("08:00"); each
	// may be left out for its default (schedule.DefaultReminders).
	QuietHours string `yaml:"quiet_hours"`
	DigestAt   string `yaml:"digest_at"`
	NudgeAt    string `yaml:"nudge_at"`
	SummaryAt  string `yaml:"summary_at"`
}

// agendaFile is agenda.yaml: the electives and every session.
type agendaFile struct {
	Line      Line
	Electives []electiveFile `yaml:"electives"`
	Sessions  []sessionFile  `yaml:"sessions"`
}

type electiveFile struct {
	Line  Line
	ID    string   `yaml:"id"`
	Theme string   `yaml:"theme"`
	Title textFile `yaml:"title"`
}

type sessionFile struct {
	Line        Line
	ID          string   `yaml:"id"`
	Week        int      `yaml:"week"`
	Date        string   `yaml:"date"`  // 2022-10-24
	Start       string   `yaml:"start"` // 15:00
	End         string   `yaml:"end"`   // 17:00
	Kind        string   `yaml:"kind"`
	Theme       string   `yaml:"theme"`    // plenaries; electives take their elective's
	Elective    string   `yaml:"elective"` // elective sessions only
	Title       textFile `yaml:"title"`    // optional for elective sessions
	Languages   []string `yaml:"languages"`
	Speakers    []string `yaml:"speakers"`
	PreRecorded bool     `yaml:"pre_recorded"`
	Link        string   `yaml:"link"`
	Note        string   `yaml:"note"` // for editors: how an agenda ambiguity was read
}

// quizFile is one file under quizzes/: one quiz.
type quizFile struct {
	Line      Line
	ID        string         `yaml:"id"`
	Kind      string         `yaml:"kind"` // weekly or elective
	Week      int            `yaml:"week"`
	Elective  string         `yaml:"elective"`
	Title     textFile       `yaml:"title"`
	Points    int            `yaml:"points"`
	Opens     located        `yaml:"opens"`  // 2022-10-21T15:00
	Closes    located        `yaml:"closes"` // optional: course.yaml's quizzes.closes
	Questions []questionFile `yaml:"questions"`
}

type questionFile struct {
	Line        Line
	ID          string       `yaml:"id"`
	Points      int          `yaml:"points"`
	Text        textFile     `yaml:"text"`
	Options     []optionFile `yaml:"options"`
	Explanation textFile     `yaml:"explanation"`
}

type optionFile struct {
	Line    Line
	EN      string `yaml:"en"`
	ES      string `yaml:"es"`
	Correct bool   `yaml:"correct"`
}

// faqFile is faq.yaml: the support answers.
type faqFile struct {
	Line    Line
	Entries []faqEntryFile `yaml:"entries"`
}

type faqEntryFile struct {
	Line Line
	ID   string `yaml:"id"`
	// Kind is answer (the default), human or smalltalk; Live names data
	// the bot adds to the answer. See the head of faq.yaml.
	Kind string `yaml:"kind"`
	Live string `yaml:"live"`
	// Keywords per language (words or phrases) and example questions;
	// both are evidence for the matcher (course/faqmatch.go).
	Keywords keywordsFile `yaml:"keywords"`
	Examples keywordsFile `yaml:"examples"`
	Question textFile     `yaml:"question"`
	Answer   textFile     `yaml:"answer"`
}

type keywordsFile struct {
	Line Line
	EN   []string `yaml:"en"`
	ES   []string `yaml:"es"`
}
