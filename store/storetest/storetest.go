// Package storetest gives tests a real Redis: a throwaway redis-server on
// a free port, or the server named by REDIS_URL.
//
//	srv := storetest.Start(t)                     // scratch server, no persistence
//	srv := storetest.Start(t, storetest.AOF()...) // fsync every write
//	client := srv.Client()
//	s := store.New(client, store.WithPrefix(srv.Prefix))
//
// REDIS_URL, when set, names a server tests share, each under a unique
// key prefix: a standalone server (redis:// or unix://), or, in the
// forms store.Open takes, a Cluster or a Sentinel deployment. On a
// Cluster, Server.Client skips the test; Server.Universal serves all.
//
// StartCluster and StartSentinel start real deployments of throwaway
// servers (StartCluster needs redis-cli too), whatever REDIS_URL says.
//
// Tests skip when redis-server is not installed, except when the CI
// environment variable is set: there they fail, so that a missing server
// never passes for green.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 10 * time.Second

// Server is one Redis for one test. Its methods are for the test's own
// goroutine.
type Server struct {
	URL    string // redis://host:port/0, or REDIS_URL
	Addr   string // host:port; empty for an external non-TCP REDIS_URL
	Socket string // unix socket path; empty for REDIS_URL
	// Prefix is unique to the test: pass it to store.WithPrefix so that
	// tests sharing a REDIS_URL server never see each other's keys.
	Prefix string

	t        testing.TB
	external bool
	bin      string
	dir      string
	args     []string
	proc     *exec.Cmd
	exited   chan struct{}
	// conf, when set, is a configuration file to start with, as
	// redis-server wants it: before every other argument.
	conf []string
	// topology is what REDIS_URL names; a server of our own is
	// standalone.
	topology string
}

// AOF returns the arguments for an append-only file fsynced on every
// write, so that an acknowledged write survives SIGKILL.
func AOF() []string {
	return []string{"--appendonly", "yes", "--appendfsync", "always"}
}

// Start returns a Redis for t. With REDIS_URL set it uses that server
// (args are ignored, nothing is flushed, and the test's keys are deleted
// afterwards); otherwise it starts redis-server with args added to its
// command line, and kills it when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	prefix := uniquePrefix(t)
	if url := os.Getenv("REDIS_URL"); url != "" {
		return external(t, url, prefix)
	}
	s := newLocal(t, prefix)
	s.launch(args)
	return s
}

// newLocal prepares a throwaway server, not yet started, removed when
// the test ends.
func newLocal(t testing.TB, prefix string) *Server {
	t.Helper()
	bin := need(t, "redis-server", "redis-server", "and REDIS_URL is not set")
	// A short directory of our own: unix socket paths are limited to
	// about 100 bytes, and t.TempDir() names grow with the test name.
	dir, err := os.MkdirTemp("", "redis")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, bin: bin, dir: dir, Prefix: prefix, Socket: filepath.Join(dir, "redis.sock")}
	t.Cleanup(func() {
		s.stop()
		_ = os.RemoveAll(dir)
	})
	return s
}

// need returns the path of a program the test needs. Without it the
// test skips, or fails when the CI environment variable is set, so that
// a missing program never passes for green.
func need(t testing.TB, program, pkg, why string) string {
	t.Helper()
	bin, err := exec.LookPath(program)
	if err == nil {
		return bin
	}
	msg := fmt.Sprintf("storetest: %s is not installed (apt-get install %s), %s", program, pkg, why)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func external(t testing.TB, url, prefix string) *Server {
	s := &Server{t: t, external: true, URL: url, Prefix: prefix, topology: topologyOf(url)}
	if s.topology == standalone {
		o, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("storetest: REDIS_URL: %v", err)
		}
		if o.Network == "tcp" {
			s.Addr = o.Addr
		}
	}
	t.Cleanup(s.deleteKeys)
	return s
}

// launch starts redis-server on a free port, trying again when another
// process took the port between choosing and binding it.
func (s *Server) launch(extra []string) {
	s.t.Helper()
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			s.t.Fatalf("storetest: free port: %v", err)
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		s.URL = "redis://" + s.Addr + "/0"
		s.args = append([]string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"),
			"--unixsocket", s.Socket, "--unixsocketperm", "700",
			"--save", "", "--appendonly", "no",
		}, extra...)
		s.args = append(s.conf[:len(s.conf):len(s.conf)], s.args...)
		if lastErr = s.run(); lastErr == nil {
			return
		}
	}
	s.t.Fatalf("storetest: redis-server did not start: %v", lastErr)
}

// run starts the process with s.args and waits until it answers PING.
func (s *Server) run() error {
	cmd := exec.Command(s.bin, s.args...)
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.proc, s.exited = cmd, exited
	if err := waitReady(s.Addr, exited); err != nil {
		s.stop()
		return fmt.Errorf("%w\n%s", err, s.logTail())
	}
	return nil
}

// waitReady polls PING until the server answers PONG, exits, or the
// start timeout passes.
func waitReady(addr string, exited <-chan struct{}) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := ping(addr)
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("redis-server exited")
		case <-deadline.C:
			return fmt.Errorf("redis-server on %s did not answer PING within %v: %w", addr, startTimeout, err)
		case <-tick.C:
		}
	}
}

func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	n, err := conn.Read(buf)
	if err != nil {
		return err
	}
	if got := string(buf[:n]); !strings.HasPrefix(got, "+PONG") {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(got))
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Kill stops the server with SIGKILL, as a crash or an OOM kill would,
// and waits until it is gone.
func (s *Server) Kill() {
	s.t.Helper()
	if s.external {
		s.t.Skip("storetest: cannot kill the REDIS_URL server; unset REDIS_URL to run this test")
	}
	s.stop()
}

func (s *Server) stop() {
	if s.proc == nil {
		return
	}
	_ = s.proc.Process.Kill()
	<-s.exited
	s.proc = nil
}

// Restart starts the server again on the same port and directory, so it
// reloads whatever it persisted, and waits until it answers PING.
func (s *Server) Restart() {
	s.t.Helper()
	if s.external {
		s.t.Skip("storetest: cannot restart the REDIS_URL server; unset REDIS_URL to run this test")
	}
	s.stop()
	if err := s.run(); err != nil {
		s.t.Fatalf("storetest: restart redis-server: %v", err)
	}
}

// Client returns a go-redis client for the server, closed when the test
// ends. When REDIS_URL names a Cluster there is no such client: the
// test skips, saying so; Universal serves every topology.
func (s *Server) Client() *redis.Client {
	if s.topology == cluster {
		s.t.Skip("storetest: this test needs a standalone Redis (Server.Client), and REDIS_URL names a Cluster")
	}
	c, err := s.newClient()
	if err != nil {
		s.t.Fatalf("storetest: %v", err)
	}
	s.t.Cleanup(func() { _ = c.Close() })
	return c.(*redis.Client)
}

func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if err != nil {
		return "(no redis.log)"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// deleteKeys removes the test's keys from a shared server, from every
// primary of a Cluster.
func (s *Server) deleteKeys() {
	c, err := s.newClient()
	if err != nil {
		s.t.Logf("storetest: deleting keys %s:*: %v", s.Prefix, err)
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cc, ok := c.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return deleteMatching(ctx, node, cc, s.Prefix+":*")
		})
	} else {
		err = deleteMatching(ctx, c, c, s.Prefix+":*")
	}
	if err != nil {
		s.t.Logf("storetest: deleting keys %s:*: %v", s.Prefix, err)
	}
}

// deleteMatching unlinks, through del, the keys of scan that match
// pattern.
func deleteMatching(ctx context.Context, scan, del redis.Cmdable, pattern string) error {
	iter := scan.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		del.Unlink(ctx, iter.Val())
	}
	return iter.Err()
}

// uniquePrefix names the test's keys: the test name, cleaned, and random
// hex. It holds no braces, which would change the Cluster hash tags.
func uniquePrefix(t testing.TB) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "test-" + name + "-" + hex.EncodeToString(b)
}
