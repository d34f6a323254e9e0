package store

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/store/storetest"
)

// openShared opens the store as the bot does, with Open on REDIS_URL,
// when REDIS_URL names a Cluster or a Sentinel deployment.
func openShared(t testing.TB, srv *storetest.Server) *Store {
	t.Helper()
	s, err := Open(context.Background(), srv.URL, WithPrefix(srv.Prefix))
	if err != nil {
		t.Fatalf("Open(REDIS_URL): %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// deploymentTests are the tests that start deployments of their own;
// the reruns skip them, which would otherwise start themselves again.
const deploymentTests = "^(TestStoreOnCluster|TestStoreOnSentinel|TestAnswersSurviveFailover)$"

// TestStoreOnCluster runs the store's tests again on a real Redis
// Cluster of three primaries: every test that takes its store from
// testStore then opens it with Open on the Cluster's URL, so a script
// whose keys span two slots fails with CROSSSLOT, and a command the
// cluster client cannot route fails too.
func TestStoreOnCluster(t *testing.T) {
	t.Parallel() // its child process overlaps the other deployments' waits
	c := storetest.StartCluster(t)
	rerun(t, c.URL)
	// The tests ran on the cluster, not beside it: every node ran
	// scripts for keys it serves.
	for _, n := range c.Nodes {
		stats, err := n.Client().Info(context.Background(), "commandstats").Result()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stats, "cmdstat_evalsha:calls=") {
			t.Errorf("node %s ran no script:\n%s", n.Addr, stats)
		}
	}
}

// rerun runs this test binary again, in a child process, with REDIS_URL
// set to url, and fails with the child's output if any test fails. It
// logs the tests that skipped, since a test that cannot run on url (it
// kills its server, say) skips rather than fails.
func rerun(t *testing.T, url string) {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-test.count=1", "-test.v", "-test.skip", deploymentTests, "-test.timeout", "10m"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "REDIS_URL="+url)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	passed, skipped := summarize(out)
	if err != nil {
		t.Fatalf("the store's tests with REDIS_URL=%s: %v\n%s", url, err, out)
	}
	t.Logf("%d tests passed with REDIS_URL=%s in %v", passed, url, time.Since(began).Round(time.Millisecond))
	for _, s := range skipped {
		t.Logf("skipped there: %s", s)
	}
}

// summarize counts the top-level tests that passed in go test -v output
// and lists those that skipped, each with its reason.
func summarize(out []byte) (passed int, skipped []string) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	var last string // the test's last log line, which holds a skip's reason
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "--- PASS: "):
			passed++
		case strings.HasPrefix(line, "--- SKIP: "):
			skipped = append(skipped, strings.TrimPrefix(line, "--- SKIP: ")+": "+strings.TrimSpace(last))
		case strings.HasPrefix(line, "    "):
			last = line
		}
	}
	return passed, skipped
}
