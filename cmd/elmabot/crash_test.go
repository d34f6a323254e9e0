package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// These tests run the real `elmabot run` binary against a fake Telegram
// that enforces Telegram's limits (30 messages a second, one a second per
// chat), kill it with SIGKILL in the middle of its work, start it again,
// and count what every person received.

// crashLease is the delivery lease the killed processes run with, so a
// dead process's deliveries come back within seconds.
const crashLease = "3s"

// crashLeader is the leader lease and update claim of those processes:
// a killed leader's place is taken, and the update it was handling
// freed, within seconds.
const crashLeader = "3s"

// buildBot compiles this package's binary into a temporary folder.
func buildBot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := filepath.Join(t.TempDir(), "elmabot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// world is one course's Redis and fake Telegram, outliving the bot
// processes that serve them.
type world struct {
	t     *testing.T
	bin   string
	redis *storetest.Server
	store *store.Store
	api   *telegramtest.Server
	dc    *discordtest.Server // nil: Telegram only
	now   string              // the course clock at the first start
}

func newWorld(t *testing.T, now string) *world {
	srv := storetest.Start(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	api.EnforceRate(30, time.Second)
	return &world{t: t, bin: buildBot(t), redis: srv, store: store.New(srv.Client()), api: api, now: now}
}

// proc is one running bot process.
type proc struct {
	cmd  *exec.Cmd
	logs *syncBuffer
}

// start runs the binary; the test's end kills it if still running.
func (w *world) start() *proc { return w.startWith() }

// startWith runs the binary with more environment, which overrides.
func (w *world) startWith(env ...string) *proc {
	w.t.Helper()
	logs := &syncBuffer{}
	cmd := exec.Command(w.bin, "--now", w.now, "run")
	cmd.Env = append(os.Environ(),
		"TELEGRAM_TOKEN="+telegramtest.Token, "TELEGRAM_API_URL="+w.api.URL(),
		"REDIS_URL="+w.redis.URL, "ELMA_SECRET=a secret of sufficient length",
		"ELMA_HTTP="+freeAddr(w.t), "ELMA_LOG=text", "ELMA_DELIVERY_LEASE="+crashLease,
		"ELMA_LEADER_TTL="+crashLeader, "ELMA_CLAIM_TTL="+crashLeader)
	if w.dc != nil {
		cmd.Env = append(cmd.Env, "DISCORD_TOKEN="+discordtest.Token, "DISCORD_API_URL="+w.dc.URL())
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: logs}
	w.t.Cleanup(func() {
		p.kill()
		if w.t.Failed() {
			w.t.Logf("bot process %d log tail:\n%s", cmd.Process.Pid, tail(logs.String(), 40))
		}
	})
	return p
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *proc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// join registers a participant with a Telegram account directly in the
// store, as the roster import does.
func (w *world) join(chat int64, lang locales.Lang) store.ParticipantID {
	return w.joinWith(chat, lang, true)
}

// joinWith is join, with reminders on or off.
func (w *world) joinWith(chat int64, lang locales.Lang, reminders bool) store.ParticipantID {
	w.t.Helper()
	id := strconv.FormatInt(chat, 10)
	p, err := w.store.CreateParticipant(context.Background(),
		store.Participant{Name: "P" + id, Lang: lang, TimeZone: "Europe/Rome", Reminders: reminders, Created: time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)},
		store.Account{Platform: store.Telegram, UserID: id, ChatID: id, Reachable: true})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

// count is how many messages sent to chat hold want.
func (w *world) count(chat int64, want string) int {
	n := 0
	for _, o := range w.api.Outgoing(chat) {
		n += strings.Count(o.Text, want)
	}
	return n
}

// await waits until ok holds, failing the test after limit.
func (w *world) await(what string, limit time.Duration, ok func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// button finds the data of the last button sent to chat whose label
// starts with label.
func (w *world) button(chat int64, label string) string {
	w.t.Helper()
	out := w.api.Outgoing(chat)
	for i := len(out) - 1; i >= 0; i-- {
		for _, row := range out[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, label) {
					return b.Data
				}
			}
		}
	}
	w.t.Fatalf("no %q button sent to %d", label, chat)
	return ""
}

// TestKilledMidBroadcastEveryoneGetsItOnce: a broadcast to 232 people is
// cut by SIGKILL after a few dozen sends. The restarted bot finishes it:
// everyone gets the announcement, at most the message in flight at the
// kill twice, and the coordinator one true report.
func TestKilledMidBroadcastEveryoneGetsItOnce(t *testing.T) {
	w, chats := newBroadcastWorld(t)
	first := w.start()
	w.beginBroadcast(chats)
	first.kill()
	wire := w.onTheWire(w.reached(chats))
	w.start()
	w.checkBroadcast(chats, wire)
}

// TestReplicaFinishesAWaveWhenTheOtherIsKilled: two processes share one
// Redis; the one that started a broadcast is killed mid-wave, and the
// other, which never saw the coordinator's command, finishes it.
func TestReplicaFinishesAWaveWhenTheOtherIsKilled(t *testing.T) {
	w, chats := newBroadcastWorld(t)
	a := w.start()
	w.beginBroadcast(chats)
	w.start()
	a.kill()
	// Read while the other still sends, the count also takes in its
	// sends in flight: an upper bound of what the kill can repeat.
	wire := w.onTheWire(w.reached(chats))
	w.checkBroadcast(chats, wire)
}

const broadcaster = 7000

func newBroadcastWorld(t *testing.T) (*world, []int64) {
	w := newWorld(t, "2022-10-24T09:00")
	chats := []int64{broadcaster}
	// Reminders off: the day's reminder wave would share the pace.
	if err := w.store.SetCoordinator(context.Background(), w.joinWith(broadcaster, locales.EN, false), true); err != nil {
		t.Fatal(err)
	}
	for i := range 231 {
		chats = append(chats, int64(7001+i))
		w.joinWith(chats[len(chats)-1], locales.Lang([]string{"en", "es"}[i%2]), false)
	}
	return w, chats
}

// onTheWire is how many of the announcement's sends the platform
// received but the bot had not recorded (sent, unreachable or failed)
// when it was killed: the sends in flight, which the restarted bot may
// repeat, as it cannot know they arrived. It is read after the kill,
// while no other process sends, so reached counts what the platform got.
func (w *world) onTheWire(reached int) int {
	w.t.Helper()
	ctx := context.Background()
	waves, err := w.store.WatchedWaves(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for item := range waves {
		if !strings.HasPrefix(item, "bc:") {
			continue
		}
		c, err := w.store.WaveCounts(ctx, item)
		if err != nil {
			w.t.Fatal(err)
		}
		return reached - (c.Sent + c.Unreachable + c.Failed)
	}
	w.t.Fatal("no announcement wave under way")
	return 0
}

// announced is how many times chat got the announcement.
func (w *world) announced(chat int64) int {
	return w.count(chat, "course team:\nThe room changed") + w.count(chat, "equipo del curso:\nLa sala cambió")
}

func (w *world) reached(chats []int64) (n int) {
	for _, c := range chats {
		n += min(w.announced(c), 1)
	}
	return n
}

// beginBroadcast has the coordinator send an announcement to everyone and
// returns once a few dozen have it.
func (w *world) beginBroadcast(chats []int64) {
	w.t.Helper()
	w.api.PushMessage(broadcaster, "/broadcast The room changed || La sala cambió", "en")
	w.await("the preview", 20*time.Second, func() bool { return w.count(broadcaster, "It will go to 232 participants") == 1 })
	w.api.PushCallback(broadcaster, w.button(broadcaster, "Send to 232"))
	w.await("the wave to start", 20*time.Second, func() bool { return w.reached(chats) >= 40 })
}

// checkBroadcast waits for the wave to reach everyone and checks that it
// reached nobody twice but for the sends on the wire at the kill, and
// that the coordinator got one true report.
func (w *world) checkBroadcast(chats []int64, wire int) {
	w.t.Helper()
	cut := w.reached(chats)
	if cut == len(chats) {
		w.t.Fatalf("the wave was over before the kill; the test needs it cut short")
	}
	w.await("everyone", 60*time.Second, func() bool { return w.reached(chats) == len(chats) })
	w.await("the report", 20*time.Second, func() bool { return w.count(broadcaster, "Announcement finished") > 0 })
	time.Sleep(time.Second) // room for a repeat to show up
	dups := 0
	for _, c := range chats {
		dups += w.announced(c) - 1
	}
	if dups > wire {
		w.t.Errorf("%d repeated announcements after one kill, want at most the %d on the wire", dups, wire)
	}
	if n := w.count(broadcaster, "Announcement finished"); n != 1 {
		w.t.Errorf("%d reports, want 1", n)
	}
	out := w.api.Outgoing(broadcaster)
	if last := out[len(out)-1].Text; !strings.Contains(last, "delivered to 232, unreachable 0") || !strings.Contains(last, "failed 0") {
		w.t.Errorf("report %q, want all 232 delivered", last)
	}
	w.t.Logf("%d of %d reached before the kill, %d of them on the wire; %d repeated; %d sends refused with 429", cut, len(chats), wire, dups, w.api.RateViolations())
}

// TestKilledMidQuizNobodyIsStranded: twelve people answer a question and
// the bot is killed at once; then they answer the rest of the quiz and it
// is killed again. After each restart everyone gets their next question,
// every vote counts, and each gets the quiz's summary once.
func TestKilledMidQuizNobodyIsStranded(t *testing.T) {
	w := newWorld(t, "2022-10-21T17:00")
	var chats []int64
	ids := map[int64]store.ParticipantID{}
	for i := range 12 {
		c := int64(8001 + i)
		chats = append(chats, c)
		ids[c] = w.join(c, locales.EN)
	}
	p := w.start()
	for _, c := range chats {
		w.api.PushMessage(c, "/quiz week-1", "en")
	}
	polls := func(c int64) []telegramtest.Outgoing {
		var out []telegramtest.Outgoing
		for _, o := range w.api.Outgoing(c) {
			if o.PollID != "" {
				out = append(out, o)
			}
		}
		return out
	}
	w.await("the first questions", 30*time.Second, func() bool {
		for _, c := range chats {
			if len(polls(c)) == 0 {
				return false
			}
		}
		return true
	})
	for question := 1; question <= 5; question++ {
		for _, c := range chats {
			ps := polls(c)
			poll, _ := w.api.Poll(ps[len(ps)-1].PollID)
			w.api.PushPollAnswer(c, poll.ID, poll.Correct)
		}
		if question == 1 || question == 5 {
			time.Sleep(150 * time.Millisecond)
			p.kill()
			p = w.start()
		}
		if question < 5 {
			next := fmt.Sprintf("(%d/5)", question+1)
			w.await("question "+next+" for everyone", 60*time.Second, func() bool {
				for _, c := range chats {
					if w.count(c, next) == 0 {
						return false
					}
				}
				return true
			})
		}
	}
	w.await("every summary", 60*time.Second, func() bool {
		for _, c := range chats {
			if w.count(c, "complete: you earned") == 0 {
				return false
			}
		}
		return true
	})
	time.Sleep(time.Second)
	dups := 0
	for _, c := range chats {
		for q := 1; q <= 5; q++ {
			if n := w.count(c, fmt.Sprintf("(%d/5)", q)); n != 1 {
				dups += n - 1
			}
		}
		tot, err := w.store.Totals(context.Background(), ids[c])
		if err != nil || tot.Weekly != 5 {
			t.Errorf("chat %d: weekly points %d (%v), want 5: every vote counts", c, tot.Weekly, err)
		}
		if n := w.count(c, "complete: you earned"); n != 1 {
			t.Errorf("chat %d got the summary %d times", c, n)
		}
	}
	if dups > 2 {
		t.Errorf("%d repeated questions after two kills, want at most one each", dups)
	}
}

// TestKilledAfterHandlingEffectsHappenOnce: people write to a human and
// ask for their progress; the bot is killed right after answering, before
// it could confirm the updates to Telegram, which delivers them again.
// No question is stored twice and nobody is answered twice.
func TestKilledAfterHandlingEffectsHappenOnce(t *testing.T) {
	w := newWorld(t, "2022-10-24T09:00")
	var chats []int64
	for i := range 10 {
		c := int64(9001 + i)
		chats = append(chats, c)
		w.joinWith(c, locales.EN, false) // no reminders: count replies only
	}
	p := w.start()
	w.api.Await("setMyCommands", 3)
	// Held back until all ten are queued, so that they come in one
	// batch, none of it confirmed by a later call.
	w.api.FailAlways("getUpdates", http.StatusBadGateway)
	var updates []int
	for i, c := range chats {
		text := "/progress"
		if i%2 == 0 {
			text = "/human Can I change my elective?"
		}
		updates = append(updates, w.api.PushMessage(c, text, "en"))
	}
	last := updates[len(updates)-1]
	// Once the bot has fetched the updates, Telegram stops answering
	// getUpdates: the bot handles them but cannot confirm them, as when
	// it dies between the two.
	w.api.FailAfterDelivering(last, "getUpdates", http.StatusBadGateway)
	w.await("the updates to be fetched", 30*time.Second, func() bool { return w.api.Deliveries(last) > 0 })
	// Killed once every update was handled (its effects recorded), not
	// while one is: a reply sent but not yet recorded is the message in
	// flight, which the kill tests of waves cover.
	w.await("every update handled", 30*time.Second, func() bool {
		for _, id := range updates {
			if done, err := w.store.Handled(context.Background(), "tg:"+strconv.Itoa(id)); err != nil || !done {
				return false
			}
		}
		return true
	})
	p.kill()
	pending := w.api.Pending()
	if pending != len(chats) {
		t.Fatalf("%d updates unconfirmed at the kill, want all %d", pending, len(chats))
	}
	w.api.Heal("getUpdates")
	w.start()
	w.await("the updates to be confirmed", 30*time.Second, func() bool { return w.api.Pending() == 0 })
	time.Sleep(time.Second)
	for _, c := range chats {
		if out := w.api.Outgoing(c); len(out) != 1 {
			t.Errorf("chat %d got %d replies, want 1: %+v", c, len(out), out)
		}
	}
	open, err := w.store.OpenQuestions(context.Background())
	if err != nil || len(open) != 5 {
		t.Errorf("%d support questions stored (%v), want 5", len(open), err)
	}
	t.Logf("%d updates were unconfirmed at the kill", pending)
}

// TestKilledMidDiscordBroadcastEveryoneGetsItOnce: the same broadcast on
// Discord, at Discord's limits (50 requests a second, 5 messages per 5
// seconds per channel): cut by SIGKILL, finished by the restarted bot,
// with almost no 429s.
func TestKilledMidDiscordBroadcastEveryoneGetsItOnce(t *testing.T) {
	w := newWorld(t, "2022-10-24T09:00")
	w.dc = discordtest.NewServer(t, clockwork.NewRealClock())
	w.dc.EnforceRateLimits(discordtest.DiscordLimits())
	const coordinator = "6000"
	users := []string{coordinator}
	for i := range 231 {
		users = append(users, strconv.Itoa(6001+i))
	}
	for i, u := range users {
		id, err := w.store.CreateParticipant(context.Background(),
			// Reminders off: the day's reminder wave would share the pace.
			store.Participant{Name: "D" + u, Lang: locales.Lang([]string{"en", "es"}[i%2]), Created: time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)},
			store.Account{Platform: store.Discord, UserID: u, ChatID: w.dc.DMChannel(u), Reachable: true})
		if err != nil {
			t.Fatal(err)
		}
		if u == coordinator {
			if err := w.store.SetCoordinator(context.Background(), id.ID, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := func(u string) (n int) {
		for _, m := range w.dc.Messages(w.dc.DMChannel(u)) {
			n += strings.Count(m.Content, "course team:\nThe room changed") + strings.Count(m.Content, "equipo del curso:\nLa sala cambió")
		}
		return n
	}
	reached := func() (n int) {
		for _, u := range users {
			n += min(got(u), 1)
		}
		return n
	}
	first := w.start()
	dm := w.dc.DMChannel(coordinator)
	w.dc.PushDM(coordinator, "/broadcast The room changed || La sala cambió")
	w.await("the preview", 30*time.Second, func() bool {
		for _, m := range w.dc.Messages(dm) {
			if strings.Contains(m.Content, "It will go to 232 participants") {
				return true
			}
		}
		return false
	})
	send := ""
	for _, m := range w.dc.Messages(dm) {
		for _, row := range m.Rows {
			for _, b := range row {
				if strings.HasPrefix(b.Label, "Send to 232") {
					send = b.CustomID
				}
			}
		}
	}
	if send == "" {
		t.Fatalf("no Send button under %+v", w.dc.Messages(dm))
	}
	w.dc.PushButton(coordinator, dm, send, "en-US")
	w.await("the wave to start", 30*time.Second, func() bool { return reached() >= 40 })
	first.kill()
	cut := reached()
	if cut == len(users) {
		t.Fatal("the wave was over before the kill; the test needs it cut short")
	}
	wire := w.onTheWire(cut)
	w.start()
	w.await("everyone", 60*time.Second, func() bool { return reached() == len(users) })
	report := func() string {
		for _, m := range w.dc.Messages(dm) {
			if strings.Contains(m.Content, "Announcement finished") {
				return m.Content
			}
		}
		return ""
	}
	w.await("the report", 30*time.Second, func() bool { return report() != "" })
	time.Sleep(time.Second)
	dups := 0
	for _, u := range users {
		dups += got(u) - 1
	}
	if dups > wire {
		t.Errorf("%d repeated announcements after one kill, want at most the %d on the wire", dups, wire)
	}
	if r := report(); !strings.Contains(r, "delivered to 232, unreachable 0") || !strings.Contains(r, "failed 0") {
		t.Errorf("report %q, want all 232 delivered", r)
	}
	st := w.dc.RateStats()
	if st.Limited*100 > st.Requests {
		t.Errorf("%d of %d requests answered 429, want under 1%%", st.Limited, st.Requests)
	}
	t.Logf("%d of %d reached before the kill, %d of them on the wire; %d repeated; %d of %d requests answered 429", cut, len(users), wire, dups, st.Limited, st.Requests)
}
