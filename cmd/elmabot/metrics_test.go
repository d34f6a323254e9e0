package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/metrics/metricstest"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestRunServesMetricsAndHealth runs `elmabot run` against a fake Bot
// API and a throwaway Redis, through a scripted session: a coordinator
// and a participant register, she answers a quiz question and asks for
// her progress, the coordinator sends an announcement. /metrics then
// shows what happened; /healthz answers while Redis does and, once it is
// gone, says so without naming an address or an error; /readyz waits
// for the intake.
func TestRunServesMetricsAndHealth(t *testing.T) {
	srv := storetest.Start(t)
	addr := freeAddr(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{
		"TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length",
		"ELMA_HTTP": addr, "ELMA_LOG": "text",
	}
	roster := filepath.Join(t.TempDir(), "roster.csv")
	writeFile(t, roster, "name,cohort,lang,role,code\nChris Staff,,en,coordinator,STAFF-0001\n")
	if code, _, errOut := run(t, "", env, "roster", roster); code != 0 {
		t.Fatalf("roster: %s", errOut)
	}
	// The first menu is refused with a 3 s wait: the start is held
	// before the intake, while /healthz already answers.
	api.FailNext("setMyCommands", 429, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuffer{}
	done := make(chan int)
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	go func() {
		e := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }}
		done <- Main(ctx, []string{"--now", "2022-10-21T17:00", "run"}, e)
	}()
	base := "http://" + addr
	if code, body := awaitHTTP(t, base+"/healthz", http.StatusOK); body != "ok\n" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	if code, _ := get(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before the intake runs: %d, want 503", code)
	}
	awaitHTTP(t, base+"/readyz", http.StatusOK)

	session(t, api)

	f := metricstest.Scrape(t, base+"/metrics")
	atLeast := func(what string, got, want float64) {
		t.Helper()
		if got < want {
			t.Errorf("%s = %v, want at least %v", what, got, want)
		}
	}
	v := func(name string, labels ...string) float64 {
		t.Helper()
		got, ok := f.Value(name, labels...)
		if !ok {
			t.Errorf("no series %s%v", name, labels)
		}
		return got
	}
	// start, register, quiz, vote, progress, broadcast, the Send button
	atLeast("updates handled", v("elmabot_updates_handled_total", "platform", "telegram"), 7)
	for _, kind := range []string{"start", "register", "quiz", "vote", "progress", "broadcast", "button"} {
		atLeast("updates timed as "+kind, v("elmabot_update_duration_seconds", "kind", kind), 1)
	}
	atLeast("quiz questions sent", v("elmabot_sends_total", "kind", "quiz_question", "outcome", "sent"), 2)
	atLeast("announcements sent", v("elmabot_sends_total", "kind", "broadcast", "outcome", "sent"), 2)
	atLeast("reports sent", v("elmabot_sends_total", "kind", "report", "outcome", "sent"), 1)
	atLeast("429s", v("elmabot_rate_limited_total", "platform", "telegram"), 1)
	atLeast("rate-limit wait", v("elmabot_rate_limit_wait_seconds_total", "platform", "telegram"), 3)
	v("elmabot_delivery_queue_depth")
	v("elmabot_delivery_oldest_due_age_seconds")
	if up := v("elmabot_redis_up"); up != 1 {
		t.Errorf("redis_up %v with Redis up", up)
	}
	if got := v("elmabot_leader", "platform", "telegram"); got != 1 {
		t.Errorf("leader gauge %v for the only replica, which polls Telegram", got)
	}
	if got := v("elmabot_updates_failed_total", "platform", "telegram"); got != 0 {
		t.Errorf("%v updates failed with Redis up", got)
	}

	srv.Kill()
	code, body := get(t, base+"/healthz")
	if code != http.StatusServiceUnavailable || body != "redis unavailable\n" {
		t.Errorf("/healthz with Redis down: %d %q, want 503 %q", code, body, "redis unavailable\n")
	}
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "redis://"), ":")
	port, _, _ = strings.Cut(port, "/")
	if strings.Contains(body, port) || strings.Contains(body, "dial") {
		t.Errorf("/healthz names the address or the error: %q", body)
	}
	api.PushMessage(4242, "/progress", "es")
	awaitMetric(t, base+"/metrics", "elmabot_updates_failed_total", "platform", "telegram")
	awaitMetric(t, base+"/metrics", "elmabot_redis_errors_total")

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
}

// session plays a coordinator (chat 900) and a participant (chat 4242).
func session(t *testing.T, api *telegramtest.Server) {
	t.Helper()
	api.PushMessage(900, "/start STAFF-0001", "en")
	awaitOutgoing(t, api, 900, "Chris Staff")
	api.PushMessage(4242, "/register Ana Lima", "es")
	api.PushMessage(4242, "/quiz week-1", "es")
	awaitOutgoing(t, api, 4242, "(1/5)")
	poll, ok := api.LastPoll(4242)
	if !ok {
		t.Fatal("no quiz poll was sent")
	}
	api.PushPollAnswer(4242, poll.ID, []int{poll.Correct[0]})
	awaitOutgoing(t, api, 4242, "(2/5)")
	api.PushMessage(4242, "/progress", "es")
	awaitOutgoing(t, api, 4242, "Su total: 1 punto")

	api.PushMessage(900, "/broadcast The plenary moves to 16:00", "en")
	awaitOutgoing(t, api, 900, "Send to 2 participants")
	api.PushCallback(900, buttonData(t, api, 900, "Send to 2 participants"))
	awaitOutgoing(t, api, 900, "Announcement finished: delivered to 2")
	if got := awaitOutgoing(t, api, 4242, "The plenary moves to 16:00"); !strings.Contains(got, "The plenary moves to 16:00") {
		t.Errorf("the announcement did not reach the participant:\n%s", got)
	}
}

// buttonData is the data of the button labelled label sent to chat.
func buttonData(t *testing.T, api *telegramtest.Server, chat int64, label string) string {
	t.Helper()
	for _, o := range api.Outgoing(chat) {
		for _, row := range o.Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, label) {
					return b.Data
				}
			}
		}
	}
	t.Fatalf("chat %d has no button %q", chat, label)
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// awaitHTTP waits until url answers want; the deadline only bounds a
// failing test.
func awaitHTTP(t *testing.T, url string, want int) (int, string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := get(t, url)
		if code == want {
			return code, body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s answered %d %q, want %d", url, code, body, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// awaitMetric waits until the series is above zero; the deadline only
// bounds a failing test.
func awaitMetric(t *testing.T, url, name string, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if v, _ := metricstest.Scrape(t, url).Value(name, labels...); v > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v stayed at zero", name, labels)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The listener is loopback unless ELMA_HTTP says otherwise, and
// `elmabot health` asks where the bot listens.
func TestHTTPDefaultsToLoopback(t *testing.T) {
	for env, want := range map[string][2]string{
		"":               {"127.0.0.1:8080", "http://127.0.0.1:8080/healthz"},
		":9090":          {":9090", "http://127.0.0.1:9090/healthz"},
		"0.0.0.0:8080":   {"0.0.0.0:8080", "http://127.0.0.1:8080/healthz"},
		"127.0.0.2:8081": {"127.0.0.2:8081", "http://127.0.0.2:8081/healthz"},
		"[::1]:8082":     {"[::1]:8082", "http://[::1]:8082/healthz"},
		"not an address": {"not an address", "http://127.0.0.1:8080/healthz"},
	} {
		g := &globals{env: Env{Getenv: func(k string) string {
			if k == "ELMA_HTTP" {
				return env
			}
			return ""
		}}}
		if got := g.httpAddr(); got != want[0] {
			t.Errorf("ELMA_HTTP=%q: listens on %q, want %q", env, got, want[0])
		}
		if got := g.healthURL(); got != want[1] {
			t.Errorf("ELMA_HTTP=%q: health asks %q, want %q", env, got, want[1])
		}
	}
}
