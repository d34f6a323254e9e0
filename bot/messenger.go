package bot

import (
	"context"
	"errors"
)

// Messenger delivers replies on one platform. Adapters implement it; the
// core calls it for every reply, so pacing and retries live in one place.
type Messenger interface {
	Platform() Platform
	// Send delivers r and reports what the platform assigned. It blocks
	// while the platform's rate limits require. An error wrapping
	// ErrUnreachable means the person blocked the bot or left.
	Send(ctx context.Context, r Reply) (Sent, error)
}

// Handler takes updates from an adapter. Handle returns an error only
// when the update could not be handled for a passing reason (storage
// down); the adapter must then deliver it again later. Bad input is
// answered, not returned as an error.
type Handler interface {
	Handle(ctx context.Context, u Update) error
}

// CommandInfo describes a command for a platform's command menu.
type CommandInfo struct {
	Name        string // without the slash
	Description string
	// LocalName is Name in the menu's language, for platforms that show
	// commands under translated names (Discord); what runs is Name.
	LocalName string
	// ArgName and ArgDescription name and describe, in the menu's
	// language, the text a command takes after its name, for platforms
	// that show it as a field (Discord).
	ArgName, ArgDescription string
	// Suggests says the Bot completes that text as it is typed (see
	// Suggester).
	Suggests bool
	// Staff marks a coordinator command: platforms that can hide
	// commands from participants (Discord servers) list it hidden; the
	// core checks the role whatever the menu shows.
	Staff bool
}

// Suggester completes a command's text as a person types it, where the
// platform asks (Discord's autocomplete, which waits three seconds): it
// reads the course, never storage. *Bot is one.
type Suggester interface {
	Suggest(lang, command, typed string) []Suggestion
}

// Suggestion is one completion: Label shown, Value typed after the
// command.
type Suggestion struct {
	Label string
	Value string
}

// ElectiveMirror is a Messenger that mirrors a participant's electives
// on the platform (a role per elective in a Discord server), so that
// people who follow an elective can be called together there.
type ElectiveMirror interface {
	SetElective(ctx context.Context, userID, elective string, on bool) error
}

// Channels is a Messenger with shared channels besides each person's
// chat, where the course is posted too (a Discord server's channels).
// The chats it names are opaque: Send knows what to make of them.
type Channels interface {
	Messenger
	// AnnounceChat is where announcements for everyone are posted as
	// well; "" for nowhere.
	AnnounceChat() string
	// ElectiveChat is where reminders of an elective's sessions are
	// posted, calling its followers by the platform's means (a role
	// mention); "" for nowhere.
	ElectiveChat(elective string) string
}

// ErrUnreachable reports a recipient who cannot be written to any more.
var ErrUnreachable = errors.New("bot: recipient unreachable")

// ErrElsewhere reports a chat this process cannot write to but another
// process on the same platform can: a console serves one person, in its
// own terminal. It is no failure: the delivery is taken again shortly, by
// whichever process claims it, until the chat's own one does or it
// expires.
var ErrElsewhere = errors.New("bot: chat served by another process")

// Editor is a Messenger that can change a message it sent: the core takes
// the buttons off a broadcast preview once it is sent or cancelled, so
// they cannot be pressed again.
type Editor interface {
	RemoveButtons(ctx context.Context, chatID, messageID string) error
}

// MessageEditor is a Messenger that can rewrite a message it sent, its
// text and its buttons: a list the person works through by pressing
// (their electives) then shows its new state where they pressed, instead
// of a confirmation under a list that no longer tells the truth.
type MessageEditor interface {
	EditMessage(ctx context.Context, chatID, messageID string, r Reply) error
}

// ChatMenus is a Messenger that can set the command menu of one chat.
// Platform-wide menus follow the app's language; after /language the
// core sets the chat's own menu in the language chosen.
type ChatMenus interface {
	SetChatCommands(ctx context.Context, chatID string, cmds []CommandInfo) error
}

type bulkKey struct{}

// WithBulk marks sends made under ctx as bulk (a wave's): a platform's
// pacer lets replies to people go first, so a wave of thousands does not
// hold up the bot's answers.
func WithBulk(ctx context.Context) context.Context { return context.WithValue(ctx, bulkKey{}, true) }

// Bulk reports whether ctx carries WithBulk.
func Bulk(ctx context.Context) bool { b, _ := ctx.Value(bulkKey{}).(bool); return b }
