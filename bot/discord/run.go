package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/elmabot/elmabot/bot"
)

// privateOnly answers a mention or a command in a server channel: the
// bot keeps each person's course to their DMs.
const privateOnly = "I only talk in direct messages: open a DM with me and write there.\n" +
	"Solo converso por mensajes directos: ábreme un mensaje directo y escríbeme allí."

// ackLimit is how long Discord waits for an interaction's acknowledgement.
const ackLimit = 3 * time.Second

// Gateway close codes after which trying again cannot help.
const (
	closeAuthFailed       = 4004
	closeInvalidIntents   = 4013
	closeDisallowedIntent = 4014
)

// incoming is an event ready for delivery.
type incoming struct {
	lane     string      // events of one lane (a channel) are handled in order
	update   *bot.Update // nil when there is nothing for the core
	ack      *ack        // an interaction's acknowledgement, under way
	deferred *deferred   // a slash command's pending response
	notice   string      // a server channel to point to DMs
	// noticeText is what the notice says: DMs only, or, in the course's
	// server, how to use the commands there.
	noticeText string
	dmFor      string // the user whose DM the update names as DirectChat
}

// Run connects to the gateway and hands every DM, button press and
// slash command to h until ctx is done; it then closes the connection
// and returns nil. It returns an error only when Discord refuses the
// token or the intents.
//
// An interaction is acknowledged at once, before h sees it, since
// Discord waits only three seconds. Events of one channel are handled
// in order, those of different channels side by side. When h fails, the
// same event is handed over again after 1 s, 2 s, 4 s ... 30 s on the
// clock, up to HandleRetries times: Discord does not deliver a gateway
// event twice, so giving up loses it (and is logged as an error).
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	q := newLanes(ctx, a.workers, func(ctx context.Context, in incoming) { a.deliver(ctx, h, in) })
	dropped := make(chan struct{}, 1)
	for _, remove := range a.listen(ctx, q, h, dropped) {
		defer remove()
	}
	defer q.stop()
	for {
		if err := a.open(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			if err := a.session.Close(); err != nil {
				a.log.Info("discord: closing the gateway", "err", err)
			}
			return nil
		case <-dropped:
			// discordgo closed the connection (a read error, missed
			// heartbeats, Discord asking for a reconnect); opening again
			// resumes the session, and Discord replays what was missed.
			a.log.Warn("discord: gateway connection lost, reconnecting")
		}
	}
}

// open connects, trying again with backoff while the trouble may pass.
func (a *Adapter) open(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := a.session.Open()
		if err == nil {
			return nil
		}
		if refused(err) {
			return fmt.Errorf("discord: gateway refused: %w", err)
		}
		wait := backoff(attempt)
		a.log.Warn("discord: gateway connection failed", "err", err, "retry_in", wait)
		if bot.Sleep(ctx, a.clock, wait) != nil {
			return nil
		}
	}
}

// refused tells a bad token or bad intents (or a second Run) from
// trouble worth waiting out.
func refused(err error) bool {
	if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
		return true
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return rest.Response.StatusCode == http.StatusUnauthorized
	}
	var closed *websocket.CloseError
	if errors.As(err, &closed) {
		switch closed.Code {
		case closeAuthFailed, closeInvalidIntents, closeDisallowedIntent:
			return true
		}
	}
	return false
}

// listen registers the event handlers; they run on discordgo's gateway
// goroutine, one event after another, and only queue. A lost connection
// is signalled on dropped.
func (a *Adapter) listen(ctx context.Context, q *lanes, h bot.Handler, dropped chan<- struct{}) []func() {
	return []func(){
		a.session.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
			select {
			case dropped <- struct{}{}:
			default:
			}
		}),
		a.session.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			if r.User != nil {
				a.mu.Lock()
				a.me = r.User.ID
				a.mu.Unlock()
			}
		}),
		a.session.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
			if in, ok := a.fromMessage(m.Message); ok {
				q.add(in)
			}
		}),
		a.session.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
			if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
				a.autocomplete(ctx, q, h, i.Interaction)
				return
			}
			if in, ok := a.fromInteraction(ctx, q, i.Interaction); ok {
				q.add(in)
			}
		}),
	}
}

// fromMessage reads a message: a DM goes to the core; in a server
// channel only a mention of the bot or a command gets an answer, the
// pointer to DMs.
func (a *Adapter) fromMessage(m *discordgo.Message) (incoming, bool) {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System {
		return incoming{}, false
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return incoming{}, false
	}
	if m.GuildID != "" {
		if a.mentioned(m) || strings.HasPrefix(strings.TrimSpace(m.Content), "/") {
			return incoming{lane: m.ChannelID, notice: m.ChannelID, noticeText: a.noticeFor(m.GuildID)}, true
		}
		return incoming{}, false
	}
	if strings.TrimSpace(m.Content) == "" {
		return incoming{}, false // an attachment or a sticker alone
	}
	up := person(m.Author, m.ChannelID)
	up.ID = "dc:m:" + m.ID
	up.Text = m.Content
	return incoming{lane: m.ChannelID, update: &up}, true
}

func (a *Adapter) mentioned(m *discordgo.Message) bool {
	me := a.botID()
	if me == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == me {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+me+">") || strings.Contains(m.Content, "<@!"+me+">")
}

// fromInteraction starts the acknowledgement of a button press or a
// slash command at once and reads it for the core.
func (a *Adapter) fromInteraction(ctx context.Context, q *lanes, i *discordgo.Interaction) (incoming, bool) {
	u := interactionUser(i)
	if u == nil || i.ChannelID == "" {
		return incoming{}, false
	}
	guild := i.GuildID != ""
	if a.courseServer(i.GuildID) {
		return a.fromServer(ctx, q, i, u)
	}
	switch {
	case i.Type == discordgo.InteractionMessageComponent && !guild:
		up := person(u, i.ChannelID)
		up.ID = "dc:i:" + i.ID
		up.LangHint = string(i.Locale)
		up.Choice = i.MessageComponentData().CustomID
		if i.Message != nil {
			up.MessageID = i.Message.ID
		}
		ack := a.acknowledge(ctx, q, i, pressResponse(i, up.Choice))
		return incoming{lane: i.ChannelID, update: &up, ack: ack}, true
	case i.Type == discordgo.InteractionApplicationCommand && !guild:
		up := person(u, i.ChannelID)
		up.ID = "dc:i:" + i.ID
		up.LangHint = string(i.Locale)
		up.Text = commandText(i.ApplicationCommandData())
		ack := a.acknowledge(ctx, q, i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		d := &deferred{inter: i, channel: i.ChannelID, at: a.clock.Now()}
		return incoming{lane: i.ChannelID, update: &up, ack: ack, deferred: d}, true
	case i.Type == discordgo.InteractionApplicationCommand:
		a.acknowledge(ctx, q, i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: privateOnly, Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()},
		})
	case i.Type == discordgo.InteractionMessageComponent:
		// The bot puts no buttons in servers; settle the press quietly.
		a.acknowledge(ctx, q, i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
	}
	return incoming{}, false
}

// interactionUser is who acted: "user" in a DM, "member.user" in a server.
func interactionUser(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	return i.User
}

// commandText writes a slash command as typed text, "/quiz week-1", so
// the core reads it as it reads commands on any platform.
func commandText(d discordgo.ApplicationCommandInteractionData) string {
	text := "/" + d.Name
	for _, o := range d.Options {
		if o != nil && o.Name == argsOption && o.Type == discordgo.ApplicationCommandOptionString {
			if args := strings.TrimSpace(o.StringValue()); args != "" {
				text += " " + args
			}
		}
	}
	return text
}

func person(u *discordgo.User, channel string) bot.Update {
	return bot.Update{
		Platform: bot.Discord,
		UserID:   u.ID,
		ChatID:   channel,
		Name:     u.DisplayName(),
	}
}

// ack is an interaction's acknowledgement: done closes when the callback
// returned; ok tells whether Discord took it.
type ack struct {
	done chan struct{}
	ok   bool
}

// acknowledge answers an interaction's callback on its own goroutine,
// within Discord's three seconds from now. resp is the callback's body.
func (a *Adapter) acknowledge(ctx context.Context, q *lanes, i *discordgo.Interaction, resp any) *ack {
	k := &ack{done: make(chan struct{})}
	at := a.clock.Now()
	started := q.spawn(func() {
		defer close(k.done)
		k.ok = a.respond(ctx, i, resp, at)
	})
	if !started {
		close(k.done)
	}
	return k
}

// respond posts the callback. A 429 is tried again after the wait it
// names when the answer can still arrive within ackLimit of at, by the
// clock; any other failure, or a later one, would come too late. The
// wall-clock timeout guards the socket.
func (a *Adapter) respond(ctx context.Context, i *discordgo.Interaction, resp any, at time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, ackLimit)
	defer cancel()
	endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
	for {
		_, err := a.session.RequestWithBucketID("POST", endpoint, resp, endpoint, discordgo.WithContext(ctx))
		if err == nil {
			return true
		}
		wait, limited := rateLimited(err)
		if !limited || a.clock.Since(at)+wait >= ackLimit {
			a.log.Warn("discord: interaction not acknowledged", "interaction", i.ID, "err", err)
			return false
		}
		a.log.Debug("discord: acknowledgement rate limited, retrying", "interaction", i.ID, "wait", wait)
		if bot.Sleep(ctx, a.clock, wait) != nil {
			return false
		}
	}
}

// deliver hands one event over, after its acknowledgement.
func (a *Adapter) deliver(ctx context.Context, h bot.Handler, in incoming) {
	if in.ack != nil {
		select {
		case <-in.ack.done:
		case <-ctx.Done():
			return
		}
		if in.deferred != nil && !in.ack.ok {
			in.deferred.claim() // nothing to fill in: replies go as messages
		}
	}
	if in.notice != "" {
		if _, err := a.sendText(ctx, in.notice, in.noticeText, nil); err != nil {
			a.log.Info("discord: could not point a server channel to DMs", "channel", in.notice, "err", err)
		}
		return
	}
	if in.update == nil {
		return
	}
	a.withDirectChat(ctx, in)
	hctx := ctx
	if in.deferred != nil {
		hctx = withDeferred(ctx, in.deferred)
	}
	a.handle(hctx, h, *in.update)
	if in.deferred != nil {
		a.settle(ctx, in.deferred)
	}
}

// handle calls h until it succeeds, backing off on the clock between
// tries, at most handleRetries times again.
func (a *Adapter) handle(ctx context.Context, h bot.Handler, u bot.Update) {
	for attempt := 0; ; attempt++ {
		err := h.Handle(ctx, u)
		if err == nil || ctx.Err() != nil {
			return
		}
		if attempt >= a.handleRetries {
			a.log.Error("discord: event dropped: the handler kept failing", "chat", u.ChatID, "user", u.UserID, "tries", attempt+1, "err", err)
			return
		}
		wait := backoff(attempt)
		a.log.Warn("discord: handler failed, will hand the event over again", "chat", u.ChatID, "retry_in", wait, "err", err)
		if bot.Sleep(ctx, a.clock, wait) != nil {
			return
		}
	}
}
