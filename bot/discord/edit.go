package discord

import (
	"context"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

var _ bot.Editor = (*Adapter)(nil)

// RemoveButtons edits a message the bot sent so that it has no
// components left, paced like any other call. The body is written here:
// discordgo's MessageEdit also serializes its id and channel, which
// Discord's API does not take.
func (a *Adapter) RemoveButtons(ctx context.Context, chatID, messageID string) error {
	body := struct {
		Components []discordgo.MessageComponent `json:"components"`
	}{Components: []discordgo.MessageComponent{}}
	return a.patchMessage(ctx, chatID, messageID, body)
}

// patchMessage edits a message: in a channel, or, for the private
// replies to an interaction in the server, through its token.
func (a *Adapter) patchMessage(ctx context.Context, chatID, messageID string, body any) error {
	if _, _, ok := parseIxChat(chatID); ok {
		return a.editInteraction(ctx, chatID, messageID, body)
	}
	uri := discordgo.EndpointChannelMessage(chatID, messageID)
	return a.do(ctx, chatID, func(ctx context.Context) error {
		_, err := a.session.RequestWithBucketID(http.MethodPatch, uri, body, discordgo.EndpointChannelMessage(chatID, ""), discordgo.WithContext(ctx))
		return err
	})
}

var _ bot.MessageEditor = (*Adapter)(nil)

// EditMessage rewrites the content and buttons of a message the bot
// sent, paced like any other call; the body is written here for the
// same reason as in RemoveButtons.
func (a *Adapter) EditMessage(ctx context.Context, chatID, messageID string, r bot.Reply) error {
	comps, err := a.components(r.Buttons)
	if err != nil {
		return err
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{} // an edit without buttons removes them
	}
	body := struct {
		Content         string                            `json:"content"`
		Components      []discordgo.MessageComponent      `json:"components"`
		AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	}{Content: a.clip("edited message", r.Text, maxContent), Components: comps, AllowedMentions: noMentions()}
	return a.patchMessage(ctx, chatID, messageID, body)
}
