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
