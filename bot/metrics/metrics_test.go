package metrics_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/metrics"
	"github.com/elmabot/elmabot/bot/metrics/metricstest"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

var start = time.Date(2022, 10, 21, 15, 0, 0, 0, time.UTC)

// TestServedFigures: what the bot reports is served under its names and
// labels, and the delivery queue is read from Redis on each scrape.
func TestServedFigures(t *testing.T) {
	srv := storetest.Start(t)
	st := store.New(srv.Client(), store.WithPrefix(srv.Prefix))
	clock := clockwork.NewFakeClockAt(start)
	m := metrics.New()
	m.AddPlatform("telegram")
	m.AddPlatform("discord")
	m.WatchQueue(st, clock)
	web := httptest.NewServer(m.Handler())
	defer web.Close()

	m.Update("telegram", "progress", "handled", 30*time.Millisecond)
	m.Update("telegram", "vote", "handled", time.Millisecond)
	m.Update("telegram", "progress", "failed", time.Second)
	m.Update("discord", "help", "redelivered", 0)
	m.Delivery("reminder", "sent")
	m.Delivery("reminder", "sent")
	m.Delivery("broadcast", "retry")
	m.StoreUnavailable()
	m.RateLimited("telegram")
	m.RateWait("telegram", 1500*time.Millisecond)
	m.SetLeader("discord", true)
	ctx := context.Background()
	if _, err := st.Enqueue(ctx, "rem:x", []string{"p1", "p2"}, start, start.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	clock.Advance(90 * time.Second)

	f := metricstest.Scrape(t, web.URL)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"elmabot_updates_handled_total", []string{"platform", "telegram"}, 2},
		{"elmabot_updates_failed_total", []string{"platform", "telegram"}, 1},
		{"elmabot_updates_redelivered_total", []string{"platform", "discord"}, 1},
		{"elmabot_updates_handled_total", []string{"platform", "discord"}, 0},
		{"elmabot_updates_dropped_total", []string{"platform", "telegram"}, 0},
		{"elmabot_update_duration_seconds", []string{"kind", "progress"}, 2},
		{"elmabot_update_duration_seconds", []string{"kind", "vote"}, 1},
		{"elmabot_sends_total", []string{"kind", "reminder", "outcome", "sent"}, 2},
		{"elmabot_sends_total", []string{"kind", "broadcast", "outcome", "retry"}, 1},
		{"elmabot_redis_errors_total", nil, 1},
		{"elmabot_rate_limited_total", []string{"platform", "telegram"}, 1},
		{"elmabot_rate_limit_wait_seconds_total", []string{"platform", "telegram"}, 1.5},
		{"elmabot_leader", []string{"platform", "discord"}, 1},
		{"elmabot_leader", []string{"platform", "telegram"}, 0},
		{"elmabot_delivery_queue_depth", nil, 2},
		{"elmabot_delivery_queue_due", nil, 2},
		{"elmabot_delivery_oldest_due_age_seconds", nil, 90},
		{"elmabot_redis_up", nil, 1},
	} {
		if got, ok := f.Value(c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	if _, ok := f.Value("go_goroutines"); !ok {
		t.Error("the Go runtime's metrics are missing")
	}
	if _, ok := f.Value("elmabot_update_duration_seconds", "kind", "help"); ok {
		t.Error("a skipped update was timed")
	}

	srv.Kill()
	f = metricstest.Scrape(t, web.URL)
	if up, ok := f.Value("elmabot_redis_up"); !ok || up != 0 {
		t.Errorf("with Redis down, redis_up = %v (present %v), want 0", up, ok)
	}
	if _, ok := f.Value("elmabot_delivery_queue_depth"); ok {
		t.Error("a queue depth was served with Redis down")
	}
}

// TestRegistriesAreApart: two bots in one process count apart.
func TestRegistriesAreApart(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.RateLimited("telegram")
	web := httptest.NewServer(b.Handler())
	defer web.Close()
	if got, _ := metricstest.Scrape(t, web.URL).Value("elmabot_rate_limited_total", "platform", "telegram"); got != 0 {
		t.Errorf("the second registry counted the first one's 429: %v", got)
	}
}
