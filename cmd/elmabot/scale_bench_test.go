package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/console"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// BenchmarkScale fills a throwaway redis-server with each course size
// of ELMA_SCALE_N (default 1000) through fillDemo, then times what a
// coordinator waits for: /stats, a broadcast preview (to everyone, and
// to an audience judged participant by participant), /find, and the
// whole course's reminder preview with recipient counts. Sizes given
// together report side by side:
//
//	ELMA_SCALE_N=1000,100000 go test -run x -bench Scale -benchtime 1x -timeout 1h ./cmd/elmabot/
func BenchmarkScale(b *testing.B) {
	for _, field := range strings.Split(envOr("ELMA_SCALE_N", "1000"), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n <= 0 {
			b.Fatalf("ELMA_SCALE_N: %q is not a count", field)
		}
		b.Run("N="+strconv.Itoa(n), func(b *testing.B) { benchScale(b, n) })
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func benchScale(b *testing.B, n int) {
	ctx := context.Background()
	c, err := course.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2022, 11, 28, 11, 0, 0, 0, time.UTC)
	srv := storetest.Start(b)
	st := store.New(srv.Client(), store.WithPrefix(srv.Prefix))
	fill := time.Now()
	if err := fillDemo(ctx, st, c, now, demoPlan{N: n, Workers: 64, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.Logf("N=%d filled in %s", n, time.Since(fill).Round(time.Second))
	coord, bt, out := scaleBot(b, st, c, now)
	b.ResetTimer()
	for range b.N {
		measure(b, "stats-ms", func() { coord("/stats") })
		measure(b, "preview-ms", func() { coord("/broadcast Hello everyone") })
		measure(b, "audience-ms", func() { coord("/broadcast lang:es atrisk notdone:week-6 Hola") })
		measure(b, "find-ms", func() { coord("/find nunez ana") })
		sends := schedule.Between(bot.Plan(c), c.Start, c.End.Add(7*24*time.Hour))
		measure(b, "reminders-ms", func() {
			if _, err := bt.Audiences(ctx, sends); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(len(sends)), "sends")
	}
	if !strings.Contains(out.String(), "Participants:") {
		b.Fatalf("no /stats reply: %s", out.String())
	}
}

func measure(b *testing.B, metric string, fn func()) {
	start := time.Now()
	fn()
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000, metric)
}

// scaleBot is a bot with a console coordinator; the replies go to out.
func scaleBot(b *testing.B, st *store.Store, c *course.Course, now time.Time) (func(string), *bot.Bot, *bytes.Buffer) {
	ctx := context.Background()
	catalog, err := locales.NewCatalog()
	if err != nil {
		b.Fatal(err)
	}
	clock := schedule.ShiftedClock(schedule.RealClock(), now)
	bt, err := bot.New(bot.Config{Course: c, Store: st, Catalog: catalog, Clock: clock, Secret: []byte("scale-benchmark-secret")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = bt.Close() })
	out := &bytes.Buffer{}
	bt.Register(console.New(out, "staff", "en"))
	p, err := st.CreateParticipant(ctx, store.Participant{Name: "Staff", Lang: locales.EN, Created: now},
		store.Account{Platform: store.Console, UserID: "staff", ChatID: "staff", Reachable: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := st.SetCoordinator(ctx, p.ID, true); err != nil {
		b.Fatal(err)
	}
	return func(text string) {
		if err := bt.Handle(ctx, bot.Update{Platform: bot.Console, UserID: "staff", ChatID: "staff", Text: text}); err != nil {
			b.Fatal(err)
		}
	}, bt, out
}
