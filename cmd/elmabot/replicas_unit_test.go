package main

import (
	"strings"
	"testing"
)

func TestWebhookSettings(t *testing.T) {
	for _, c := range []struct {
		url, secret, err string
		on               bool
	}{
		{"", "", "", false},
		{"https://bot.example/tg/hook", "abc_DEF-123", "", true},
		{"https://bot.example/tg/hook", "", "TELEGRAM_WEBHOOK_SECRET is not", false},
		{"https://bot.example/tg/hook", "has spaces", "may hold only", false},
		{"bot.example/hook", "abc", "absolute https URL", false},
	} {
		env := map[string]string{"TELEGRAM_WEBHOOK_URL": c.url, "TELEGRAM_WEBHOOK_SECRET": c.secret}
		g := &globals{env: Env{Getenv: func(k string) string { return env[k] }}}
		hook, secret, on, err := g.webhookSettings()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q %q: error %v, want %q", c.url, c.secret, err, c.err)
			}
			continue
		}
		if err != nil || on != c.on {
			t.Errorf("%q %q: on %v, %v", c.url, c.secret, on, err)
		}
		if on && (hook.Path != "/tg/hook" || secret != c.secret) {
			t.Errorf("%q: path %q secret %q", c.url, hook.Path, secret)
		}
	}
}

func TestDiscordAppFromToken(t *testing.T) {
	// A bot token's first part is the bot's id in base64.
	if got := discordApp("MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.xyz"); got != "123456789012345678" {
		t.Errorf("discordApp = %q, want the id in the token", got)
	}
	other := discordApp("discordtest.bot.token")
	if other == "" || other != discordApp("discordtest.bot.token") || other == discordApp("another.bot.token") {
		t.Errorf("a token of another shape is named %q: want a stable name of its own", other)
	}
}
