package discord_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkDiscordAdapterWave sends one message to each of N participants
// (distinct DM channels, already opened, as the core stores them)
// through Adapter.Send from a pool of concurrent senders, on the real
// clock, against the fake Discord at Discord's limits: 50 requests a
// second, 5 per 5 s per channel. It reports the share delivered, the
// 429s as a share of requests, and the wave's time against the least
// the limits allow: the global bucket starts full, so N calls need at
// least (N-50)/50 s after the first burst. About 20 s with the defaults:
//
//	go test -run x -bench DiscordAdapterWave -benchtime 1x ./bot/discord/
//	ELMA_DC_WAVE_N=3000 ELMA_DC_WAVE_SENDERS=200 go test -run x -bench DiscordAdapterWave -benchtime 1x ./bot/discord/
func BenchmarkDiscordAdapterWave(b *testing.B) {
	n, senders := envInt("ELMA_DC_WAVE_N", 1000), envInt("ELMA_DC_WAVE_SENDERS", 64)
	limits := discordtest.DiscordLimits()
	for range b.N {
		b.StopTimer()
		srv := discordtest.NewServer(b, nil)
		srv.EnforceRateLimits(limits)
		a := newAdapter(b, srv, nil)
		chats := participants(srv, n)
		b.StartTimer()
		start := time.Now()
		failed := wave(a, chats, senders)
		took := time.Since(start)
		b.StopTimer()

		if len(failed) != 0 {
			b.Errorf("%d sends failed, first: %v", len(failed), failed[0])
		}
		delivered := 0
		for _, c := range chats {
			delivered += min(len(srv.Messages(c)), 1)
		}
		st := srv.RateStats()
		// One call per message: no DM channel is opened during the wave.
		bound := float64(max(st.Requests-st.Limited, n)-limits.Global) / float64(limits.Global)
		b.ReportMetric(float64(delivered)/float64(n)*100, "%delivered")
		b.ReportMetric(float64(st.Limited)/float64(st.Requests)*100, "%429")
		b.ReportMetric(float64(st.Requests), "requests")
		b.ReportMetric(took.Seconds(), "wave-s")
		b.ReportMetric(bound, "bound-s")
		b.ReportMetric(took.Seconds()/bound, "x-bound")
		b.StartTimer()
	}
}
