package main

import (
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestRunKeepsScheduledEventsInStep: `elmabot run` with a course server
// puts the plenaries to come in its Events tab once it leads, and moves
// one when the course is reloaded with the session moved.
func TestRunKeepsScheduledEventsInStep(t *testing.T) {
	srv := storetest.Start(t)
	// Discord's clock is the bot's: it refuses events that start before
	// its now, and the bot replays 2022.
	turin, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	dc := discordtest.NewServer(t, schedule.ShiftedClock(clockwork.NewRealClock(), time.Date(2022, 10, 21, 17, 0, 0, 0, turin)))
	dir := t.TempDir()
	copyDir(t, "../../course/e-lma-2022", dir)
	env := map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(),
		"ELMA_DISCORD_GUILD": discordtest.GuildID, "ELMA_DISCORD_EVENT_KINDS": "plenary",
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length", "ELMA_HTTP": freeAddr(t), "ELMA_COURSE": dir,
	}
	r := startReloadable(t, env, "2022-10-21T17:00")
	reload, logs := r.reload, r.logs
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	dc.Await("POST /guilds/{guild_id}/scheduled-events", 6)
	waitFor(t, logs, "scheduled events in step with the agenda")
	if n := len(dc.ScheduledEvents()); n != 6 {
		t.Fatalf("%d events, want the 6 plenaries", n)
	}

	// Week 2's plenary (Mon 24 Oct, 15:00-17:00 Turin) starts half an hour later.
	edit(t, dir+"/agenda.yaml", "start: \"15:00\"\n    end: \"17:00\"", "start: \"15:30\"\n    end: \"17:00\"")
	reload <- struct{}{}
	patch := dc.Await("PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", 1)[0]
	body, _ := patch.Body.(map[string]any)
	if body["scheduled_start_time"] != "2022-10-24T13:30:00Z" {
		t.Errorf("the moved plenary was sent %v, want it at 13:30 UTC", body["scheduled_start_time"])
	}
	r.stop()
	if n := dc.Count("POST /guilds/{guild_id}/scheduled-events"); n != 6 {
		t.Errorf("%d events created in all, want 6", n)
	}
}

func TestRunRefusesUnknownEventKinds(t *testing.T) {
	for value, want := range map[string]string{
		"plenary,webinar": `ELMA_DISCORD_EVENT_KINDS: unknown kind "webinar"`,
		"plenary":         "ELMA_DISCORD_GUILD=\"my-server\": want the server's id",
	} {
		guild := discordtest.GuildID
		if value == "plenary" {
			guild = "my-server"
		}
		env := map[string]string{"DISCORD_TOKEN": discordtest.Token, "ELMA_DISCORD_GUILD": guild, "ELMA_DISCORD_EVENT_KINDS": value}
		code, _, errOut := run(t, "", env, "run")
		if code == 0 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d: %s", value, code, errOut)
		}
	}
}
