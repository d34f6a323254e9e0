package main

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestRunSetsUpTheCourseServer: with the course server configured, run
// registers the coordinators' commands there, prints the invite link,
// and answers a command in a channel privately.
func TestRunSetsUpTheCourseServer(t *testing.T) {
	srv := storetest.Start(t)
	dc := discordtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(),
		"ELMA_DISCORD_GUILD": discordtest.GuildID, "ELMA_DISCORD_COORDINATOR_ROLE": "4000000000000000001",
		"ELMA_DISCORD_ELECTIVE_ROLES":   "policy:4000000000000000010, skills:4000000000000000011",
		"ELMA_DISCORD_ELECTIVE_CHANNEL": "3000000000000000010", "ELMA_DISCORD_ANNOUNCE_CHANNEL": "3000000000000000020",
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length", "ELMA_HTTP": freeAddr(t), "ELMA_LOG": "text",
		// The course clock is in 2022, the fake Discord's is today's: it
		// refuses events starting in its past (TestRunKeepsScheduledEventsInStep
		// covers the events).
		"ELMA_DISCORD_EVENT_KINDS": "none",
	}
	logs, stop := runInBackground(t, env, "2022-10-21T17:00")

	dc.Await("PUT /applications/{application_id}/guilds/{guild_id}/commands", 1)
	id := dc.PushGuildCommand("3000000000000000001", "5005", "register", "Ana Lima", "en-GB")
	msgs := dc.AwaitMessages("3000000000000000001", 1)

	if m := msgs[0]; m.Interaction != id || !m.Ephemeral() || !strings.Contains(m.Content, "You are registered") {
		t.Errorf("server command answered %+v, want a private welcome", m)
	}
	if len(dc.GuildCommands()) == 0 {
		t.Error("no coordinator commands in the course server")
	}
	invite := waitForLog(t, logs, "invite_url=")
	u, err := url.Parse(strings.Trim(strings.Fields(invite)[0], `"`))
	if err != nil {
		t.Fatalf("invite %q: %v", invite, err)
	}
	perms, _ := strconv.ParseInt(u.Query().Get("permissions"), 10, 64)
	if u.Query().Get("client_id") != discordtest.AppID || u.Query().Get("guild_id") != discordtest.GuildID ||
		!strings.Contains(u.Query().Get("scope"), "applications.commands") || perms&(1<<28) == 0 || perms&(1<<33) == 0 {
		t.Errorf("invite %s: want the app, the server, the commands scope, Manage Roles and Manage Events", u)
	}
	if code := stop(); code != 0 {
		t.Errorf("run exited %d", code)
	}
}

// runInBackground runs `elmabot --now now run` with env until stop,
// which returns its exit code; the logs are shown if the test fails.
func runInBackground(t *testing.T, env map[string]string, now string) (logs *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		e := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }}
		done <- Main(ctx, []string{"--now", now, "run"}, e)
	}()
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			t.Log(logs.String())
		}
	})
	return logs, func() int {
		cancel()
		return <-done
	}
}

// waitForLog returns what follows marker in the logs, once it is there.
func waitForLog(t *testing.T, logs *syncBuffer, marker string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, after, ok := strings.Cut(logs.String(), marker); ok {
			return after
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %q in the logs", marker)
	return ""
}

func TestRunRefusesAnUnknownElectiveRole(t *testing.T) {
	env := map[string]string{
		"DISCORD_TOKEN": discordtest.Token, "ELMA_DISCORD_GUILD": discordtest.GuildID,
		"ELMA_DISCORD_ELECTIVE_ROLES": "politics:4000000000000000010",
		"REDIS_URL":                   storetest.Start(t).URL, "ELMA_SECRET": "a secret of sufficient length", "ELMA_HTTP": freeAddr(t),
	}
	code, _, errOut := run(t, "", env, "run")
	if code != 1 || !strings.Contains(errOut, `the course has no elective "politics"`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
