package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Limits of a guild scheduled event.
const (
	maxEventName     = 100
	maxEventDesc     = 1000
	maxEventLocation = 100
)

// codeUnknownEvent is Discord's JSON error code for a scheduled event
// that does not exist.
const codeUnknownEvent = 10070

// GuildEvents is a server's scheduled events (its Events tab) as a
// bot.Calendar: external events (entity_type 3) visible to the
// server's members (privacy_level 2), made and changed through the
// adapter, so paced and retried like every other call. It needs the
// Manage Events permission in the server.
type GuildEvents struct {
	a     *Adapter
	guild string
}

var _ bot.Calendar = (*GuildEvents)(nil)

// GuildEvents is the calendar of the server guildID.
func (a *Adapter) GuildEvents(guildID string) *GuildEvents {
	return &GuildEvents{a: a, guild: guildID}
}

// CalendarName is "discord:<guild id>".
func (g *GuildEvents) CalendarName() string { return "discord:" + g.guild }

// OwnEvents lists the server's scheduled or active events that the bot
// created; anyone else's are left out, so the core never touches them.
func (g *GuildEvents) OwnEvents(ctx context.Context) ([]bot.CalendarEntry, error) {
	me, err := g.a.self(ctx)
	if err != nil {
		return nil, err
	}
	var all []*discordgo.GuildScheduledEvent
	err = g.a.do(ctx, "", func(ctx context.Context) error {
		var err error
		all, err = g.a.session.GuildScheduledEvents(g.guild, false, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("discord: list the events of server %s: %w", g.guild, err)
	}
	var out []bot.CalendarEntry
	for _, e := range all {
		live := e.Status == discordgo.GuildScheduledEventStatusScheduled || e.Status == discordgo.GuildScheduledEventStatusActive
		if e.CreatorID == me && live {
			out = append(out, bot.CalendarEntry{ID: e.ID, Start: e.ScheduledStartTime})
		}
	}
	return out, nil
}

// CreateEvent makes an external event and returns its id.
func (g *GuildEvents) CreateEvent(ctx context.Context, e bot.CalendarEvent) (string, error) {
	params := g.params(e)
	var made *discordgo.GuildScheduledEvent
	err := g.a.do(ctx, "", func(ctx context.Context) error {
		var err error
		made, err = g.a.session.GuildScheduledEventCreate(g.guild, params, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("discord: create event %q: %w", params.Name, err)
	}
	if made == nil || made.ID == "" {
		return "", errors.New("discord: an event was created without an id")
	}
	return made.ID, nil
}

// UpdateEvent sends every field of the event again.
func (g *GuildEvents) UpdateEvent(ctx context.Context, id string, e bot.CalendarEvent) error {
	params := g.params(e)
	err := g.a.do(ctx, "", func(ctx context.Context) error {
		_, err := g.a.session.GuildScheduledEventEdit(g.guild, id, params, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return fmt.Errorf("discord: update event %s: %w", id, err)
	}
	return nil
}

// DeleteEvent removes an event; one Discord no longer knows is gone
// already, which is what was asked.
func (g *GuildEvents) DeleteEvent(ctx context.Context, id string) error {
	err := g.a.do(ctx, "", func(ctx context.Context) error {
		return g.a.session.GuildScheduledEventDelete(g.guild, id, discordgo.WithContext(ctx))
	})
	if err != nil && !unknownEvent(err) {
		return fmt.Errorf("discord: delete event %s: %w", id, err)
	}
	return nil
}

func unknownEvent(err error) bool {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) {
		return false
	}
	return (rest.Message != nil && rest.Message.Code == codeUnknownEvent) ||
		(rest.Response != nil && rest.Response.StatusCode == http.StatusNotFound)
}

// params lays an event out within Discord's limits: the names of every
// language when they fit together, the first location that fits.
func (g *GuildEvents) params(e bot.CalendarEvent) *discordgo.GuildScheduledEventParams {
	start, end := e.Start.UTC(), e.End.UTC()
	return &discordgo.GuildScheduledEventParams{
		Name:               g.name(e.Names),
		Description:        g.a.clip("event description", e.Description, maxEventDesc),
		ScheduledStartTime: &start,
		ScheduledEndTime:   &end,
		PrivacyLevel:       discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:         discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata:     &discordgo.GuildScheduledEventEntityMetadata{Location: g.location(e.Locations)},
	}
}

func (g *GuildEvents) name(names []string) string {
	if both := strings.Join(names, " / "); runes(both) <= maxEventName {
		return both
	}
	if len(names) == 0 {
		return ""
	}
	return g.a.clip("event name", names[0], maxEventName)
}

func (g *GuildEvents) location(places []string) string {
	for _, p := range places {
		if runes(p) <= maxEventLocation {
			return p
		}
	}
	if len(places) == 0 {
		return ""
	}
	return g.a.clip("event location", places[0], maxEventLocation)
}

// self is the bot's user id: from READY when the gateway is up, else
// asked for once.
func (a *Adapter) self(ctx context.Context) (string, error) {
	return a.askOnce(ctx, &a.me, "GET /users/@me", func(ctx context.Context) (string, error) {
		u, err := a.session.User("@me", discordgo.WithContext(ctx))
		if err != nil || u == nil {
			return "", err
		}
		return u.ID, nil
	})
}
