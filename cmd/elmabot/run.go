package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	log := g.logger()
	// go-redis reports reconnects through its own package-wide logger;
	// route it into ours so production logs stay one JSON stream.
	redis.SetLogger(redisLog{log})
	tgToken, dcToken := g.env.Getenv("TELEGRAM_TOKEN"), g.env.Getenv("DISCORD_TOKEN")
	if tgToken == "" && dcToken == "" {
		return errors.New("neither TELEGRAM_TOKEN nor DISCORD_TOKEN is set: nothing to serve (try `elmabot console` to use the bot without a token)")
	}
	hook, secret, webhook, err := g.webhookSettings()
	if err != nil {
		return err
	}
	d, err := g.wire(ctx, log, false)
	if err != nil {
		return err
	}
	defer d.Close()
	adapters, err := g.adapters(ctx, d, log, tgToken, dcToken)
	if err != nil {
		return err
	}
	var routes map[string]http.Handler
	if webhook && adapters.tg != nil {
		routes = webhookRoute(adapters.tg, d.bot, hook, secret)
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
	stopHTTP, err := g.serveHTTP(d, log, routes)
	if err != nil {
		return err
	}
	defer stopHTTP()
	log.Info("elmabot running", "course", d.course.ID, "telegram", tgToken != "", "telegram_webhook", webhook, "discord", dcToken != "", "now", d.clock.Now())
	go g.reloads(ctx, d, log)
	return intake(ctx, log, services)
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
		tg, err := telegram.New(telegram.Config{Token: tgToken, APIURL: g.env.Getenv("TELEGRAM_API_URL"), Logger: log, Spread: true})
		if err != nil {
			return p, err
		}
		if err := setCommands(ctx, tg, d.bot); err != nil {
			log.Warn("setting the Telegram command menus", "err", err)
		}
		d.bot.Register(tg)
		p.tg = tg
	}
	if dcToken != "" {
		dc, err := discord.New(discord.Config{Token: dcToken, APIBase: g.env.Getenv("DISCORD_API_URL"), Logger: log})
		if err != nil {
			return p, err
		}
		menus := map[string][]bot.CommandInfo{"en": d.bot.Commands("en"), "es": d.bot.Commands("es")}
		if err := dc.SetCommands(ctx, menus); err != nil {
			log.Warn("setting the Discord commands", "err", err)
		}
		d.bot.Register(dc)
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
// (a revoked token) does not stop the others.
func intake(ctx context.Context, log *slog.Logger, services []service) error {
	var wg sync.WaitGroup
	errs := make([]error, len(services))
	for i, s := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.run(ctx); err != nil {
				log.Error("platform stopped", "platform", s.platform, "err", err)
				errs[i] = err
			}
		}()
	}
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

// serveHTTP answers /healthz on ELMA_HTTP (default :8080): 200 while
// Redis answers, 503 otherwise; and serves routes (the Telegram
// webhook). Without routes a busy address only costs the health check;
// with them it is an error, since updates would have nowhere to go.
func (g *globals) serveHTTP(d *deps, log *slog.Logger, routes map[string]http.Handler) (func(), error) {
	addr := g.env.Getenv("ELMA_HTTP")
	if addr == "" {
		addr = ":8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.store.Ping(ctx); err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	for path, h := range routes {
		mux.Handle(path, h)
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if len(routes) > 0 {
			return nil, fmt.Errorf("ELMA_HTTP %s, where the Telegram webhook is served: %w", addr, err)
		}
		log.Warn("health endpoint disabled", "addr", addr, "err", err)
		return func() {}, nil
	}
	go func() { _ = srv.Serve(ln) }()
	// Shutdown lets webhook updates being handled finish before the
	// scheduler and storage stop.
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
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
