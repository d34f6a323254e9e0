package storetest

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSize is the number of primaries: three, the fewest Redis
// Cluster accepts.
const clusterSize = 3

// Cluster is a Redis Cluster of three primaries without replicas, each
// a throwaway redis-server, for one test. Its methods are for the test's
// own goroutine.
type Cluster struct {
	// URL names the cluster by its seed nodes, in the form store.Open
	// takes: redis://first?addr=second&addr=third.
	URL    string
	Addrs  []string // host:port of each node
	Nodes  []*Server
	Prefix string // unique to the test, as Server.Prefix

	t testing.TB
}

// StartCluster starts three redis-server processes in cluster mode,
// with args added to each command line, joins them with redis-cli
// --cluster create and waits until every node says the cluster is ok.
// The nodes are killed when the test ends; their logs are shown if it
// failed. REDIS_URL is ignored: a cluster is always the test's own.
func StartCluster(t testing.TB, args ...string) *Cluster {
	t.Helper()
	cli := need(t, "redis-cli", "redis-tools", "which joins the nodes into a cluster")
	c := &Cluster{t: t, Prefix: uniquePrefix(t)}
	for range clusterSize {
		n := newLocal(t, c.Prefix)
		n.launch(append([]string{
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000",
		}, args...))
		c.Nodes = append(c.Nodes, n)
		c.Addrs = append(c.Addrs, n.Addr)
	}
	showLogsOnFailure(t, c.Nodes...)
	c.create(cli)
	c.waitOK()
	c.URL = "redis://" + c.Addrs[0] + "?addr=" + strings.Join(c.Addrs[1:], "&addr=")
	return c
}

// create assigns the slots and introduces the nodes to each other.
func (c *Cluster) create(cli string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("storetest: redis-cli --cluster create: %v\n%s", err, out)
	}
}

// waitOK waits until every node reports cluster_state:ok and knows all
// the others: until then a command may find its slot unserved.
func (c *Cluster) waitOK() {
	c.t.Helper()
	want := fmt.Sprintf("cluster_known_nodes:%d", clusterSize)
	for _, n := range c.Nodes {
		until(c.t, n.Addr+" to join the cluster", startTimeout, func(ctx context.Context) (bool, string) {
			info, err := n.command(ctx, "CLUSTER", "INFO")
			if err != nil {
				return false, err.Error()
			}
			return strings.Contains(info, "cluster_state:ok") && strings.Contains(info, want), info
		})
	}
}

// Client returns a cluster client for the nodes, closed when the test
// ends.
func (c *Cluster) Client() *redis.ClusterClient {
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs})
	c.t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// command sends one command to the server alone, with a fresh
// connection, and returns its reply as text.
func (s *Server) command(ctx context.Context, args ...any) (string, error) {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	v, err := c.Do(ctx, args...).Result()
	if err != nil {
		return "", err
	}
	return fmt.Sprint(v), nil
}

// until polls ready every 50ms until it says true, failing the test
// with ready's last explanation when within passes first.
func until(t testing.TB, what string, within time.Duration, ready func(context.Context) (bool, string)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, last := ready(ctx)
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("storetest: waited %v for %s; last:\n%s", within, what, last)
		case <-tick.C:
		}
	}
}

// showLogsOnFailure has the servers' logs printed if the test fails,
// before the servers and their directories are gone.
func showLogsOnFailure(t testing.TB, servers ...*Server) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, s := range servers {
			t.Logf("storetest: log of %s (%s):\n%s", s.Addr, strings.Join(s.args, " "), s.logTail())
		}
	})
}
