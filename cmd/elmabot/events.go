package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/schedule"
)

// eventRetry is how long a failed sync of the scheduled events waits
// before it is tried again (a reload tries at once).
const eventRetry = 10 * time.Minute

// eventSettings reads ELMA_DISCORD_GUILD, the server whose Events tab
// carries the agenda, and ELMA_DISCORD_EVENT_KINDS, the kinds of session
// put there: a comma-separated list, every kind when unset, "none" for
// no events. on is false when there is nothing to sync.
func (g *globals) eventSettings() (guild string, kinds []schedule.Kind, on bool, err error) {
	guild = strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_GUILD"))
	raw := strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_EVENT_KINDS"))
	if guild != "" && !digits(guild) {
		return "", nil, false, fmt.Errorf("ELMA_DISCORD_GUILD=%q: want the server's id, a number (Discord: Copy Server ID)", guild)
	}
	if strings.EqualFold(raw, "none") {
		return guild, nil, false, nil
	}
	all := []schedule.Kind{schedule.Opening, schedule.Welcome, schedule.Plenary, schedule.ElectiveSession, schedule.Quizzes, schedule.Closing}
	for _, k := range strings.Split(raw, ",") {
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		if !slices.Contains(all, schedule.Kind(k)) {
			return "", nil, false, fmt.Errorf("ELMA_DISCORD_EVENT_KINDS: unknown kind %q (known: opening, welcome, plenary, elective, quizzes, closing, or none)", k)
		}
		kinds = append(kinds, schedule.Kind(k))
	}
	return guild, kinds, guild != "", nil
}

// syncEvents keeps the server's scheduled events in step with the
// course while this replica leads: at once, after each reload, and
// again a while after a sync that failed (Discord down, the Manage
// Events permission missing).
func syncEvents(ctx context.Context, d *deps, log *slog.Logger, dc *discord.Adapter, guild string, kinds []schedule.Kind) {
	cal := dc.GuildEvents(guild)
	for {
		got, err := d.bot.SyncCalendar(ctx, cal, d.store, kinds)
		if ctx.Err() != nil {
			return
		}
		wait := time.Duration(0)
		if err != nil {
			log.Warn("discord: scheduled events not fully in step with the agenda", "guild", guild, "err", err, "retry_in", eventRetry)
			wait = eventRetry
		} else {
			log.Info("discord: scheduled events in step with the agenda", "guild", guild,
				"created", got.Created, "updated", got.Updated, "deleted", got.Deleted, "unchanged", got.Unchanged)
		}
		if !awaitChange(ctx, d, wait) {
			return
		}
	}
}

// awaitChange waits for a reload, or for wait when it is positive; false
// when ctx ended first.
func awaitChange(ctx context.Context, d *deps, wait time.Duration) bool {
	var retry <-chan time.Time
	if wait > 0 {
		t := d.clock.NewTimer(wait)
		defer t.Stop()
		retry = t.Chan()
	}
	select {
	case <-ctx.Done():
		return false
	case <-d.courseChanged:
	case <-retry:
	}
	return true
}
