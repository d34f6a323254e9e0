package main

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestRunServesTelegramAndStopsCleanly runs `elmabot run` against a fake
// Bot API and a throwaway Redis: it sets the command menus, answers a
// participant, and returns 0 when its context ends.
func TestRunServesTelegramAndStopsCleanly(t *testing.T) {
	srv := storetest.Start(t)
	healthAddr := freeAddr(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{
		"TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length",
		"ELMA_HTTP": healthAddr, "ELMA_LOG": "text",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := syncBuffer{}
	done := make(chan int)
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	go func() {
		e := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Getenv: func(k string) string { return env[k] }}
		done <- Main(ctx, []string{"--now", "2022-10-21T17:00", "run"}, e)
	}()
	api.Await("setMyCommands", 3)
	api.PushMessage(4242, "/register Ana Lima", "es")
	api.PushMessage(4242, "/quiz week-1", "es")
	all := awaitOutgoing(t, api, 4242, "(1/5)")
	for _, want := range []string{"Ya está registrado/a, Ana Lima", "(1/5)"} {
		if !strings.Contains(all, want) {
			t.Errorf("the bot did not send %q; it sent:\n%s", want, all)
		}
	}
	if code, out, errOut := run(t, "", nil, "health", "--url", "http://"+healthAddr+"/healthz"); code != 0 || out != "ok\n" {
		t.Errorf("health: exit %d, %q %q", code, out, errOut)
	}
	srv.Kill()
	if code, _, _ := run(t, "", nil, "health", "--url", "http://"+healthAddr+"/healthz"); code != 1 {
		t.Errorf("health with Redis down: exit %d, want 1", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d after its context ended, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
}

func TestRunNeedsAToken(t *testing.T) {
	code, _, errOut := run(t, "", nil, "run")
	if code != 1 || !strings.Contains(errOut, "TELEGRAM_TOKEN is not set") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// awaitOutgoing waits until the bot has sent chat a message holding
// want, and returns everything sent to chat; the deadline only bounds a
// failing test.
func awaitOutgoing(t *testing.T, api *telegramtest.Server, chat int64, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var texts []string
		for _, o := range api.Outgoing(chat) {
			texts = append(texts, o.Text)
		}
		all := strings.Join(texts, "\n")
		if strings.Contains(all, want) || time.Now().After(deadline) {
			return all
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
