package telegram_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

const hookSecret = "s3cret_token-of-the-hook"

// The webhook is set with its secret and the update kinds the bot wants
// (the fake checks the call against the Bot API description), and while
// it is set getUpdates is refused as Telegram refuses it.
func TestSetAndDeleteWebhook(t *testing.T) {
	srv := telegramtest.NewServer(t, nil)
	a := newAdapter(t, srv, nil)
	ctx := context.Background()
	if err := a.SetWebhook(ctx, "https://bot.example/tg/hook", hookSecret); err != nil {
		t.Fatal(err)
	}
	if url, secret := srv.Webhook(); url != "https://bot.example/tg/hook" || secret != hookSecret {
		t.Errorf("webhook set to %q with secret %q", url, secret)
	}
	call := srv.Calls("setWebhook")[0]
	if !strings.Contains(call.Params["allowed_updates"], "poll_answer") {
		t.Errorf("allowed_updates %q, want the bot's update kinds", call.Params["allowed_updates"])
	}
	if err := a.SetWebhook(ctx, "https://bot.example/tg/hook", "no spaces allowed"); err == nil {
		t.Error("a secret Telegram refuses was accepted")
	}
	if err := a.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if url, _ := srv.Webhook(); url != "" {
		t.Errorf("webhook still %q after deleteWebhook", url)
	}
}

// A POSTed update with the secret reaches the handler and is answered
// 200 once handled; without the secret, or with another, it is refused
// with 403 and the handler never sees it; a failed handler answers 503
// so that Telegram sends the update again.
func TestWebhookServesUpdatesWithTheSecret(t *testing.T) {
	srv := telegramtest.NewServer(t, nil)
	a := newAdapter(t, srv, nil)
	h := newEcho(a)
	hook := httptest.NewServer(a.Webhook(h, hookSecret))
	defer hook.Close()

	id := srv.PushMessage(501, "/progress", "en")
	for _, secret := range []string{"", "wrong"} {
		if code, err := srv.PostUpdate(hook.URL, secret, id); err != nil || code != http.StatusForbidden {
			t.Errorf("POST with secret %q: %d %v, want 403", secret, code, err)
		}
	}
	if n := len(h.updates()); n != 0 {
		t.Fatalf("the handler saw %d updates POSTed without the secret", n)
	}
	if code, err := srv.PostUpdate(hook.URL, hookSecret, id); err != nil || code != http.StatusOK {
		t.Fatalf("POST with the secret: %d %v, want 200", code, err)
	}
	if out := srv.Outgoing(501); len(out) != 1 || out[0].Text != "echo: /progress" {
		t.Errorf("replies %+v, want one echo, sent before the 200", out)
	}
	h.failFor("502", 1)
	failing := srv.PushMessage(502, "/help", "en")
	if code, _ := srv.PostUpdate(hook.URL, hookSecret, failing); code != http.StatusServiceUnavailable {
		t.Errorf("a failed update answered %d, want 503", code)
	}
	if code, _ := srv.PostUpdate(hook.URL, hookSecret, failing); code != http.StatusOK {
		t.Errorf("the retried update answered %d, want 200", code)
	}
}

// While a webhook is set, long polling is refused with 409, and the
// adapter keeps asking without giving up.
func TestGetUpdatesRefusedWhileWebhookSet(t *testing.T) {
	srv := telegramtest.NewServer(t, nil)
	a := newAdapter(t, srv, nil)
	if err := a.SetWebhook(context.Background(), "https://bot.example/tg/hook", hookSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Username(context.Background()); err != nil {
		t.Fatal(err)
	}
	id := srv.PushMessage(503, "/help", "en")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, newEcho(a)) }()
	srv.Await("getUpdates", 1)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run gave up on a 409: %v", err)
	}
	if n := srv.Deliveries(id); n != 0 {
		t.Errorf("getUpdates delivered an update %d times while the webhook was set", n)
	}
}
