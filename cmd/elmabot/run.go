package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
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
	log := g.logger()
	// go-redis reports reconnects through its own package-wide logger;
	// route it into ours so production logs stay one JSON stream.
	redis.SetLogger(redisLog{log})
	tgToken, dcToken := g.env.Getenv("TELEGRAM_TOKEN"), g.env.Getenv("DISCORD_TOKEN")
	if tgToken == "" && dcToken == "" {
		return errors.New("neither TELEGRAM_TOKEN nor DISCORD_TOKEN is set: nothing to serve (try `elmabot console` to use the bot without a token)")
	}
	d, err := g.wire(ctx, log, false)
	if err != nil {
		return err
	}
	defer d.Close()
	// Health answers from here on, before the slow steps (command menus).
	mon := &monitor{store: d.store, metrics: d.metrics, log: log}
	d.metrics.WatchQueue(d.store, d.clock)
	stopHTTP := serveHTTP(g.httpAddr(), mon.routes(), log)
	defer stopHTTP()
	adapters, err := g.adapters(ctx, d, log, tgToken, dcToken)
	if err != nil {
		return err
	}
	d.bot.StartDeliveries()
	stopJobs, err := d.startReminders(ctx, d.store.Locker(jobLockTTL))
	if err != nil {
		return err
	}
	defer stopJobs()
	log.Info("elmabot running", "course", d.course.ID, "telegram", tgToken != "", "discord", dcToken != "", "now", d.clock.Now())
	go g.reloads(ctx, d, log)
	return intake(ctx, log, adapters, d.bot, mon.running)
}

// platform is an adapter as run needs it.
type platform interface {
	bot.Messenger
	Run(ctx context.Context, h bot.Handler) error
}

// adapters builds an adapter per token, registers it with the bot and
// sets its command menus in English and Spanish.
func (g *globals) adapters(ctx context.Context, d *deps, log *slog.Logger, tgToken, dcToken string) ([]platform, error) {
	var out []platform
	if tgToken != "" {
		tg, err := telegram.New(telegram.Config{Token: tgToken, APIURL: g.env.Getenv("TELEGRAM_API_URL"), Logger: log, Spread: true, Metrics: d.metrics})
		if err != nil {
			return nil, err
		}
		if err := setCommands(ctx, tg, d.bot); err != nil {
			log.Warn("setting the Telegram command menus", "err", err)
		}
		out = append(out, tg)
	}
	if dcToken != "" {
		dc, err := discord.New(discord.Config{Token: dcToken, APIBase: g.env.Getenv("DISCORD_API_URL"), Logger: log, Metrics: d.metrics})
		if err != nil {
			return nil, err
		}
		menus := map[string][]bot.CommandInfo{"en": d.bot.Commands("en"), "es": d.bot.Commands("es")}
		if err := dc.SetCommands(ctx, menus); err != nil {
			log.Warn("setting the Discord commands", "err", err)
		}
		out = append(out, dc)
	}
	for _, a := range out {
		d.bot.Register(a)
		d.metrics.AddPlatform(string(a.Platform()))
	}
	return out, nil
}

// intake runs the adapters until ctx ends; it returns once every adapter
// has finished its in-flight updates. One platform failing for good
// (a revoked token) does not stop the others. running is called once
// every adapter's Run has begun.
func intake(ctx context.Context, log *slog.Logger, adapters []platform, h bot.Handler, running func()) error {
	var wg, begun sync.WaitGroup
	errs := make([]error, len(adapters))
	begun.Add(len(adapters))
	for i, a := range adapters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			begun.Done()
			if err := a.Run(ctx, h); err != nil {
				log.Error("platform stopped", "platform", a.Platform(), "err", err)
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
