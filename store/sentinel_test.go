package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/store/storetest"
)

// TestStoreOnSentinel runs the store's tests again through Sentinel:
// each opens its store with Open on the sentinels' URL.
func TestStoreOnSentinel(t *testing.T) {
	t.Parallel() // mostly waiting on Sentinel, or on a child process
	d := storetest.StartSentinel(t, 1)
	rerun(t, d.URL)
}

// The failover test: answers stream in from several goroutines
// through Sentinel while an operator fails the primary over to its
// replica (SENTINEL FAILOVER). The writers retry what fails, as the
// bot's intake does, and carry on on the new primary; afterwards every
// acknowledged answer is there, and the totals count each stored answer
// once.
func TestAnswersSurviveFailover(t *testing.T) {
	t.Parallel() // mostly waiting on Sentinel, or on a child process
	d := storetest.StartSentinel(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Open(ctx, d.URL, WithPrefix(d.Prefix), WithTimeout(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writers := startWriters(ctx, t, s, 8)
	for _, w := range writers.all {
		w.waitFor(t, 50, 0, 10*time.Second)
	}
	before := writers.acked()
	began := time.Now()
	d.Failover()
	failedOver := time.Since(began)
	for i, w := range writers.all {
		w.waitFor(t, before[i]+50, 0, 30*time.Second)
	}
	cancel()
	writers.wg.Wait()

	lost, acked, failures := 0, 0, 0
	for _, w := range writers.all {
		l, a, f := checkWriter(t, s, w)
		lost, acked, failures = lost+l, acked+a, failures+f
	}
	t.Logf("%d answers acknowledged by %d writers, %d failed attempts; the failover took %v",
		acked, len(writers.all), failures, failedOver.Round(time.Millisecond))
	if lost > 0 {
		t.Fatalf("%d acknowledged answers lost in the failover", lost)
	}
}

type writers struct {
	all []*writer
	wg  sync.WaitGroup
}

// startWriters creates n participants and starts a writer for each.
func startWriters(ctx context.Context, t *testing.T, s *Store, n int) *writers {
	ws := &writers{}
	for i := range n {
		p := mustCreate(t, s, fmt.Sprint("writer", i), telegram(fmt.Sprint(i)))
		w := &writer{s: s, id: p.ID}
		ws.all = append(ws.all, w)
		ws.wg.Go(func() { w.run(ctx) })
	}
	return ws
}

func (ws *writers) acked() []int {
	out := make([]int, len(ws.all))
	for i, w := range ws.all {
		got, _, _ := w.snapshot()
		out[i] = len(got)
	}
	return out
}

// checkWriter counts the writer's acknowledged answers that are not
// stored, and checks that its totals are the points of what is stored.
func checkWriter(t *testing.T, s *Store, w *writer) (lost, acked, failures int) {
	t.Helper()
	got, failures, err := w.snapshot()
	if err != nil {
		t.Fatalf("writer %s: %v", w.id, err)
	}
	stored, err := s.Answers(context.Background(), w.id, "week-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range got {
		if _, ok := stored[q]; !ok {
			lost++
			t.Errorf("%s: acknowledged answer %s lost", w.id, q)
		}
	}
	right := 0
	for _, a := range stored {
		if a.Correct {
			right++
		}
	}
	totals, err := s.Totals(context.Background(), w.id)
	if err != nil || totals.Weekly != right {
		t.Errorf("%s: totals %+v, %v; want weekly %d for the stored answers", w.id, totals, err, right)
	}
	return lost, len(got), failures
}

func TestReplicaAcksOptions(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "redis://"+closedAddr(t), WithReplicaAcks(-1)); err == nil {
		t.Error("negative replica acks accepted")
	}
	cluster := "redis://" + closedAddr(t) + "?addr=" + closedAddr(t)
	if _, err := Open(ctx, cluster, WithReplicaAcks(1)); err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("replica acks on Cluster = %v, want a configuration error", err)
	}
}
