package storetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// rejoinTimeout bounds how long the sentinels may take to make the old
// primary a replica of the new one.
const rejoinTimeout = 40 * time.Second

// MasterName is the name the Sentinels monitor the primary under.
const MasterName = "mymaster"

// Sentinel is a replicated Redis watched by Sentinel, all throwaway
// processes for one test: a primary, one replica, and one or more
// sentinels. Its methods are for the test's own goroutine.
type Sentinel struct {
	// URL names the deployment by its sentinels, in the form store.Open
	// takes: redis://sentinel1?master_name=mymaster&addr=sentinel2...
	URL       string
	Primary   *Server // the server the sentinels name as primary
	Replica   *Server
	Sentinels []*Server
	Prefix    string // unique to the test, as Server.Prefix

	t testing.TB
}

// StartSentinel starts a primary with args added to its command line, a
// replica of it (--replicaof, the same args), and n sentinels
// monitoring it with a quorum of a majority, a down-after-milliseconds
// of one second and a failover-timeout of five. It returns once the
// replica is in sync and every sentinel knows the replica and can reach
// its quorum. Everything is killed when the test ends; the logs are
// shown if it failed. REDIS_URL is ignored.
func StartSentinel(t testing.TB, n int, args ...string) *Sentinel {
	t.Helper()
	d := &Sentinel{t: t, Prefix: uniquePrefix(t)}
	d.Primary = newLocal(t, d.Prefix)
	// Both may be primary one day: neither delays a replica's first
	// sync by the default 5s wait for more replicas.
	args = append([]string{"--repl-diskless-sync-delay", "0"}, args...)
	d.Primary.launch(args)
	d.Replica = newLocal(t, d.Prefix)
	host, port, _ := net.SplitHostPort(d.Primary.Addr)
	d.Replica.launch(append([]string{"--replicaof", host, port}, args...))
	showLogsOnFailure(t, d.Primary, d.Replica)
	d.Replica.waitInSync(d.Primary.Addr, startTimeout)
	var addrs []string
	for range n {
		s := d.startSentinel(n/2 + 1)
		d.Sentinels = append(d.Sentinels, s)
		addrs = append(addrs, s.Addr)
	}
	showLogsOnFailure(t, d.Sentinels...)
	for _, s := range d.Sentinels {
		d.waitWatching(s, n)
	}
	d.URL = "redis://" + addrs[0] + "?master_name=" + MasterName
	for _, a := range addrs[1:] {
		d.URL += "&addr=" + a
	}
	return d
}

// startSentinel starts one sentinel with a configuration of its own,
// which it rewrites as it learns.
func (d *Sentinel) startSentinel(quorum int) *Server {
	d.t.Helper()
	s := newLocal(d.t, d.Prefix)
	host, port, _ := net.SplitHostPort(d.Primary.Addr)
	conf := fmt.Sprintf("sentinel monitor %[1]s %s %s %d\n"+
		"sentinel down-after-milliseconds %[1]s 1000\n"+
		"sentinel failover-timeout %[1]s 5000\n"+
		"sentinel parallel-syncs %[1]s 1\n", MasterName, host, port, quorum)
	path := filepath.Join(s.dir, "sentinel.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		d.t.Fatal(err)
	}
	s.conf = []string{path, "--sentinel"}
	s.launch(nil)
	return s
}

// waitInSync waits until the server replicates primary with its link up.
func (s *Server) waitInSync(primary string, within time.Duration) {
	s.t.Helper()
	host, port, _ := net.SplitHostPort(primary)
	until(s.t, s.Addr+" to replicate "+primary, within, func(ctx context.Context) (bool, string) {
		info, err := s.command(ctx, "INFO", "replication")
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(info, "master_host:"+host+"\r\n") &&
			strings.Contains(info, "master_port:"+port+"\r\n") &&
			strings.Contains(info, "master_link_status:up"), info
	})
}

// waitWatching waits until sentinel s names the primary, knows the
// replica in good health and, with n sentinels, the n-1 others, so that
// a failover can start at once.
func (d *Sentinel) waitWatching(s *Server, n int) {
	d.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer sc.Close()
	until(d.t, "sentinel "+s.Addr+" to watch "+d.Primary.Addr, startTimeout, func(ctx context.Context) (bool, string) {
		addr, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
		if err != nil {
			return false, err.Error()
		}
		if got := net.JoinHostPort(addr[0], addr[1]); got != d.Primary.Addr {
			return false, "primary " + got
		}
		replicas, err := sc.Replicas(ctx, MasterName).Result()
		if err != nil || !healthyReplica(replicas, d.Replica.Addr) {
			return false, fmt.Sprint(replicas, err)
		}
		others, err := sc.Sentinels(ctx, MasterName).Result()
		return err == nil && len(others) == n-1, fmt.Sprint("sentinels ", others, err)
	})
}

func healthyReplica(replicas []map[string]string, addr string) bool {
	for _, r := range replicas {
		if net.JoinHostPort(r["ip"], r["port"]) == addr {
			return r["flags"] == "slave" && r["master-link-status"] == "ok"
		}
	}
	return false
}

// Failover has the first sentinel promote the replica (SENTINEL
// FAILOVER, as an operator would) and waits until every sentinel names
// it as the primary and the old primary replicates it, so the
// deployment is whole again. Primary and Replica then swap.
func (d *Sentinel) Failover() {
	d.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: d.Sentinels[0].Addr})
	defer sc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := sc.Failover(ctx, MasterName).Err(); err != nil {
		d.t.Fatalf("storetest: SENTINEL FAILOVER %s: %v", MasterName, err)
	}
	d.Primary, d.Replica = d.Replica, d.Primary
	for _, s := range d.Sentinels {
		d.waitNaming(s)
	}
	// The sentinels turn the old primary into a replica some seconds
	// after they see it still claims to be a primary (Sentinel's own
	// delay, not configurable).
	d.Replica.waitInSync(d.Primary.Addr, rejoinTimeout)
}

// waitNaming waits until sentinel s names the primary.
func (d *Sentinel) waitNaming(s *Server) {
	d.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer sc.Close()
	until(d.t, "sentinel "+s.Addr+" to name "+d.Primary.Addr, startTimeout, func(ctx context.Context) (bool, string) {
		addr, err := sc.GetMasterAddrByName(ctx, MasterName).Result()
		if err != nil {
			return false, err.Error()
		}
		got := net.JoinHostPort(addr[0], addr[1])
		return got == d.Primary.Addr, "primary " + got
	})
}

// PrimaryAddr asks the first sentinel where the primary is.
func (d *Sentinel) PrimaryAddr() string {
	d.t.Helper()
	sc := redis.NewSentinelClient(&redis.Options{Addr: d.Sentinels[0].Addr})
	defer sc.Close()
	addr, err := sc.GetMasterAddrByName(context.Background(), MasterName).Result()
	if err != nil {
		d.t.Fatalf("storetest: SENTINEL GET-MASTER-ADDR-BY-NAME: %v", err)
	}
	return net.JoinHostPort(addr[0], addr[1])
}

// Client returns a go-redis failover client for the deployment, closed
// when the test ends.
func (d *Sentinel) Client() *redis.Client {
	o, err := redis.ParseFailoverURL(d.URL)
	if err != nil {
		d.t.Fatalf("storetest: %v", err)
	}
	c := redis.NewFailoverClient(o)
	d.t.Cleanup(func() { _ = c.Close() })
	return c
}
