// Package metrics turns what the bot reports into Prometheus metrics.
// It is the one place that knows Prometheus: the core and the adapters
// report through small interfaces (bot.Metrics, bot.LimitMetrics), and
// the program serves Handler at /metrics.
//
// Each Metrics has a registry of its own, never the library's global
// one, so two bots in one process (as in tests) count apart.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the bot's metric handles and their registry.
type Metrics struct {
	reg *prometheus.Registry

	// by update result: handled, failed, redelivered, dropped
	updates  map[string]*prometheus.CounterVec
	duration *prometheus.HistogramVec
	sends    *prometheus.CounterVec
	redis    prometheus.Counter
	limited  *prometheus.CounterVec
	waited   *prometheus.CounterVec
	leader   *prometheus.GaugeVec
}

// New makes the metrics on a fresh registry, with the Go runtime's and
// the process's own.
func New() *Metrics {
	m := &Metrics{
		reg:     prometheus.NewRegistry(),
		updates: map[string]*prometheus.CounterVec{},
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "elmabot_update_duration_seconds",
			Help:    "How long handling one update took, by kind: the command's name, unknown (another slash command), vote, button, text, blocked or slowdown.",
			Buckets: prometheus.DefBuckets,
		}, []string{"kind"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elmabot_sends_total",
			Help: "Tries of queued messages, by kind (reminder, quiz_open, quiz_nudge, course_summary, digest, broadcast, quiz_question, quiz_summary, support_answer, grade, report) and outcome (sent, unreachable, failed, expired, skipped, retry, wait).",
		}, []string{"kind", "outcome"}),
		redis: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "elmabot_redis_errors_total",
			Help: "Times the core found Redis unavailable.",
		}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elmabot_rate_limited_total",
			Help: "Calls the platform refused with 429 Too Many Requests.",
		}, []string{"platform"}),
		waited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elmabot_rate_limit_wait_seconds_total",
			Help: "Time calls to the platform waited for its rate limits: pacing and 429s, summed over calls.",
		}, []string{"platform"}),
		leader: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "elmabot_leader",
			Help: "1 while this process holds the platform's intake lease.",
		}, []string{"platform"}),
	}
	for result, help := range updateHelp() {
		m.updates[result] = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "elmabot_updates_" + result + "_total", Help: help,
		}, []string{"platform"})
		m.reg.MustRegister(m.updates[result])
	}
	m.reg.MustRegister(m.duration, m.sends, m.redis, m.limited, m.waited, m.leader,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// updateHelp describes each update result (bot.Update*).
func updateHelp() map[string]string {
	return map[string]string{
		"handled":     "Platform updates handled.",
		"failed":      "Platform updates not handled because storage failed; the platform delivers them again.",
		"redelivered": "Platform updates delivered again after being handled, and skipped.",
		"dropped":     "Typed messages dropped over a person's flood limit.",
	}
}

// AddPlatform makes the platform's series exist, at zero, before its
// first event, so that a dashboard shows a quiet platform as quiet.
func (m *Metrics) AddPlatform(platform string) {
	for _, c := range m.updates {
		c.WithLabelValues(platform)
	}
	m.limited.WithLabelValues(platform)
	m.waited.WithLabelValues(platform)
	m.leader.WithLabelValues(platform)
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Update counts one update by its result and times it by its kind.
func (m *Metrics) Update(platform, kind, result string, took time.Duration) {
	if c, ok := m.updates[result]; ok {
		c.WithLabelValues(platform).Inc()
	}
	if result == "handled" || result == "failed" {
		m.duration.WithLabelValues(kind).Observe(took.Seconds())
	}
}

// Delivery counts one try of a queued message.
func (m *Metrics) Delivery(kind, outcome string) { m.sends.WithLabelValues(kind, outcome).Inc() }

// StoreUnavailable counts a Redis outage the core ran into.
func (m *Metrics) StoreUnavailable() { m.redis.Inc() }

// RateLimited counts a 429.
func (m *Metrics) RateLimited(platform string) { m.limited.WithLabelValues(platform).Inc() }

// RateWait adds a call's wait for the platform's limits.
func (m *Metrics) RateWait(platform string, d time.Duration) {
	m.waited.WithLabelValues(platform).Add(d.Seconds())
}

// SetLeader says whether this process holds the platform's intake
// lease.
func (m *Metrics) SetLeader(platform string, on bool) {
	v := 0.0
	if on {
		v = 1
	}
	m.leader.WithLabelValues(platform).Set(v)
}
