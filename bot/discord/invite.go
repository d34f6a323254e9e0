package discord

import (
	"context"
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Permissions asks for what the bot does in a server: read and write
// its channels (embeds and history included), mention the elective
// roles, manage the agenda's Scheduled Events and, with elective roles
// configured, give and take those roles.
func (a *Adapter) Permissions() int64 {
	p := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks |
		discordgo.PermissionReadMessageHistory | discordgo.PermissionManageEvents)
	if a.server.ElectiveChannel != "" {
		p |= discordgo.PermissionMentionEveryone
	}
	if len(a.server.ElectiveRoles) > 0 {
		p |= discordgo.PermissionManageRoles
	}
	return p
}

// InviteURL is the link a server's administrator opens to add the bot
// with its slash commands and the permissions it needs (Permissions),
// to the course's server when one is configured.
func (a *Adapter) InviteURL(ctx context.Context) (string, error) {
	appID, err := a.application(ctx)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("client_id", appID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatInt(a.Permissions(), 10))
	if a.server.Guild != "" {
		q.Set("guild_id", a.server.Guild)
		q.Set("disable_guild_select", "true")
	}
	return "https://discord.com/oauth2/authorize?" + q.Encode(), nil
}
