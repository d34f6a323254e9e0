package telegram_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// The traffic of BenchmarkFlood: floodPeople registered participants,
// each sending floodAsks commands 1-2 s apart, starting at random within
// floodSpread (about 20 replies a second in all, under Telegram's 30),
// and one unregistered chat sending floodSize messages at once,
// floodAfter into the run.
const (
	floodPeople = 100
	floodAsks   = 5
	floodSpread = 20 * time.Second
	floodSize   = 1000
	floodAfter  = 5 * time.Second
	floodUser   = 999999
)

// BenchmarkFlood measures what one flooding chat costs everyone else:
// the real core on a throwaway redis-server behind the real adapter,
// against telegramtest holding the bot to Telegram's limits (30 messages
// a second, one a second per chat), all on the real clock. The same
// normal traffic runs without and then with the flood; the metrics are
// the normal chats' reply latency (from the update being queued at the
// server to the reply reaching it), p50 and p99, and with/without ratios.
// The target is a ratio of at most 2.
//
//	go test -run x -bench Flood -benchtime 1x ./bot/telegram/
func BenchmarkFlood(b *testing.B) {
	var quiet, flooded []time.Duration
	for range b.N {
		quiet = append(quiet, floodRun(b, false)...)
		flooded = append(flooded, floodRun(b, true)...)
	}
	report := func(name string, d time.Duration) { b.ReportMetric(float64(d)/float64(time.Millisecond), name) }
	qp50, qp99 := percentile(quiet, 50), percentile(quiet, 99)
	fp50, fp99 := percentile(flooded, 50), percentile(flooded, 99)
	report("quiet-p50-ms", qp50)
	report("quiet-p99-ms", qp99)
	report("flood-p50-ms", fp50)
	report("flood-p99-ms", fp99)
	report("flood-max-ms", slices.Max(flooded))
	b.ReportMetric(float64(fp50)/float64(qp50), "p50-ratio")
	b.ReportMetric(float64(fp99)/float64(qp99), "p99-ratio")
}

// floodRun plays the traffic once on a fresh rig and returns every
// normal request's latency.
func floodRun(b *testing.B, flooding bool) []time.Duration {
	b.Helper()
	core := floodCore(b)
	srv := quietServer(b)
	srv.EnforceRate(30, time.Second)
	a := newAdapter(b, srv, clockwork.NewRealClock())
	core.Register(a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, core) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()

	pushed := playTraffic(b, srv, flooding)
	for i := range floodPeople {
		chat := benchUser(i)
		for len(srv.Outgoing(chat)) < floodAsks {
			srv.Await("sendMessage", srv.Count("sendMessage")+1)
		}
	}
	if n := srv.RateViolations(); n > 0 {
		b.Errorf("the bot went over Telegram's limits %d times", n)
	}
	if flooding {
		b.ReportMetric(float64(len(srv.Outgoing(floodUser))), "flooder-replies")
	}
	return latencies(b, srv, pushed)
}

// floodCore is the core with floodPeople participants registered, on
// course time running at the real pace.
func floodCore(b *testing.B) *bot.Bot {
	b.Helper()
	c, err := course.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		b.Fatal(err)
	}
	rd := storetest.Start(b)
	st := store.New(rd.Client(), store.WithPrefix(rd.Prefix))
	clock := schedule.ShiftedClock(clockwork.NewRealClock(), fakeclock.Turin(b, "2022-10-26T10:00"))
	core, err := bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: []byte(e2eSecret)})
	if err != nil {
		b.Fatal(err)
	}
	for i := range floodPeople {
		user := strconv.FormatInt(benchUser(i), 10)
		p := store.Participant{Name: "Participant " + user, Lang: locales.EN, TimeZone: "Europe/Rome", Reminders: true, Created: clock.Now()}
		acct := store.Account{Platform: store.Platform(bot.Telegram), UserID: user, ChatID: user, Reachable: true}
		if _, err := st.CreateParticipant(context.Background(), p, acct); err != nil {
			b.Fatal(err)
		}
	}
	return core
}

// ask is one command a normal chat sends, at a time into the run.
type ask struct {
	at   time.Duration
	chat int64
	text string
}

// schedulePeople is the normal traffic, in time order; the seed is
// fixed so that both runs play the same.
func schedulePeople() []ask {
	rng := rand.New(rand.NewPCG(1, 2))
	var asks []ask
	for i := range floodPeople {
		at := time.Duration(rng.Int64N(int64(floodSpread)))
		for k := range floodAsks {
			text := "/progress"
			if k%2 == 1 {
				text = "/help"
			}
			asks = append(asks, ask{at: at, chat: benchUser(i), text: text})
			at += time.Second + time.Duration(rng.Int64N(int64(time.Second)))
		}
	}
	sort.Slice(asks, func(i, j int) bool { return asks[i].at < asks[j].at })
	return asks
}

// playTraffic pushes the normal traffic on schedule, and the flood once
// floodAfter has passed, and returns when each chat's commands were
// pushed, in order.
func playTraffic(b *testing.B, srv *telegramtest.Server, flooding bool) map[int64][]time.Time {
	b.Helper()
	pushed := map[int64][]time.Time{}
	begin := time.Now()
	flooded := !flooding
	for _, a := range schedulePeople() {
		if !flooded && a.at >= floodAfter {
			waitUntil(begin.Add(floodAfter))
			for i := range floodSize {
				srv.PushMessage(floodUser, "spam "+strconv.Itoa(i), "")
			}
			flooded = true
		}
		waitUntil(begin.Add(a.at))
		pushed[a.chat] = append(pushed[a.chat], time.Now())
		srv.PushMessage(a.chat, a.text, "")
	}
	return pushed
}

// waitUntil waits on the wall clock until t: the benchmark replays
// people typing in real time.
func waitUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		<-time.After(d)
	}
}

// latencies pairs each chat's commands with its replies, one each, in
// order.
func latencies(b *testing.B, srv *telegramtest.Server, pushed map[int64][]time.Time) []time.Duration {
	b.Helper()
	var out []time.Duration
	for chat, times := range pushed {
		replies := srv.Outgoing(chat)
		if len(replies) != len(times) {
			b.Fatalf("chat %d: %d replies to %d commands", chat, len(replies), len(times))
		}
		for k, at := range times {
			out = append(out, replies[k].At.Sub(at))
		}
	}
	return out
}

// percentile is the p-th percentile of ds, nearest rank.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := max(0, (len(s)*p+99)/100-1)
	return s[i]
}
