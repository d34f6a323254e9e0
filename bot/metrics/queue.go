package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/elmabot/elmabot/store"
)

// Queue is where the delivery queue's figures come from; *store.Store
// has it.
type Queue interface {
	QueueStats(ctx context.Context, now time.Time) (store.QueueStats, error)
}

// Clock tells the time the queue's age is measured at.
type Clock interface{ Now() time.Time }

// scrapeTimeout bounds the queue read of one scrape: a slow Redis must
// not hold the scraper.
const scrapeTimeout = time.Second

// WatchQueue reports the delivery queue on every scrape, read from q at
// the clock's time.
func (m *Metrics) WatchQueue(q Queue, clock Clock) {
	m.reg.MustRegister(&queueCollector{q: q, clock: clock,
		depth: prometheus.NewDesc("elmabot_delivery_queue_depth", "Deliveries queued: due, waiting for a retry, or being sent.", nil, nil),
		due:   prometheus.NewDesc("elmabot_delivery_queue_due", "Deliveries due now and not yet taken.", nil, nil),
		age:   prometheus.NewDesc("elmabot_delivery_oldest_due_age_seconds", "How long the earliest due delivery has waited; 0 when none is due.", nil, nil),
		up:    prometheus.NewDesc("elmabot_redis_up", "1 when the scrape could read the delivery queue from Redis.", nil, nil),
	})
}

// queueCollector reads the queue when scraped: three cheap commands in
// one round trip (see store.QueueStats).
type queueCollector struct {
	q                   Queue
	clock               Clock
	depth, due, age, up *prometheus.Desc
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.due
	ch <- c.age
	ch <- c.up
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := c.clock.Now()
	st, err := c.q.QueueStats(ctx, now)
	if err != nil {
		// No figures rather than wrong ones; redis_up says why.
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	age := 0.0
	if !st.Oldest.IsZero() {
		age = max(now.Sub(st.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(st.Depth))
	ch <- prometheus.MustNewConstMetric(c.due, prometheus.GaugeValue, float64(st.Due))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
}
