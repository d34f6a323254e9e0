package store

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/store/storetest"
)

// closedAddr returns an address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOpenUnreachable(t *testing.T) {
	ctx := context.Background()
	began := time.Now()
	_, err := Open(ctx, "redis://"+closedAddr(t)+"/0", WithTimeout(500*time.Millisecond))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Open on a closed port = %v, want ErrUnavailable", err)
	}
	t.Logf("Open failed after %v: %v", time.Since(began), err)
}

func TestOperationsUnreachable(t *testing.T) {
	ctx := context.Background()
	// The client Open would make, without Open's ping.
	client, err := newClient("redis://"+closedAddr(t), DefaultTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	s := New(client)
	calls := map[string]func() error{
		"RecordAnswer": func() error { _, err := s.RecordAnswer(ctx, weekly("p1", 1, "q1", 0, true)); return err },
		"Participant":  func() error { _, err := s.Participant(ctx, "p1"); return err },
		"CreateParticipant": func() error {
			_, err := s.CreateParticipant(ctx, Participant{Created: start}, telegram("1"))
			return err
		},
		"Totals":     func() error { _, err := s.Totals(ctx, "p1"); return err },
		"AllAnswers": func() error { _, err := s.AllAnswers(ctx, "p1"); return err },
		"Enqueue": func() error {
			_, err := s.Enqueue(ctx, "x", []string{"p1"}, start, start.Add(time.Hour), nil)
			return err
		},
		"Claim": func() error { _, err := s.Claim(ctx, start, start.Add(time.Minute), 5); return err },
		"Settle": func() error {
			_, _, err := s.Settle(ctx, Delivery{Item: "x", Recipient: "p1"}, Sent, start)
			return err
		},
		"GradeEssay": func() error {
			_, err := s.GradeEssay(ctx, "p1", Grade{Total: 1, By: "t", At: start})
			return err
		},
		"RedeemRosterCode": func() error { _, err := s.RedeemRosterCode(ctx, "C", telegram("1"), start); return err },
		"ParticipantIDs":   func() error { _, err := s.ParticipantIDs(ctx); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			began := time.Now()
			err := call()
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s = %v, want ErrUnavailable", name, err)
			}
			t.Logf("failed after %v: %v", time.Since(began), err)
		})
	}
}

// A server that dies under the store: the next calls fail as
// unavailable, not as a hang or a panic.
func TestServerKilled(t *testing.T) {
	srv := storetest.Start(t)
	ctx := context.Background()
	s, err := Open(ctx, srv.URL, WithPrefix(srv.Prefix))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	srv.Kill()
	if _, err := s.RecordAnswer(ctx, weekly(ana.ID, 1, "q1", 0, true)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("RecordAnswer on a killed server = %v, want ErrUnavailable", err)
	}
}

// The caller giving up is not Redis being unavailable.
func TestCallerCancels(t *testing.T) {
	s, _ := testStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Participant(ctx, "p1")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("cancelled call = %v, want context.Canceled only", err)
	}
}

func TestOpenForms(t *testing.T) {
	_, srv := testStore(t)
	if srv.Socket == "" {
		t.Skip("needs a throwaway server")
	}
	ctx := context.Background()
	for _, url := range []string{
		srv.URL,
		"redis://" + srv.Addr + "?dial_timeout=1s&db=2",
		"unix://" + srv.Socket + "?db=1",
		"redis://" + srv.Addr + "?cluster=false",
	} {
		s, err := Open(ctx, url, WithPrefix(srv.Prefix))
		if err != nil {
			t.Errorf("Open(%s): %v", url, err)
			continue
		}
		if _, err := s.CreateParticipant(ctx, Participant{Created: start}, telegram(url)); err != nil {
			t.Errorf("%s: %v", url, err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	if _, err := Open(ctx, srv.URL, WithPrefix("bad{prefix}")); err == nil {
		t.Error("a prefix with braces was accepted")
	}
}

func TestParseURL(t *testing.T) {
	cases := []struct {
		url, want string
	}{
		{"redis://localhost:6379/0", "standalone localhost:6379"},
		{"rediss://user:secret@redis.example.org:6380", "standalone redis.example.org:6380"},
		{"unix:///run/redis/redis.sock?db=3", "standalone unix /run/redis/redis.sock"},
		{"redis://n1:7000?addr=n2:7001&addr=n3:7002", "cluster n1:7000,n2:7001,n3:7002"},
		{"redis://config.example.org:6379?cluster=true", "cluster config.example.org:6379"},
		{"redis://s1:26379?master_name=mymaster&addr=s2:26379", "sentinel mymaster@s1:26379,s2:26379"},
	}
	for _, c := range cases {
		got, err := Describe(c.url)
		if err != nil || got != c.want {
			t.Errorf("Describe(%s) = %q, %v; want %q", c.url, got, err, c.want)
		}
	}
	for _, url := range []string{
		"http://localhost:6379",
		"redis://user:hunter2@host:6379?cluster=maybe",
		"redis://user:hunter2@host:6379?no_such_option=1",
		"redis://user:hunter2@host:6379/notadb",
		"redis://user:hunter2@[::1",
	} {
		_, err := Describe(url)
		if err == nil {
			t.Errorf("Describe(%s) accepted", url)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "hunter2") {
			t.Errorf("error for %s leaks the password: %s", url, msg)
		}
	}
	// Timeouts left unset are bounded.
	tgt, err := parseURL("redis://localhost:6379?read_timeout=7s")
	if err != nil {
		t.Fatal(err)
	}
	o := tgt.simple
	bound(time.Second, &o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.DialerRetries)
	if o.DialTimeout != time.Second || o.ReadTimeout != 7*time.Second || o.WriteTimeout != time.Second ||
		o.PoolTimeout <= time.Second || o.DialerRetries != 2 {
		t.Errorf("bounded: dial %v read %v write %v pool %v dial attempts %d",
			o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout, o.DialerRetries)
	}
}
