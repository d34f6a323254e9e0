package storetest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/store/storetest"
)

func TestKillAndRestartKeepsAOF(t *testing.T) {
	srv := storetest.Start(t, storetest.AOF()...)
	if strings.ContainsAny(srv.Prefix, "{}") || srv.Prefix == "" {
		t.Fatalf("prefix %q", srv.Prefix)
	}
	ctx := context.Background()
	c := srv.Client()
	key := srv.Prefix + ":k"
	if err := c.Set(ctx, key, "kept", 0).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := c.Ping(short).Err(); err == nil {
		t.Fatal("PING answered after SIGKILL")
	}
	srv.Restart()
	got, err := c.Get(ctx, key).Result()
	if err != nil || got != "kept" {
		t.Fatalf("after restart GET = %q, %v; want kept", got, err)
	}
}

func TestScratchServerForgets(t *testing.T) {
	srv := storetest.Start(t)
	if srv.Socket == "" {
		t.Skip("REDIS_URL server: not ours to restart")
	}
	ctx := context.Background()
	c := srv.Client()
	if err := c.Set(ctx, srv.Prefix+":k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	srv.Restart()
	if n, err := c.Exists(ctx, srv.Prefix+":k").Result(); err != nil || n != 0 {
		t.Fatalf("a server without persistence kept its data: %d, %v", n, err)
	}
}
