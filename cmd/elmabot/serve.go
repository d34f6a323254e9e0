package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/elmabot/elmabot/bot/metrics"
)

// defaultHTTP is where /healthz, /readyz and /metrics are served when
// ELMA_HTTP is unset: loopback, so a bot on a public host publishes
// nothing by accident. A container, whose loopback nobody else can
// reach, sets ELMA_HTTP=0.0.0.0:8080 on purpose.
const defaultHTTP = "127.0.0.1:8080"

// httpAddr is ELMA_HTTP, or the loopback default.
func (g *globals) httpAddr() string {
	if addr := g.env.Getenv("ELMA_HTTP"); addr != "" {
		return addr
	}
	return defaultHTTP
}

// pinger is what health asks: *store.Store has it.
type pinger interface {
	Ping(ctx context.Context) error
}

// monitor answers the operator's questions over HTTP: is the bot
// healthy (/healthz), is it taking updates (/readyz), and its figures
// (/metrics).
type monitor struct {
	store   pinger
	metrics *metrics.Metrics
	log     *slog.Logger
	ready   atomic.Bool // every platform's intake runs
}

// routes is the monitor's mux; the Telegram webhook joins it once the
// adapter exists (ServeMux takes routes while serving).
func (m *monitor) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", m.healthz)
	mux.HandleFunc("GET /readyz", m.readyz)
	mux.Handle("GET /metrics", m.metrics.Handler())
	return mux
}

// healthz is 200 while Redis answers, else 503. The cause goes to the
// log only: the answer never names an address or an error.
func (m *monitor) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := m.store.Ping(ctx); err != nil {
		m.log.Warn("health check: redis unavailable", "err", err)
		http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// readyz is 200 once every platform's intake has started.
func (m *monitor) readyz(w http.ResponseWriter, r *http.Request) {
	if !m.ready.Load() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// running marks the intake started.
func (m *monitor) running() { m.ready.Store(true) }

// serveHTTP serves h on addr until the returned func is called. A
// listener that cannot be had is logged, and the bot runs without it;
// unless it must serve the Telegram webhook (required), since updates
// would then have nowhere to go.
func serveHTTP(addr string, h http.Handler, log *slog.Logger, required bool) (func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if required {
			return nil, fmt.Errorf("ELMA_HTTP %s, where the Telegram webhook is served: %w", addr, err)
		}
		log.Warn("health and metrics endpoint disabled", "addr", addr, "err", err)
		return func() {}, nil
	}
	log.Info("serving /healthz, /readyz and /metrics", "addr", ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	// Shutdown lets webhook updates being handled finish before the
	// scheduler and storage stop.
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// healthURL is where `elmabot health` asks by default: ELMA_HTTP's
// port on loopback, which a bot listening on every address answers too.
func (g *globals) healthURL() string {
	host, port, err := net.SplitHostPort(g.httpAddr())
	if err != nil {
		return "http://" + defaultHTTP + "/healthz"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz"
}
