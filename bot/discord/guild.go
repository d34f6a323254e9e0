package discord

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Server is the course's Discord server, where the bot serves slash
// commands in the channels besides the DMs. Ids are Discord snowflakes;
// an empty one turns its feature off.
type Server struct {
	// Guild is the server's id. Without it the bot talks in DMs only
	// and points people in any server there.
	Guild string
	// CoordinatorRole makes the members holding it coordinators, besides
	// the roster's (they still need a participant's record).
	CoordinatorRole string
	// ElectiveRoles maps an elective's id to the role /electives gives
	// and takes away (the bot needs Manage Roles, and its own role above
	// these).
	ElectiveRoles map[string]string
	// ElectiveChannel receives the reminders of each elective's sessions
	// that has a role, mentioning that role.
	ElectiveChannel string
	// AnnounceChannel receives the coordinators' broadcasts as well.
	AnnounceChannel string
}

// check tells a mistyped id before the bot starts.
func (s Server) check() error {
	ids := map[string]string{"guild": s.Guild, "coordinator role": s.CoordinatorRole, "elective channel": s.ElectiveChannel, "announcements channel": s.AnnounceChannel}
	for _, e := range slices.Sorted(maps.Keys(s.ElectiveRoles)) {
		ids["role of elective "+e] = s.ElectiveRoles[e]
	}
	for _, what := range slices.Sorted(maps.Keys(ids)) {
		if id := ids[what]; id != "" && !snowflake(id) {
			return fmt.Errorf("discord: %s %q is not a Discord id (digits only)", what, id)
		}
	}
	if s.Guild == "" && (s.CoordinatorRole != "" || len(s.ElectiveRoles) > 0 || s.ElectiveChannel != "" || s.AnnounceChannel != "") {
		return errors.New("discord: roles and channels need the server's id")
	}
	return nil
}

func snowflake(id string) bool {
	if len(id) == 0 || len(id) > 20 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Guild-mode notices: a mention in the course's server, and anything
// in another server.
const (
	inServer = "Type / to use my commands here: only you will see my answers. You can also write to me in a DM.\n" +
		"Escriba / para usar mis comandos aquí: solo usted verá mis respuestas. También puede escribirme por mensaje directo."
)

// courseServer tells the course's server from any other.
func (a *Adapter) courseServer(guild string) bool {
	return guild != "" && guild == a.server.Guild
}

// noticeFor is what a mention of the bot in a server gets.
func (a *Adapter) noticeFor(guild string) string {
	if a.courseServer(guild) {
		return inServer
	}
	return privateOnly
}

// fromServer reads a slash command or a button press in the course's
// server. Its replies go to the interaction (see ixChat): only the
// person sees them. Events of one person are handled in order, and
// nobody waits for another.
func (a *Adapter) fromServer(ctx context.Context, q *lanes, i *discordgo.Interaction, u *discordgo.User) (incoming, bool) {
	up := person(u, a.keepInteraction(i, u.ID))
	up.ID = "dc:i:" + i.ID
	up.LangHint = string(i.Locale)
	up.Staff = a.staff(i.Member)
	in := incoming{lane: "member:" + u.ID, update: &up, dmFor: u.ID}
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		up.Choice = i.MessageComponentData().CustomID
		if i.Message != nil {
			up.MessageID = i.Message.ID
		}
		in.ack = a.acknowledge(ctx, q, i, pressResponse(i, up.Choice))
	case discordgo.InteractionApplicationCommand:
		up.Text = commandText(i.ApplicationCommandData())
		in.ack = a.acknowledge(ctx, q, i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		in.deferred = &deferred{inter: i, channel: up.ChatID, at: a.clock.Now()}
	default:
		return incoming{}, false
	}
	return in, true
}

// staff reports whether a member holds the coordinators' role.
func (a *Adapter) staff(m *discordgo.Member) bool {
	return a.server.CoordinatorRole != "" && m != nil && slices.Contains(m.Roles, a.server.CoordinatorRole)
}

// withDirectChat opens the person's DM for an update from the server:
// the core keeps it on their account for what it sends unprompted.
// Without it (Discord failing), the interaction's chat stands in: it
// leads to the DM once the interaction is over.
func (a *Adapter) withDirectChat(ctx context.Context, in incoming) {
	if in.dmFor == "" || in.update == nil {
		return
	}
	dm, err := a.OpenDM(ctx, in.dmFor)
	if err != nil {
		a.log.Warn("discord: could not open the DM of a server member", "user", in.dmFor, "err", err)
		return
	}
	in.update.DirectChat = dm
}

// ixChat is an interaction in the server that replies may still use:
// its token lets the bot answer privately in the channel (follow-ups,
// flagged ephemeral) for fifteen minutes.
type ixChat struct {
	inter *discordgo.Interaction
	at    time.Time // when it arrived, on the clock
}

// ixPrefix starts the chat id of an interaction in the server,
// "ix:<user id>:<interaction id>". The user id lets a reply that comes
// after the token (a retried delivery, work that took long) go to the
// DM instead, in any process.
const ixPrefix = "ix:"

func ixChatID(user, interaction string) string { return ixPrefix + user + ":" + interaction }

// parseIxChat reads an interaction's chat id.
func parseIxChat(chat string) (user, interaction string, ok bool) {
	rest, ok := strings.CutPrefix(chat, ixPrefix)
	if !ok {
		return "", "", false
	}
	user, interaction, ok = strings.Cut(rest, ":")
	return user, interaction, ok && snowflake(user) && snowflake(interaction)
}

// keepInteraction remembers i for replies and returns its chat id;
// interactions whose token ran out are forgotten.
func (a *Adapter) keepInteraction(i *discordgo.Interaction, user string) string {
	now := a.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, c := range a.ix {
		if now.Sub(c.at) > tokenLife {
			delete(a.ix, id)
		}
	}
	a.ix[i.ID] = &ixChat{inter: i, at: now}
	return ixChatID(user, i.ID)
}

// liveInteraction finds an interaction whose token can still be used.
func (a *Adapter) liveInteraction(id string) (*ixChat, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.ix[id]
	if !ok || a.clock.Since(c.at) > tokenLife {
		return nil, false
	}
	return c, true
}

// postInteraction puts a message where an interaction's replies go: a
// follow-up only the person sees while the token lasts, else their DM.
// A token Discord no longer takes also leads to the DM.
func (a *Adapter) postInteraction(ctx context.Context, chat string, o outMessage) (string, error) {
	user, id, _ := parseIxChat(chat)
	if c, ok := a.liveInteraction(id); ok {
		var m *discordgo.Message
		err := a.do(ctx, "", func(ctx context.Context) error {
			params := &discordgo.WebhookParams{Content: o.text, Embeds: o.embeds, Components: o.comps, Files: discordFiles(o.files), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}
			var err error
			m, err = a.session.FollowupMessageCreate(c.inter, true, params, discordgo.WithContext(ctx))
			return err
		})
		if err == nil {
			return m.ID, nil
		}
		if !tokenRefused(err) {
			return "", err
		}
		a.log.Info("discord: an interaction's token was refused, writing to the DM", "user", user, "err", err)
	}
	dm, err := a.OpenDM(ctx, user)
	if err != nil {
		return "", err
	}
	if len(o.files) > 0 {
		return a.postMessage(ctx, dm, o)
	}
	return a.post(ctx, dm, o.text, o.embeds, o.comps)
}

// tokenRefused tells an interaction token Discord no longer takes.
func tokenRefused(err error) bool {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Response == nil {
		return false
	}
	return rest.Response.StatusCode == http.StatusUnauthorized || rest.Response.StatusCode == http.StatusNotFound
}

// editInteraction rewrites a message made in answer to an interaction
// in the server: the message a button was pressed under is the
// interaction's "@original"; one of its follow-ups is named by id. Such
// messages are private to the person, so only the token reaches them.
func (a *Adapter) editInteraction(ctx context.Context, chat, messageID string, body any) error {
	_, id, _ := parseIxChat(chat)
	c, ok := a.liveInteraction(id)
	if !ok {
		return errors.New("discord: the interaction's token expired; its messages cannot be edited")
	}
	target := messageID
	if c.inter.Message != nil && c.inter.Message.ID == messageID {
		target = "@original"
	}
	uri := discordgo.EndpointWebhookMessage(c.inter.AppID, c.inter.Token, target)
	return a.do(ctx, "", func(ctx context.Context) error {
		_, err := a.session.RequestWithBucketID(http.MethodPatch, uri, body, discordgo.EndpointWebhookToken(c.inter.AppID, ""), discordgo.WithContext(ctx))
		return err
	})
}

var _ bot.ElectiveMirror = (*Adapter)(nil)

// SetElective gives a member the role of an elective they now follow,
// or takes it away; electives without a role are left alone. A person
// who is not in the server has nothing to change.
func (a *Adapter) SetElective(ctx context.Context, userID, elective string, on bool) error {
	role, ok := a.server.ElectiveRoles[elective]
	if !ok || a.server.Guild == "" {
		return nil
	}
	method := http.MethodDelete
	if on {
		method = http.MethodPut
	}
	uri := discordgo.EndpointGuildMemberRole(a.server.Guild, userID, role)
	err := a.do(ctx, "", func(ctx context.Context) error {
		_, err := a.session.RequestWithBucketID(method, uri, nil, discordgo.EndpointGuildMember(a.server.Guild, ""), discordgo.WithContext(ctx))
		return err
	})
	if isCode(err, discordgo.ErrCodeUnknownMember) {
		return nil
	}
	return err
}

// isCode tells a REST error carrying Discord's JSON error code.
func isCode(err error, code int) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == code
}

var _ bot.Channels = (*Adapter)(nil)

// AnnounceChat is the announcements channel, "" without one.
func (a *Adapter) AnnounceChat() string { return a.server.AnnounceChannel }

// ElectiveChat names, for Send, the elective channel with the role to
// mention: "role:<role id>:<channel id>"; "" when either is missing.
func (a *Adapter) ElectiveChat(elective string) string {
	role := a.server.ElectiveRoles[elective]
	if role == "" || a.server.ElectiveChannel == "" {
		return ""
	}
	return rolePrefix + role + ":" + a.server.ElectiveChannel
}

// rolePrefix starts the chat id of a channel post that calls a role.
const rolePrefix = "role:"

func parseRoleChat(chat string) (role, channel string, ok bool) {
	rest, ok := strings.CutPrefix(chat, rolePrefix)
	if !ok {
		return "", "", false
	}
	role, channel, ok = strings.Cut(rest, ":")
	return role, channel, ok && snowflake(role) && snowflake(channel)
}

// sendCalling posts text in a channel, the role's mention first; that
// role is the only one it may ping (allowed_mentions), whatever the
// text says. A long text is split; only its first part calls.
func (a *Adapter) sendCalling(ctx context.Context, role, channel, text string) (bot.Sent, error) {
	parts := bot.SplitText("<@&"+role+">\n"+text, maxContent)
	if len(parts) == 0 {
		return bot.Sent{}, errors.New("discord: empty message")
	}
	var sent bot.Sent
	for i, part := range parts {
		mentions := noMentions()
		if i == 0 {
			mentions.Roles = []string{role}
		}
		msg := &discordgo.MessageSend{Content: part, AllowedMentions: mentions}
		var m *discordgo.Message
		err := a.do(ctx, channel, func(ctx context.Context) error {
			var err error
			m, err = a.session.ChannelMessageSendComplex(channel, msg, discordgo.WithContext(ctx))
			return err
		})
		if err != nil {
			return sent, err
		}
		sent.MessageID = m.ID
	}
	return sent, nil
}
