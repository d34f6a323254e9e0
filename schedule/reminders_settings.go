package schedule

import "time"

// ReminderSettings are the course's defaults for webinar reminders.
type ReminderSettings struct {
	// Offsets before a session's start at which reminders go out.
	Offsets []time.Duration
	// NoChoiceGetsAll sends elective reminders to participants who have
	// not chosen any elective yet, so newcomers miss nothing.
	NoChoiceGetsAll bool
}
