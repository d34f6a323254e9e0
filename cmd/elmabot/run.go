package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/locales"
)

// jobLockTTL bounds how long a dead replica can hold a scheduled job.
const jobLockTTL = 10 * time.Minute

// runBot serves the course on every platform with a token, until
// SIGINT/SIGTERM; then it stops in order: intake, scheduler, storage.
func runBot(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	switch v := g.env.Getenv("ELMA_LOG"); v {
	case "", "json", "text":
	default:
		return fmt.Errorf("ELMA_LOG=%q: json (the default) or text", v)
	}
	log := g.logger()
	tgToken, dcToken := g.env.Getenv("TELEGRAM_TOKEN"), g.env.Getenv("DISCORD_TOKEN")
	if tgToken == "" && dcToken == "" {
		return errors.New("neither TELEGRAM_TOKEN nor DISCORD_TOKEN is set: nothing to serve (try `elmabot console` to use the bot without a token)")
	}
	// go-redis reports reconnects through its own package-wide logger;
	// route it into ours so production logs stay one JSON stream, and
	// away again once this run is over.
	redis.SetLogger(redisLog{log})
	defer redis.SetLogger(redisLog{slog.New(slog.DiscardHandler)})
	hook, secret, webhook, err := g.webhookSettings()
	if err != nil {
		return err
	}
	if _, _, _, err := g.eventSettings(); err != nil {
		return err // before connecting anywhere
	}
	d, err := g.wire(ctx, log, false)
	if err != nil {
		return err
	}
	defer d.Close()
	// Health answers from here on, before the slow steps (command menus).
	mon := &monitor{store: d.store, metrics: d.metrics, log: log}
	d.metrics.WatchQueue(d.store, d.clock)
	mux := mon.routes()
	stopHTTP, err := serveHTTP(g.httpAddr(), mux, log, webhook)
	if err != nil {
		return err
	}
	defer stopHTTP()
	adapters, err := g.adapters(ctx, d, log, tgToken, dcToken)
	if err != nil {
		return err
	}
	if webhook && adapters.tg != nil {
		mux.Handle("POST "+hook.Path, adapters.tg.Webhook(d.bot, secret))
	}
	services, err := g.services(d, log, adapters, hook, secret)
	if err != nil {
		return err
	}
	d.bot.StartDeliveries()
	stopJobs, err := d.startReminders(ctx, d.store.Locker(jobLockTTL))
	if err != nil {
		return err
	}
	defer stopJobs()
	log.Info("elmabot running", "course", d.course.ID, "telegram", tgToken != "", "telegram_webhook", webhook, "discord", dcToken != "", "now", d.clock.Now())
	go g.reloads(ctx, d, log)
	return intake(ctx, log, services, mon.running)
}

// platforms are the adapters built for the tokens given.
type platforms struct {
	tg               *telegram.Adapter
	dc               *discord.Adapter
	tgToken, dcToken string
}

// adapters builds an adapter per token, registers it with the bot and
// sets its command menus in English and Spanish.
func (g *globals) adapters(ctx context.Context, d *deps, log *slog.Logger, tgToken, dcToken string) (platforms, error) {
	p := platforms{tgToken: tgToken, dcToken: dcToken}
	if tgToken != "" {
		tg, err := telegram.New(telegram.Config{Token: tgToken, APIURL: g.env.Getenv("TELEGRAM_API_URL"), Logger: log, Spread: true, Metrics: d.metrics})
		if err != nil {
			return p, err
		}
		if err := setCommands(ctx, tg, d.bot); err != nil {
			log.Warn("setting the Telegram command menus", "err", err)
		}
		d.bot.Register(tg)
		d.metrics.AddPlatform(string(bot.Telegram))
		p.tg = tg
	}
	if dcToken != "" {
		server, err := g.discordServer(d.course)
		if err != nil {
			return p, err
		}
		dc, err := discord.New(discord.Config{Token: dcToken, APIBase: g.env.Getenv("DISCORD_API_URL"), Logger: log, Spread: true, Metrics: d.metrics, Server: server})
		if err != nil {
			return p, err
		}
		menus := map[string][]bot.CommandInfo{"en": d.bot.AllCommands("en"), "es": d.bot.AllCommands("es")}
		if err := dc.SetCommands(ctx, menus); err != nil {
			log.Warn("setting the Discord commands", "err", err)
		}
		if invite, err := dc.InviteURL(ctx); err == nil {
			log.Info("add the bot to the course's Discord server with this link", "invite_url", invite, "guild", server.Guild)
		}
		d.bot.Register(dc)
		d.metrics.AddPlatform(string(bot.Discord))
		p.dc = dc
	}
	return p, nil
}

// services are how each platform's events come in: Telegram by webhook
// on every replica, or by long polling on the lease holder; Discord's
// gateway on the lease holder.
func (g *globals) services(d *deps, log *slog.Logger, p platforms, hook *url.URL, secret string) ([]service, error) {
	var out []service
	if p.tg != nil {
		if hook != nil {
			out = append(out, telegramWebhook(d, log, p.tg, hook, secret))
		} else {
			s, err := g.telegramPolling(d, log, p.tg, p.tgToken)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	if p.dc != nil {
		s, err := g.discordGateway(d, log, p.dc, p.dcToken)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// intake runs the services until ctx ends; it returns once every one
// has finished its in-flight updates. One platform failing for good
// (a revoked token) does not stop the others. running is called once
// every service has begun.
func intake(ctx context.Context, log *slog.Logger, services []service, running func()) error {
	var wg, begun sync.WaitGroup
	errs := make([]error, len(services))
	begun.Add(len(services))
	for i, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			begun.Done()
			if err := s.run(ctx); err != nil {
				log.Error("platform stopped", "platform", s.platform, "err", err)
				errs[i] = err
			}
		}()
	}
	begun.Wait()
	running()
	wg.Wait()
	log.Info("intake stopped")
	return errors.Join(errs...)
}

func setCommands(ctx context.Context, tg *telegram.Adapter, b *bot.Bot) error {
	var errs []error
	for _, lang := range []string{"", string(locales.EN), string(locales.ES)} {
		menuLang := lang
		if menuLang == "" {
			menuLang = string(locales.EN)
		}
		errs = append(errs, tg.SetCommands(ctx, lang, b.Commands(menuLang)))
	}
	return errors.Join(errs...)
}

func (g *globals) logger() *slog.Logger {
	if g.env.Getenv("ELMA_LOG") == "text" {
		return slog.New(slog.NewTextHandler(g.env.Stderr, nil))
	}
	return slog.New(slog.NewJSONHandler(g.env.Stderr, nil))
}

// redisLog carries go-redis's internal messages into slog.
type redisLog struct{ log *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.log.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// reloads reloads the course each time the environment asks (SIGHUP).
func (g *globals) reloads(ctx context.Context, d *deps, log *slog.Logger) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.env.Reload:
			if err := d.reload(g); err != nil {
				log.Error("reload", "err", err)
				continue
			}
			log.Info("course reloaded", "course", d.course.ID)
		}
	}
}
