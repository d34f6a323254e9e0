package store

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// target is a parsed REDIS_URL: exactly one of the three is set.
type target struct {
	simple   *redis.Options
	cluster  *redis.ClusterOptions
	failover *redis.FailoverOptions
}

// parseURL reads the REDIS_URL forms go-redis knows:
//
//   - redis://[user:pass@]host:port[/db][?opts] and rediss:// (TLS):
//     one standalone server (redis.ParseURL);
//   - unix://[user:pass@]/path/to/redis.sock[?db=N]: the same over a socket;
//   - redis://host1:port?addr=host2:port&addr=host3:port: Cluster seeds
//     (redis.ParseClusterURL);
//   - redis://host:port?cluster=true: Cluster with a single seed, such as
//     a managed configuration endpoint (the parameter is ours, removed
//     before go-redis sees the URL);
//   - redis://sentinel:26379?master_name=mymaster[&addr=sentinel2:26379]:
//     Sentinel (redis.ParseFailoverURL).
//
// Errors never repeat the URL, which may hold a password.
func parseURL(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, errors.New("store: REDIS_URL is not a valid URL")
	}
	q := u.Query()
	switch u.Scheme {
	case "unix":
		o, err := redis.ParseURL(raw)
		return target{simple: o}, urlError(err)
	case "redis", "rediss":
	default:
		return target{}, fmt.Errorf("store: REDIS_URL scheme %q: want redis, rediss or unix", u.Scheme)
	}
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(raw)
		return target{failover: o}, urlError(err)
	case q.Has("cluster"):
		force, err := strconv.ParseBool(q.Get("cluster"))
		if err != nil {
			return target{}, errors.New("store: REDIS_URL parameter cluster must be true or false")
		}
		q.Del("cluster")
		u.RawQuery = q.Encode()
		if !force && !q.Has("addr") {
			o, err := redis.ParseURL(u.String())
			return target{simple: o}, urlError(err)
		}
		o, err := redis.ParseClusterURL(u.String())
		return target{cluster: o}, urlError(err)
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(raw)
		return target{cluster: o}, urlError(err)
	default:
		o, err := redis.ParseURL(raw)
		return target{simple: o}, urlError(err)
	}
}

func urlError(err error) error {
	if err == nil {
		return nil
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return errors.New("store: REDIS_URL is not a valid URL")
	}
	return fmt.Errorf("store: REDIS_URL: %w", err)
}

// newClient makes the client for a REDIS_URL, with every timeout the URL
// leaves unset bounded by d, so that no call can hang on a dead server.
func newClient(raw string, d time.Duration) (redis.UniversalClient, error) {
	t, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	switch {
	case t.cluster != nil:
		o := t.cluster
		bound(d, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.DialerRetries)
		return redis.NewClusterClient(o), nil
	case t.failover != nil:
		o := t.failover
		bound(d, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.DialerRetries)
		return redis.NewFailoverClient(o), nil
	default:
		o := t.simple
		bound(d, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.DialerRetries)
		return redis.NewClient(o), nil
	}
}

// bound sets the limits left at zero. The pool wait gets a little more
// than one command, as go-redis's own default does. Dialling is tried
// twice per command rather than go-redis's five times: a refused
// connection should surface in well under a second; the command-level
// retries (max_retries, 3 by default) still ride out a short blip.
func bound(d time.Duration, dial, read, write, pool *time.Duration, dialAttempts *int) {
	for _, p := range []*time.Duration{dial, read, write} {
		if *p == 0 {
			*p = d
		}
	}
	if *pool == 0 {
		*pool = d + d/2
	}
	if *dialAttempts == 0 {
		*dialAttempts = 2
	}
}

// Describe names the deployment a REDIS_URL points at, for logs; it
// never includes credentials.
func Describe(url string) (string, error) {
	t, err := parseURL(url)
	if err != nil {
		return "", err
	}
	return t.String(), nil
}

func (t target) String() string {
	switch {
	case t.cluster != nil:
		return "cluster " + strings.Join(t.cluster.Addrs, ",")
	case t.failover != nil:
		return "sentinel " + t.failover.MasterName + "@" + strings.Join(t.failover.SentinelAddrs, ",")
	case t.simple.Network == "unix":
		return "standalone unix " + t.simple.Addr
	default:
		return "standalone " + t.simple.Addr
	}
}
