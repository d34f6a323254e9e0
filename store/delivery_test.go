package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func mustClaim(t *testing.T, s *Store, now time.Time, n int) []Delivery {
	t.Helper()
	got, err := s.Claim(context.Background(), now, now.Add(time.Minute), n)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return got
}

func mustSettle(t *testing.T, s *Store, d Delivery, o Outcome, retryAt time.Time) bool {
	t.Helper()
	ok, _, err := s.Settle(context.Background(), d, o, retryAt)
	if err != nil {
		t.Fatalf("Settle(%s|%s, %s): %v", d.Item, d.Recipient, o, err)
	}
	return ok
}

func recipients(ds []Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Recipient)
	}
	slices.Sort(out)
	return out
}

// A wave queued twice (a restart, a second replica) is queued once per
// recipient, and a recipient who has it is never queued again.
func TestEnqueueOncePerRecipient(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	exp := start.Add(time.Hour)
	added, err := s.Enqueue(ctx, "rem:w1", []string{"p1", "p2", "p3"}, start, exp, nil)
	if err != nil || len(added) != 3 {
		t.Fatalf("first Enqueue = %v, %v", added, err)
	}
	again, err := s.Enqueue(ctx, "rem:w1", []string{"p1", "p2", "p3", "p4"}, start, exp, nil)
	if err != nil || !slices.Equal(again, []string{"p4"}) {
		t.Fatalf("second Enqueue = %v, %v; want only p4", again, err)
	}
	got := mustClaim(t, s, start, 10)
	if want := []string{"p1", "p2", "p3", "p4"}; !slices.Equal(recipients(got), want) {
		t.Fatalf("claimed %v, want %v", recipients(got), want)
	}
	for _, d := range got {
		mustSettle(t, s, d, Sent, time.Time{})
	}
	if added, _ := s.Enqueue(ctx, "rem:w1", []string{"p1"}, start, exp, nil); len(added) != 0 {
		t.Fatal("a recipient who was sent the item was queued again")
	}
	c, err := s.WaveCounts(ctx, "rem:w1")
	if err != nil || c.Sent != 4 || c.Due != 0 || !c.Done() || !c.Expires.Equal(exp) {
		t.Fatalf("counts %+v, %v", c, err)
	}
}

// A delivery taken but never settled (the taker was killed) is due again
// when its lease ends, and only then.
func TestLeaseRunsOutAfterACrash(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, "bc:1", []string{"p1"}, start, start.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	first := mustClaim(t, s, start, 5)
	if len(first) != 1 {
		t.Fatalf("claimed %d", len(first))
	}
	if again := mustClaim(t, s, start.Add(59*time.Second), 5); len(again) != 0 {
		t.Fatal("a leased delivery was taken again before its lease ended")
	}
	if at, ok, err := s.NextDue(ctx); err != nil || !ok || !at.Equal(start.Add(time.Minute)) {
		t.Fatalf("NextDue = %v, %v, %v; want the lease end", at, ok, err)
	}
	second := mustClaim(t, s, start.Add(time.Minute), 5)
	if len(second) != 1 {
		t.Fatal("the delivery of a dead taker never came back")
	}
	// The dead taker's late retry must not move the new holder's lease;
	// both reporting it sent counts it once.
	if mustSettle(t, s, first[0], Retry, start.Add(time.Hour)) {
		t.Fatal("a stale lease rescheduled the delivery")
	}
	if !mustSettle(t, s, second[0], Sent, time.Time{}) || mustSettle(t, s, first[0], Sent, time.Time{}) {
		t.Fatal("sent was not counted exactly once")
	}
	if c, _ := s.WaveCounts(ctx, "bc:1"); c.Sent != 1 || c.Due != 0 {
		t.Fatalf("counts %+v", c)
	}
}

// A retry comes back at its instant with its attempt counted; each final
// outcome is counted apart.
func TestRetryAndOutcomes(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, "bc:2", []string{"p1", "p2", "p3", "p4"}, start, start.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	ds := mustClaim(t, s, start, 10)
	byR := map[string]Delivery{}
	for _, d := range ds {
		byR[d.Recipient] = d
	}
	mustSettle(t, s, byR["p1"], Sent, time.Time{})
	mustSettle(t, s, byR["p2"], Unreachable, time.Time{})
	mustSettle(t, s, byR["p3"], Skipped, time.Time{})
	if !mustSettle(t, s, byR["p4"], Retry, start.Add(10*time.Second)) {
		t.Fatal("retry not applied")
	}
	if got := mustClaim(t, s, start.Add(9*time.Second), 10); len(got) != 0 {
		t.Fatal("a retry came back early")
	}
	got := mustClaim(t, s, start.Add(10*time.Second), 10)
	if len(got) != 1 || got[0].Recipient != "p4" || got[0].Attempts != 1 {
		t.Fatalf("retry claimed as %+v", got)
	}
	applied, left, err := s.Settle(ctx, got[0], Failed, time.Time{})
	if err != nil || !applied || left != 0 {
		t.Fatalf("last settle = %v, %d left, %v; want applied, 0 left", applied, left, err)
	}
	c, _ := s.WaveCounts(ctx, "bc:2")
	if c != (WaveCounts{Sent: 1, Unreachable: 1, Skipped: 1, Failed: 1, Expires: start.Add(time.Hour)}) {
		t.Fatalf("counts %+v", c)
	}
	if st, _ := s.DeliveryState(ctx, "bc:2", "p2"); st != string(Unreachable) {
		t.Fatalf("state of p2 %q", st)
	}
}

// A wait (the recipient's quiet hours) brings the delivery back at its
// instant without counting a try, and a stale taker cannot make it wait.
func TestWaitCountsNoTry(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, "digest:20221024", []string{"p1"}, start, start.Add(24*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	d := mustClaim(t, s, start, 10)[0]
	if !mustSettle(t, s, d, Wait, start.Add(8*time.Hour)) {
		t.Fatal("wait not applied")
	}
	if mustSettle(t, s, d, Wait, start.Add(time.Hour)) {
		t.Fatal("a taker that no longer holds the lease moved the delivery")
	}
	if got := mustClaim(t, s, start.Add(8*time.Hour-time.Second), 10); len(got) != 0 {
		t.Fatal("a waiting delivery came back early")
	}
	got := mustClaim(t, s, start.Add(8*time.Hour), 10)
	if len(got) != 1 || got[0].Attempts != 0 {
		t.Fatalf("after the wait claimed as %+v; want once, no try counted", got)
	}
	if c, _ := s.WaveCounts(ctx, "digest:20221024"); c.Due != 1 {
		t.Fatalf("a waiting delivery is still due: counts %+v", c)
	}
}

// A held delivery carries its payload; a second EnqueueHeld for the same
// recipient (a redelivered update) gets nothing to send.
func TestEnqueueHeld(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	d, ok, err := s.EnqueueHeld(ctx, "qq:week-1:q2", "p1", "quiz", start, start.Add(time.Minute), start.Add(time.Hour), []byte(`{"x":1}`))
	if err != nil || !ok || string(d.Payload) != `{"x":1}` {
		t.Fatalf("EnqueueHeld = %+v, %v, %v", d, ok, err)
	}
	if _, again, _ := s.EnqueueHeld(ctx, "qq:week-1:q2", "p1", "quiz", start, start.Add(time.Minute), start.Add(time.Hour), nil); again {
		t.Fatal("the same delivery was held twice")
	}
	if item, err := s.Tagged(ctx, "quiz", "p1"); err != nil || item != "qq:week-1:q2" {
		t.Fatalf("Tagged = %q, %v", item, err)
	}
	if _, err := s.Tagged(ctx, "quiz", "p2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Tagged for nobody = %v, want ErrNotFound", err)
	}
	if got := mustClaim(t, s, start, 5); len(got) != 0 {
		t.Fatal("a held delivery was claimable during its lease")
	}
	// The holder died: the payload comes back with the delivery.
	got := mustClaim(t, s, start.Add(time.Minute), 5)
	if len(got) != 1 || string(got[0].Payload) != `{"x":1}` {
		t.Fatalf("after the lease: %+v", got)
	}
	mustSettle(t, s, got[0], Sent, time.Time{})
	if n, _ := s.client.HLen(ctx, s.dlvPayloadKey()).Result(); n != 0 {
		t.Fatalf("%d payloads left after the delivery ended", n)
	}
}

// Many takers at once: every delivery goes to exactly one of them.
func TestClaimOneTakerEach(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	var rs []string
	for i := range 300 {
		rs = append(rs, "p"+string(rune('0'+i%10))+string(rune('0'+i/10%10))+string(rune('0'+i/100)))
	}
	if _, err := s.Enqueue(ctx, "bc:3", rs, start, start.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				got, err := s.Claim(ctx, start, start.Add(time.Minute), 7)
				if err != nil || len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					seen[d.Recipient]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 300 {
		t.Fatalf("%d recipients taken, want 300", len(seen))
	}
	for r, n := range seen {
		if n != 1 {
			t.Fatalf("%s taken %d times", r, n)
		}
	}
}

func TestEnqueueRefusesBadItems(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	for _, item := range []string{"", "a|b"} {
		if _, err := s.Enqueue(ctx, item, []string{"p1"}, start, start.Add(time.Hour), nil); err == nil {
			t.Errorf("item %q accepted", item)
		}
	}
	if _, err := s.Enqueue(ctx, "x", []string{"p1"}, start, start, nil); err == nil {
		t.Error("an item expiring when due accepted")
	}
	if _, _, err := s.Settle(ctx, Delivery{Item: "x", Recipient: "p1"}, "z", start); err == nil {
		t.Error("unknown outcome accepted")
	}
}

func TestHandledUpdates(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if done, err := s.Handled(ctx, "tg:7"); err != nil || done {
		t.Fatalf("fresh update handled = %v, %v", done, err)
	}
	if err := s.MarkHandled(ctx, "tg:7", time.Hour); err != nil {
		t.Fatal(err)
	}
	if done, _ := s.Handled(ctx, "tg:7"); !done {
		t.Fatal("marked update not reported handled")
	}
	if err := s.MarkHandled(ctx, "tg:8", 0); err == nil {
		t.Fatal("a marker without expiry accepted")
	}
}
