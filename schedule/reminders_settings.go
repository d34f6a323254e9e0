package schedule

import "time"

// ReminderSettings are the course's defaults for webinar reminders.
type ReminderSettings struct {
	// Offsets before a session's start at which reminders go out.
	Offsets []time.Duration
	// NoChoiceGetsAll tells participants who have not chosen any
	// elective yet of every elective's sessions, in a morning digest
	// rather than one reminder each, so newcomers miss nothing.
	NoChoiceGetsAll bool
	// Quiet is the default span of quiet hours, in each participant's
	// own zone: sends due then wait for its end (see the bot).
	Quiet QuietHours
	// Hours are the local hours of the sends that no session times.
	Hours LocalHours
}

// LocalHours are wall-clock times of day, in each recipient's own zone.
type LocalHours struct {
	Digest  time.Duration // the morning digest of the day's sessions
	Nudge   time.Duration // the nudge, on the day before quizzes close
	Summary time.Duration // the course summary, the first such hour after the end
}

// DefaultReminders are the settings a course file may leave out: quiet
// from 22:00 to 07:00, the digest at 08:00, the nudge at 10:00, the
// summary at 09:00.
func DefaultReminders() ReminderSettings {
	return ReminderSettings{
		Quiet: QuietHours{From: 22 * time.Hour, To: 7 * time.Hour},
		Hours: LocalHours{Digest: 8 * time.Hour, Nudge: 10 * time.Hour, Summary: 9 * time.Hour},
	}
}
