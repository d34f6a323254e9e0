package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/leader"
	"github.com/elmabot/elmabot/bot/telegram"
)

// service is one stream of platform events a replica takes in.
type service struct {
	platform bot.Platform
	run      func(ctx context.Context) error
}

// webhookSettings reads TELEGRAM_WEBHOOK_URL and its secret; ok is false
// when no webhook is configured (long polling).
func (g *globals) webhookSettings() (hook *url.URL, secret string, ok bool, err error) {
	raw := g.env.Getenv("TELEGRAM_WEBHOOK_URL")
	if raw == "" {
		return nil, "", false, nil
	}
	hook, err = url.Parse(raw)
	if err != nil || hook.Host == "" || (hook.Scheme != "https" && hook.Scheme != "http") {
		return nil, "", false, fmt.Errorf("TELEGRAM_WEBHOOK_URL=%q: want an absolute https URL", raw)
	}
	if hook.Path == "" {
		hook.Path = "/"
	}
	secret = g.env.Getenv("TELEGRAM_WEBHOOK_SECRET")
	if secret == "" {
		return nil, "", false, fmt.Errorf("TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: Telegram must prove its POSTs (1-256 characters A-Z a-z 0-9 _ -)")
	}
	if err := telegram.CheckSecret(secret); err != nil {
		return nil, "", false, fmt.Errorf("TELEGRAM_WEBHOOK_SECRET: %w", err)
	}
	return hook, secret, true, nil
}

// leaderConfig is the lease timing for the platforms that allow one
// consumer: ELMA_LEADER_TTL (default 10s), renewed every third of it.
func (g *globals) leaderConfig(d *deps, log *slog.Logger, name string) (leader.Config, error) {
	ttl, err := g.duration("ELMA_LEADER_TTL")
	if err != nil {
		return leader.Config{}, err
	}
	return leader.Config{Name: name, TTL: ttl, Clock: d.clock, Logger: log}, nil
}

// telegramPolling long-polls on the one replica holding the lease
// "telegram:<bot id>": Telegram serves getUpdates to one consumer, and
// two would handle the same updates side by side.
func (g *globals) telegramPolling(d *deps, log *slog.Logger, tg *telegram.Adapter, token string) (service, error) {
	id, _, _ := strings.Cut(token, ":")
	cfg, err := g.leaderConfig(d, log, "telegram:"+id)
	if err != nil {
		return service{}, err
	}
	return service{platform: bot.Telegram, run: func(ctx context.Context) error {
		return leader.Run(ctx, d.store, cfg, func(ctx context.Context) error {
			d.metrics.SetLeader(string(bot.Telegram), true)
			defer d.metrics.SetLeader(string(bot.Telegram), false)
			// getUpdates is refused while a webhook is set, say from an
			// earlier deployment in webhook mode.
			if err := tg.DeleteWebhook(ctx); err != nil {
				log.Warn("telegram: deleteWebhook failed; polling anyway", "err", err)
			}
			return tg.Run(ctx, d.bot)
		})
	}}, nil
}

// telegramWebhook sets the webhook and serves it until ctx ends. Every
// replica does so: Telegram POSTs to one address, and whichever replica
// gets an update handles it, each update once (see bot.Handle).
func telegramWebhook(d *deps, log *slog.Logger, tg *telegram.Adapter, hook *url.URL, secret string) service {
	return service{platform: bot.Telegram, run: func(ctx context.Context) error {
		for attempt := 0; ; attempt++ {
			err := tg.SetWebhook(ctx, hook.String(), secret)
			if err == nil {
				log.Info("telegram: webhook set", "url", hook.Redacted())
				break
			}
			if telegram.Refused(err) || ctx.Err() != nil {
				return err
			}
			wait := min(time.Second<<min(attempt, 5), 30*time.Second)
			log.Warn("telegram: setWebhook failed", "err", err, "retry_in", wait)
			if bot.Sleep(ctx, d.clock, wait) != nil {
				return nil
			}
		}
		<-ctx.Done()
		return nil
	}}
}

// discordGateway keeps the gateway session on the one replica holding
// "discord:<application id>": Discord allows one session per shard. The
// same replica keeps the server's scheduled events in step with the
// agenda (see syncEvents).
func (g *globals) discordGateway(d *deps, log *slog.Logger, dc *discord.Adapter, token string) (service, error) {
	cfg, err := g.leaderConfig(d, log, "discord:"+discordApp(token))
	if err != nil {
		return service{}, err
	}
	guild, kinds, events, err := g.eventSettings()
	if err != nil {
		return service{}, err
	}
	return service{platform: bot.Discord, run: func(ctx context.Context) error {
		return leader.Run(ctx, d.store, cfg, func(ctx context.Context) error {
			d.metrics.SetLeader(string(bot.Discord), true)
			defer d.metrics.SetLeader(string(bot.Discord), false)
			if events {
				// The leader alone writes the server's events: replicas
				// syncing side by side would make each one twice.
				sctx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				defer func() { stop(); <-done }()
				go func() { defer close(done); syncEvents(sctx, d, log, dc, guild, kinds) }()
			}
			return dc.Run(ctx, d.bot)
		})
	}}, nil
}

// discordApp names a bot by its token without a network call: a bot
// token's first part is its user id (its application's id) in base64.
// A token of another shape is named by a hash of it, which is as stable.
func discordApp(token string) string {
	first, _, _ := strings.Cut(token, ".")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.StdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(first); err == nil && len(b) > 0 && digits(string(b)) {
			return string(b)
		}
	}
	sum := sha256.Sum256([]byte(token))
	return "t" + hex.EncodeToString(sum[:6])
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
