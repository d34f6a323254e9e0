package bot

import "time"

// Platform names a chat platform an account lives on.
type Platform string

// The platforms the bot speaks on.
const (
	Telegram Platform = "telegram"
	Discord  Platform = "discord"
	Console  Platform = "console"
)

// Update is one event from a platform, in neutral form. Exactly one of
// Text, Choice, Poll and Blocked is set.
type Update struct {
	// ID names the platform event ("tg:<update_id>", "dc:<interaction
	// or message id>"), so that an event delivered again after a crash
	// has its effects once. Empty when the platform has none (console).
	ID       string
	Platform Platform
	UserID   string // the platform's id of the person
	ChatID   string // where replies go (the private chat with the person)
	Name     string // the person's display name on the platform
	LangHint string // the platform's idea of the person's language, e.g. "es-CO"

	Text   string // a message; commands start with "/"
	Choice string // the data of a pressed button, as sent with it
	// MessageID is the message a pressed button was under, where the
	// platform tells.
	MessageID string
	Poll      *PollAnswer // an answer to a native quiz poll
	// Blocked says the person blocked (true) or unblocked (false) the
	// bot, on platforms that tell.
	Blocked *bool
	// Slowdown says the adapter dropped this person's excess typed
	// messages at intake; the core tells them, once, to slow down.
	Slowdown bool

	// DirectChat is set when ChatID is not the person's private chat: a
	// command used in a channel of the course's server, answered there
	// for their eyes only. It is the private chat an account keeps, where
	// reminders and announcements go.
	DirectChat string
	// Staff says the platform vouches that the person is course staff (a
	// coordinators' role in the course's server): with a participant's
	// record, they may run coordinator commands as the roster's
	// coordinators do.
	Staff bool
}

// PollAnswer is a person's vote in a native quiz poll.
type PollAnswer struct {
	PollID  string
	Options []int // chosen option indexes; empty when the vote was retracted
}

// Reply is one message for the person who sent an update, or for anyone
// the bot writes to unprompted (reminders, broadcasts).
type Reply struct {
	ChatID  string
	Text    string
	Buttons [][]Button // rows of buttons under the text
	Quiz    *QuizPoll  // set for a quiz question; Text, if any, goes first
	// Files go with the message: an export, a chart, a calendar. Text,
	// if any, comes first; each platform sends them its own way
	// (Telegram one message per file, Discord attachments of one
	// message, the console files on disk).
	Files []File
	// Card, when set, lays the reply out as a card of fields on
	// platforms that have cards (Discord's embeds); the others send Text,
	// which must say the same.
	Card *Card
}

// Card is a reply laid out as a titled card of named fields.
type Card struct {
	Title       string
	Description string
	Fields      []CardField
	Footer      string
}

// CardField is one named part of a card.
type CardField struct {
	Name, Value string
	Inline      bool // may sit beside its neighbours
}

// File is a document or a picture sent in a reply.
type File struct {
	Name string // shown to the person, e.g. "grades.csv"
	Type string // MIME type, e.g. "text/csv"
	Data []byte
	// Photo asks platforms that tell pictures from documents to show it
	// inline (a PNG chart); otherwise it is a document to download.
	Photo bool
}

// Button is one choice under a message. Data comes back in Update.Choice.
type Button struct {
	Label string
	Data  string
}

// QuizPoll is a quiz question. Platforms with native quiz polls show it
// as one (keeping Correct so the platform can reveal it); the others show
// Text with one button per option.
type QuizPoll struct {
	Question    string
	Options     []string
	Correct     int
	Explanation string
	// Buttons carries one button per option, for platforms without polls.
	Buttons []Button
	// Ref is where the answer must be routed: the core records the poll id
	// the platform assigned against it, so a vote names nothing by itself.
	Ref PollRef
	// CloseAt is when the quiz closes; platforms that can close a poll at
	// a date may use it.
	CloseAt time.Time
	// Survey asks for an opinion (a rating) rather than a right answer:
	// a regular poll where the platform has polls, taking one vote that
	// cannot be changed. Correct and Explanation are then unused.
	Survey bool
}

// PollRef identifies the question a poll asks and to whom.
type PollRef struct {
	Participant string
	Quiz        string
	Question    string
}

// Sent is what a platform reports back about a delivered reply.
type Sent struct {
	MessageID string
	PollID    string // set when a native poll was created
}
