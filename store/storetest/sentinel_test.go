package storetest_test

import (
	"context"
	"testing"

	"github.com/elmabot/elmabot/store/storetest"
)

// A write through the sentinels' primary reaches the replica. (The
// store's TestAnswersSurviveFailover runs Failover.)
func TestSentinelReplicates(t *testing.T) {
	d := storetest.StartSentinel(t, 3)
	ctx := context.Background()
	c := d.Client()
	key := d.Prefix + ":k"
	if err := c.Set(ctx, key, "kept", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Do(ctx, "WAIT", 1, 5000).Int(); err != nil || n != 1 {
		t.Fatalf("WAIT 1 = %d, %v; want 1", n, err)
	}
	if got := d.PrimaryAddr(); got != d.Primary.Addr {
		t.Fatalf("sentinels name %s, want %s", got, d.Primary.Addr)
	}
	got, err := d.Replica.Client().Get(ctx, key).Result()
	if err != nil || got != "kept" {
		t.Fatalf("GET on the replica = %q, %v; want kept", got, err)
	}
}
