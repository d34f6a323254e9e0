package bot_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// waveReminder is the wave both benchmarks send: a reminder that
// concerns everyone (the week 2 plenary), due at the fleet's instant.
const (
	waveAt       = "2022-10-24T14:45"
	waveReminder = "rem:w2-plenary:15m0s:20221024T1300Z"
)

// arrivals sums up when the platform's fake took a wave's messages, on
// the real clock.
type arrivals struct {
	first, last time.Time
	reached     int // recipients with at least one message
	repeated    int // recipients with more than one
}

func (a *arrivals) add(ats []time.Time) {
	if len(ats) == 0 {
		return
	}
	a.reached++
	if len(ats) > 1 {
		a.repeated++
	}
	for _, at := range ats {
		if a.first.IsZero() || at.Before(a.first) {
			a.first = at
		}
		if at.After(a.last) {
			a.last = at
		}
	}
}

// reportWave checks a wave reached everyone once and reports it against
// bound, the least time the platform's limits allow for it.
func reportWave(b *testing.B, n int, stats bot.WaveStats, got arrivals, queued time.Time, requests, limited int, bound time.Duration) {
	b.Helper()
	if stats.Sent != n || got.reached != n || got.repeated != 0 {
		b.Errorf("queue says %d of %d sent (failed %d, skipped %d, still due %d); the platform has %d recipients reached, %d more than once",
			stats.Sent, n, stats.Failed, stats.Skipped, stats.Due, got.reached, got.repeated)
	}
	if got.reached == 0 {
		b.Fatal("nothing arrived")
	}
	took := got.last.Sub(queued)
	b.ReportMetric(float64(got.reached)/float64(n)*100, "%delivered")
	b.ReportMetric(float64(limited)/float64(max(requests, 1))*100, "%429")
	b.ReportMetric(float64(requests), "requests")
	b.ReportMetric(float64(got.first.Sub(queued).Milliseconds()), "first-send-ms")
	b.ReportMetric(took.Seconds(), "wave-s")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(took.Seconds()/bound.Seconds(), "x-bound")
}

// perSecondBound is the least time from the first of n messages to the
// last when at most rate go in any one second and the first rate may go
// at once: the other n-rate then need (n-rate)/rate s at the rate.
// Counted in whole windows (message k, from 0, no earlier than
// floor(k/rate) s after the first) the last needs ceil((n-rate)/rate) s,
// less than a second more; the fractional figure is the stricter
// yardstick. A wave smaller than one burst is held to 1/rate s, not 0.
func perSecondBound(n, rate int) time.Duration {
	return time.Duration(float64(max(n-rate, 1)) / float64(rate) * float64(time.Second))
}

// BenchmarkTelegramWave sends one reminder to N participants with
// Telegram accounts (default 1,000; ELMA_WAVE_N) through the core's
// delivery path, by both of its ways (see viaDrain): the wave is queued
// in Redis, claimed with leases by the delivery workers (as many as the
// adapter's Pacer says), composed per recipient and sent through the
// Telegram adapter set up as in production (GlobalRate 30, PerChat 1 s,
// Spread), on the real clock, against a fake Bot API that answers 429
// to a 31st message in any one-second window, or to a second message to
// a chat within a second.
//
// The bound: Telegram takes at most 30 messages in any one-second
// window, with no burst allowance beyond that, so at best the first 30
// go at once and the other N-30 follow at 30 a second: the last arrives
// at least (N-30)/30 s after the first, 32.33 s for 1,000 (see
// perSecondBound). The wave is timed from just before it is queued to
// the last message's arrival at the fake, so wave-s, and x-bound
// (wave-s / bound-s), also carry the delay to the first send, reported
// as first-send-ms. Spread gives up the opening burst on purpose (one
// send every 1/30 s from the first: (N-1)/30 s, 33.3 s for 1,000), so
// x-bound cannot go below (N-1)/(N-30), 1.03 for 1,000. Both ways take
// about 35 s each:
//
//	go test -run x -bench TelegramWave -benchtime 1x ./bot/
//	ELMA_WAVE_N=3000 go test -run x -bench TelegramWave/loop -benchtime 1x ./bot/
func BenchmarkTelegramWave(b *testing.B) {
	for _, path := range []string{viaDrain, viaLoop} {
		b.Run(path, func(b *testing.B) { telegramWave(b, path) })
	}
}

func telegramWave(b *testing.B, path string) {
	const rate = 30
	n := envInt("ELMA_WAVE_N", 1000)
	for range b.N {
		b.StopTimer()
		f := newFleet(b, waveAt)
		f.api.EnforceRate(rate, time.Second)
		chats := make([]int64, n)
		for i := range chats {
			chats[i] = int64(100000 + i)
			f.joinQuick(chats[i])
		}
		core := f.core()
		tg, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIURL: f.api.URL(), GlobalRate: rate, PerChat: time.Second, Spread: true})
		if err != nil {
			b.Fatal(err)
		}
		core.Register(tg)
		s := f.send(waveReminder)
		b.StartTimer()

		queued, stats, cmds := sendWave(b, f, core, s, path)
		b.StopTimer()
		var got arrivals
		for _, c := range chats {
			var ats []time.Time
			for _, o := range f.api.Outgoing(c) {
				ats = append(ats, o.At)
			}
			got.add(ats)
		}
		reportWave(b, n, stats, got, queued, len(f.api.Calls("sendMessage")), f.api.RateViolations(), perSecondBound(n, rate))
		b.ReportMetric(float64(cmds)/float64(n), "redis-cmds/msg")
		b.StartTimer()
	}
}

// BenchmarkDiscordWave sends one reminder to N participants with
// Discord accounts (default 1,000; ELMA_WAVE_N) through the core's
// delivery path, by both of its ways, and the Discord adapter with its
// default pacing (50 calls a second), on the real clock, against the
// fake Discord at Discord's limits: 50 requests a second, 5 messages
// per 5 s in a channel. Each account's DM channel is stored, as the core
// stores it when the person first writes, so every message is one call.
//
// The bound: Discord's global limit is a fixed window of 50 requests a
// second that starts full, so at best the first 50 go at once and the
// other N-50 follow at 50 a second: the last arrives at least (N-50)/50 s
// after the first, 19 s for 1,000. Timed as BenchmarkTelegramWave is.
// About 20 s for each way (bot/discord's BenchmarkDiscordAdapterWave is
// the same wave from the adapter's Send alone, without the core):
//
//	go test -run x -bench DiscordWave -benchtime 1x ./bot/
func BenchmarkDiscordWave(b *testing.B) {
	for _, path := range []string{viaDrain, viaLoop} {
		b.Run(path, func(b *testing.B) { discordWave(b, path) })
	}
}

func discordWave(b *testing.B, path string) {
	n := envInt("ELMA_WAVE_N", 1000)
	limits := discordtest.DiscordLimits()
	for range b.N {
		b.StopTimer()
		f := newFleet(b, waveAt)
		srv := discordtest.NewServer(b, nil)
		srv.EnforceRateLimits(limits)
		chans := make([]string, n)
		for i := range chans {
			user := fmt.Sprint(3000000000000000000 + i)
			chans[i] = srv.DMChannel(user)
			_, err := f.store.CreateParticipant(context.Background(),
				store.Participant{Name: "P" + user, Lang: locales.EN, Reminders: true, Created: f.clock.Now()},
				store.Account{Platform: store.Platform(bot.Discord), UserID: user, ChatID: chans[i], Reachable: true})
			if err != nil {
				b.Fatal(err)
			}
		}
		core := f.core()
		dc, err := discord.New(discord.Config{Token: discordtest.Token, APIBase: srv.URL()})
		if err != nil {
			b.Fatal(err)
		}
		core.Register(dc)
		s := f.send(waveReminder)
		b.StartTimer()

		queued, stats, cmds := sendWave(b, f, core, s, path)
		b.StopTimer()
		var got arrivals
		for _, c := range chans {
			var ats []time.Time
			for _, m := range srv.Messages(c) {
				ats = append(ats, m.At)
			}
			got.add(ats)
		}
		st := srv.RateStats()
		reportWave(b, n, stats, got, queued, st.Requests, st.Limited, perSecondBound(n, limits.Global))
		b.ReportMetric(float64(cmds)/float64(n), "redis-cmds/msg")
		b.StartTimer()
	}
}

// The two ways a wave goes through the core: "drain" queues it and
// sends it in the caller's time (DeliverStats, for tests and tools);
// "loop" queues it (Deliver, as the schedule runner does) for the
// delivery loop every replica runs (StartDeliveries), as in production.
const (
	viaDrain = "drain"
	viaLoop  = "loop"
)

// sendWave sends s through core by path; it returns when the wave was
// about to be queued, where its deliveries stand at the end, and how
// many commands Redis served meanwhile (the benchmark's own polling in
// "loop" included: one every 20 ms).
func sendWave(b *testing.B, f *fleet, core *bot.Bot, s schedule.Send, path string) (time.Time, bot.WaveStats, int64) {
	ctx := context.Background()
	before := redisCommands(b, f)
	if path == viaLoop {
		core.StartDeliveries()
		defer core.Close()
	}
	queued := time.Now()
	var stats bot.WaveStats
	var err error
	switch path {
	case viaDrain:
		stats, err = core.DeliverStats(ctx, s)
	case viaLoop:
		err = core.Deliver(ctx, s)
		stats, err = awaitWave(ctx, f.store, s.ID, err)
	}
	if err != nil {
		b.Fatal(err)
	}
	return queued, stats, redisCommands(b, f) - before
}

// awaitWave waits until no delivery of item is pending. It polls: the
// loop tells nobody outside when a wave is done. The limit only stops a
// stuck run.
func awaitWave(ctx context.Context, st *store.Store, item string, err error) (bot.WaveStats, error) {
	limit := time.Now().Add(10 * time.Minute)
	for err == nil {
		var c store.WaveCounts
		if c, err = st.WaveCounts(ctx, item); err == nil && (c.Done() || time.Now().After(limit)) {
			return bot.WaveStats{Due: c.Due, Sent: c.Sent, Unreachable: c.Unreachable, Failed: c.Failed, Expired: c.Expired, Skipped: c.Skipped}, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return bot.WaveStats{}, err
}

// redisCommands is how many commands the fleet's Redis has served,
// those its scripts ran included: the work a wave gives Redis, which
// a shared server's other clients feel.
func redisCommands(b *testing.B, f *fleet) int64 {
	info, err := f.srv.Client().Info(context.Background(), "stats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("redis INFO without total_commands_processed")
	return 0
}

// joinQuick creates a participant with a Telegram account; the store's
// own calls, so the setup stays out of the measured wave.
func (f *fleet) joinQuick(chat int64) {
	id := fmt.Sprint(chat)
	_, err := f.store.CreateParticipant(context.Background(),
		store.Participant{Name: "P" + id, Lang: locales.EN, Reminders: true, Created: f.clock.Now()},
		store.Account{Platform: store.Platform(bot.Telegram), UserID: id, ChatID: id, Reachable: true})
	if err != nil {
		f.t.Fatal(err)
	}
}

// replicaRate is a replica whose Telegram outbox paces at rate.
func (f *fleet) replicaRate(rate int) *replica {
	r := f.replica()
	tg, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIURL: f.api.URL(), GlobalRate: rate, PerChat: time.Second})
	if err != nil {
		f.t.Fatal(err)
	}
	r.bot.Register(tg)
	return r
}
