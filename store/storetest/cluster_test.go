package storetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/elmabot/elmabot/store/storetest"
)

// Keys spread over every node of a started cluster, and each node serves
// its share.
func TestClusterServesEverySlot(t *testing.T) {
	c := storetest.StartCluster(t)
	ctx := context.Background()
	cc := c.Client()
	for i := range 100 {
		key := fmt.Sprintf("%s:k%d", c.Prefix, i)
		if err := cc.Set(ctx, key, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	}
	for _, n := range c.Nodes {
		keys, err := n.Client().DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if keys == 0 {
			t.Errorf("node %s holds none of 100 keys", n.Addr)
		}
	}
}
