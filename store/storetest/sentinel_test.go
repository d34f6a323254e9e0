package storetest_test

import (
	"context"
	"testing"

	"github.com/elmabot/elmabot/store/storetest"
)

// A write through the sentinels' primary is on the replica, and after a
// failover the same client finds the new primary and still reads it.
func TestSentinelFailover(t *testing.T) {
	d := storetest.StartSentinel(t, 3)
	ctx := context.Background()
	c := d.Client()
	key := d.Prefix + ":k"
	if err := c.Set(ctx, key, "kept", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "WAIT", 1, 5000).Err(); err != nil {
		t.Fatal(err)
	}
	old := d.Primary.Addr
	d.Failover()
	if got := d.PrimaryAddr(); got == old {
		t.Fatalf("primary still %s after the failover", got)
	}
	got, err := c.Get(ctx, key).Result()
	if err != nil || got != "kept" {
		t.Fatalf("after the failover GET = %q, %v; want kept", got, err)
	}
}
