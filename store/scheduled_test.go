package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
)

func mustSchedule(t *testing.T, s *Store, id string, due time.Time) bool {
	t.Helper()
	listed, err := s.ScheduleBroadcast(context.Background(), id, due, due.Add(time.Hour))
	if err != nil {
		t.Fatalf("ScheduleBroadcast(%s): %v", id, err)
	}
	return listed
}

func scheduledIDs(t *testing.T, s *Store) []string {
	t.Helper()
	list, err := s.ScheduledBroadcasts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sc := range list {
		ids = append(ids, sc.ID)
	}
	return ids
}

// A scheduled announcement's trigger comes due at its instant, once, and
// only then; the list shows what waits, soonest first.
func TestScheduledTriggerComesDueOnceAtItsInstant(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	due := start.Add(2 * time.Hour)
	if !mustSchedule(t, s, "B", due.Add(time.Hour)) || !mustSchedule(t, s, "A", due) || !mustSchedule(t, s, "A", due) {
		t.Fatal("a newly scheduled announcement is not listed")
	}
	if got := scheduledIDs(t, s); !slices.Equal(got, []string{"A", "B"}) {
		t.Fatalf("listed %v, want [A B]", got)
	}
	if got := mustClaim(t, s, due.Add(-time.Millisecond), 10); len(got) != 0 {
		t.Fatalf("claimed %v before the instant", got)
	}
	got := mustClaim(t, s, due, 10)
	if len(got) != 1 || got[0].Item != ScheduledItem+"A" {
		t.Fatalf("claimed %+v at the instant, want A's trigger", got)
	}
	if out, err := s.CancelScheduled(ctx, "A"); err != nil || out != Begun {
		t.Fatalf("cancel while it goes out = %v, %v; want Begun", out, err)
	}
	if err := s.Unlist(ctx, "A"); err != nil {
		t.Fatal(err)
	}
	mustSettle(t, s, got[0], Sent, time.Time{})
	// Confirming again after it went out neither queues nor lists it.
	if mustSchedule(t, s, "A", due) {
		t.Error("an announcement that went out was listed again")
	}
	if got := mustClaim(t, s, due.Add(time.Minute), 10); len(got) != 0 {
		t.Errorf("claimed %+v after it went out", got)
	}
	if got := scheduledIDs(t, s); !slices.Equal(got, []string{"B"}) {
		t.Errorf("listed %v, want [B]", got)
	}
}

// Cancelling takes the trigger out of the queue; once a trigger was
// taken (even if its try failed), cancelling is refused.
func TestCancelScheduled(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	due := start.Add(time.Hour)
	mustSchedule(t, s, "A", due)
	mustSchedule(t, s, "B", due)
	for _, want := range []CancelOutcome{Cancelled, AlreadyCancelled} {
		if out, err := s.CancelScheduled(ctx, "A"); err != nil || out != want {
			t.Fatalf("cancel A = %v, %v; want %v", out, err, want)
		}
	}
	if out, err := s.CancelScheduled(ctx, "NEVER"); err != nil || out != NotScheduled {
		t.Fatalf("cancel of an unknown one = %v, %v", out, err)
	}
	if mustSchedule(t, s, "A", due) {
		t.Error("a cancelled announcement was listed again")
	}
	got := mustClaim(t, s, due, 10)
	if len(got) != 1 || got[0].Item != ScheduledItem+"B" {
		t.Fatalf("claimed %+v, want only B's trigger", got)
	}
	mustSettle(t, s, got[0], Retry, due.Add(time.Minute))
	if out, err := s.CancelScheduled(ctx, "B"); err != nil || out != Begun {
		t.Fatalf("cancel after a failed try = %v, %v; want Begun", out, err)
	}
	if st, err := s.ScheduledState(ctx, "A"); err != nil || st != string(Skipped) {
		t.Errorf("A's trigger state %q, %v", st, err)
	}
}

// An announcement keeps its audience, instant and report note.
func TestBroadcastKeepsAudienceAndInstant(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	in := Broadcast{Text: locales.Text{EN: "Hi", ES: "Hola"}, By: "p1", At: start, Audience: "lang:es tier:none", Due: start.Add(time.Hour), Report: `{"c":"42"}`, Reminder: true}
	id, err := s.SaveBroadcast(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Broadcast(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if out.Audience != in.Audience || !out.Due.Equal(in.Due) || out.Report != in.Report || out.Text != in.Text || !out.Reminder {
		t.Errorf("read back %+v, want %+v", out, in)
	}
}
