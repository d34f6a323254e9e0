package leader_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/leader"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// These tests run the real store on a throwaway redis-server, whose own
// clock expires the leases; so the leader runs on the real clock too.

// worker counts how many replicas work at once, and how often work began.
type worker struct {
	mu      sync.Mutex
	running map[string]bool
	most    int
	starts  atomic.Int32
	stopped chan string
}

func newWorker() *worker {
	return &worker{running: map[string]bool{}, stopped: make(chan string, 16)}
}

// work is a replica's work: it runs until its context ends.
func (w *worker) work(replica string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		w.mu.Lock()
		w.running[replica] = true
		w.most = max(w.most, len(w.running))
		w.mu.Unlock()
		w.starts.Add(1)
		<-ctx.Done()
		w.mu.Lock()
		delete(w.running, replica)
		w.mu.Unlock()
		w.stopped <- replica
		return nil
	}
}

func (w *worker) leader() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	for r := range w.running {
		return r
	}
	return ""
}

func await(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func newStore(t *testing.T) (*store.Store, *storetest.Server) {
	srv := storetest.Start(t)
	return store.New(srv.Client(), store.WithPrefix(srv.Prefix)), srv
}

var fast = leader.Config{Name: "telegram:1", TTL: 300 * time.Millisecond, Renew: 50 * time.Millisecond}

// Two replicas on one lease: one works, the other stands by; when the
// leader stops, the other takes over. Never do both work at once.
func TestOneLeaderAndTakeover(t *testing.T) {
	s, _ := newStore(t)
	w := newWorker()
	ctxs := map[string]context.CancelFunc{}
	var wg sync.WaitGroup
	for _, r := range []string{"a", "b"} {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[r] = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := leader.Run(ctx, s, fast, w.work(r)); err != nil {
				t.Errorf("replica %s: %v", r, err)
			}
		}()
	}
	defer func() {
		for _, c := range ctxs {
			c()
		}
		wg.Wait()
	}()
	await(t, "a leader", func() bool { return w.leader() != "" })
	first := w.leader()
	ctxs[first]()
	await(t, "the takeover", func() bool { l := w.leader(); return l != "" && l != first })
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.most != 1 {
		t.Errorf("%d replicas worked at once, want 1", w.most)
	}
}

// A leader whose lease is taken from it (it expired while the leader
// was stalled, and another replica took it) stops working at once and
// stands by; it leads again once the lease is free.
func TestLostLeaseStopsTheWorkAndStandsBy(t *testing.T) {
	s, srv := newStore(t)
	w := newWorker()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- leader.Run(ctx, s, fast, w.work("a")) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	await(t, "the first term", func() bool { return w.starts.Load() == 1 })
	bg := context.Background()
	keys, err := srv.Client().Keys(bg, srv.Prefix+":{lease:telegram:1}").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("lease key: %v %v", keys, err)
	}
	if err := srv.Client().Del(bg, keys[0]).Err(); err != nil {
		t.Fatal(err)
	}
	thief, err := s.AcquireLease(bg, "telegram:1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the work went on after its lease was taken")
	}
	if err := s.ReleaseLease(bg, thief); err != nil {
		t.Fatalf("the old leader released the new holder's lease: %v", err)
	}
	await(t, "the second term", func() bool { return w.starts.Load() == 2 })
}

// Work that ends by itself ends Run with its error and frees the lease
// for the others at once.
func TestWorkErrorEndsRunAndFreesTheLease(t *testing.T) {
	s, _ := newStore(t)
	refused := errors.New("token refused")
	cfg := fast
	cfg.TTL = time.Hour
	cfg.Renew = time.Minute
	err := leader.Run(context.Background(), s, cfg, func(context.Context) error { return refused })
	if !errors.Is(err, refused) {
		t.Fatalf("Run returned %v, want the work's error", err)
	}
	if _, err := s.AcquireLease(context.Background(), "telegram:1", time.Minute); err != nil {
		t.Fatalf("the lease was not freed: %v", err)
	}
}

func TestBadConfig(t *testing.T) {
	s, _ := newStore(t)
	work := func(context.Context) error { return nil }
	if err := leader.Run(context.Background(), s, leader.Config{}, work); err == nil {
		t.Error("no name: want an error")
	}
	if err := leader.Run(context.Background(), s, leader.Config{Name: "x", TTL: time.Second, Renew: time.Second}, work); err == nil {
		t.Error("renewal as slow as the lease: want an error")
	}
}
