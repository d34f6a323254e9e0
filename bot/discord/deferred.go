package discord

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// tokenLife is how long an interaction token may be used; the margin
// leaves room for the call itself.
const tokenLife = 15*time.Minute - 30*time.Second

// deferred is a slash command's response that Discord shows as
// "thinking…" until the bot fills it in. The first reply to the
// command's channel while the command is handled claims it.
type deferred struct {
	inter   *discordgo.Interaction
	channel string
	at      time.Time // when the command arrived, on the clock

	mu      sync.Mutex
	claimed bool
}

// claim takes the response for one message; false if it is taken.
func (d *deferred) claim() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.claimed {
		return false
	}
	d.claimed = true
	return true
}

type deferredKey struct{}

// withDeferred marks ctx as the handling of a slash command: replies
// sent under it may fill in its response. The core passes the context
// it was handed to every Send of the update, so this reaches exactly
// the replies to that command.
func withDeferred(ctx context.Context, d *deferred) context.Context {
	return context.WithValue(ctx, deferredKey{}, d)
}

// deferredFrom finds the pending response for a reply to chat.
func deferredFrom(ctx context.Context, chat string) *deferred {
	d, _ := ctx.Value(deferredKey{}).(*deferred)
	if d == nil || d.channel != chat {
		return nil
	}
	return d
}

// fillDeferred edits the deferred response into the message.
func (a *Adapter) fillDeferred(ctx context.Context, d *deferred, text string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) (string, error) {
	if a.clock.Since(d.at) > tokenLife {
		return "", errors.New("discord: the command's token expired")
	}
	edit := &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}
	if len(comps) > 0 {
		edit.Components = &comps
	}
	if len(embeds) > 0 {
		edit.Embeds = &embeds
	}
	var m *discordgo.Message
	err := a.do(ctx, d.channel, func(ctx context.Context) error {
		var err error
		m, err = a.session.InteractionResponseEdit(d.inter, edit, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// settle removes a deferred response nothing filled in, so the person
// is not left looking at "thinking…"; once only, and a failure changes
// nothing for the core.
func (a *Adapter) settle(ctx context.Context, d *deferred) {
	if ctx.Err() != nil || a.clock.Since(d.at) > tokenLife || !d.claim() {
		return
	}
	err := a.session.InteractionResponseDelete(d.inter, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Info("discord: could not remove an unused command response", "channel", d.channel, "err", err)
	}
}
