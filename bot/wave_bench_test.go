package bot_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkReminderWave sends one reminder to N participants through the
// Telegram adapter, against a fake Bot API that answers 429 to anything
// faster than RATE messages a second. It reports the wave's duration
// against the N/RATE bound and the delay from the due instant to the
// first message. Telegram's own rate is 30/s, so the defaults take about
// 6 minutes:
//
//	go test -run x -bench ReminderWave -benchtime 1x ./bot/
//	ELMA_WAVE_N=10000 ELMA_WAVE_RATE=300 go test -run x -bench ReminderWave -benchtime 1x ./bot/
func BenchmarkReminderWave(b *testing.B) {
	n, rate := envInt("ELMA_WAVE_N", 10000), envInt("ELMA_WAVE_RATE", 30)
	for range b.N {
		f := newFleet(b, "2022-10-24T14:45")
		f.api.EnforceRate(rate, time.Second)
		for i := range n {
			f.joinQuick(int64(100000 + i))
		}
		r := f.replicaRate(rate)
		s := f.send("rem:w2-plenary:15m0s:20221024T1300Z")
		start := time.Now()
		stats, err := r.bot.DeliverStats(context.Background(), s)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if stats.Sent != n {
			b.Fatalf("sent %d of %d (skipped %d, failed %d)", stats.Sent, n, stats.Skipped, stats.Failed)
		}
		first := f.api.Calls("sendMessage")[0].At.Sub(start)
		bound := time.Duration(float64(n) / float64(rate) * float64(time.Second))
		b.ReportMetric(took.Seconds(), "wave-s")
		b.ReportMetric(took.Seconds()/bound.Seconds(), "x-bound")
		b.ReportMetric(float64(first.Milliseconds()), "first-send-ms")
		b.ReportMetric(float64(f.api.RateViolations()), "429s")
	}
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
