package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
)

func TestSupportQuestions(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if open, err := s.OpenQuestions(ctx); err != nil || len(open) != 0 {
		t.Fatalf("no questions yet: %v, %v", open, err)
	}
	later, err := s.SaveQuestion(ctx, "p2", "es", "¿Dónde está la grabación?", start.Add(time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := s.SaveQuestion(ctx, "p1", "en", "Can I submit the essay late?", start, "")
	if err != nil {
		t.Fatal(err)
	}
	if later == earlier {
		t.Fatalf("two questions share id %s", later)
	}
	open, err := s.OpenQuestions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []SupportQuestion{
		{ID: earlier, Participant: "p1", Lang: "en", Text: "Can I submit the essay late?", At: start},
		{ID: later, Participant: "p2", Lang: "es", Text: "¿Dónde está la grabación?", At: start.Add(time.Hour)},
	}
	if !reflect.DeepEqual(open, want) {
		t.Fatalf("open questions\n got %+v\nwant %+v", open, want)
	}
	if err := s.CloseQuestion(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	if err := s.CloseQuestion(ctx, earlier); err != nil {
		t.Fatalf("closing twice: %v", err)
	}
	if open, _ := s.OpenQuestions(ctx); !reflect.DeepEqual(open, want[1:]) {
		t.Fatalf("after closing: %+v", open)
	}
	if err := s.CloseQuestion(ctx, "s999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("closing an unknown question = %v, want ErrNotFound", err)
	}
	if _, err := s.SaveQuestion(ctx, "p1", "en", "", start, ""); err == nil {
		t.Fatal("empty question accepted")
	}
}

func TestPolls(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ref := PollRef{Participant: "p1", Quiz: "week-2", Question: "q3"}
	if err := s.SavePoll(ctx, "5400123", ref, time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.Poll(ctx, "5400123")
	if err != nil || got != ref {
		t.Fatalf("Poll = %+v, %v; want %+v", got, err, ref)
	}
	if _, err := s.Poll(ctx, "unknown"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown poll = %v, want ErrNotFound", err)
	}
}

func TestBroadcastDrafts(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	b := Broadcast{Text: locales.Text{EN: "Webinar moved to 16:00", ES: "El webinario pasa a las 16:00"}, By: "p1", At: start}
	id, err := s.SaveBroadcast(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Broadcast(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b.ID = id
	if got != b {
		t.Errorf("read back %+v, want %+v", got, b)
	}
	if _, err := s.Broadcast(ctx, "NOSUCH"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown draft: %v, want ErrNotFound", err)
	}
	if _, err := s.SaveBroadcast(ctx, Broadcast{}); err == nil {
		t.Error("an empty broadcast was saved")
	}
}

// The same update delivered again after a crash stores its question once.
func TestSaveQuestionOncePerUpdate(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	first, err := s.SaveQuestion(ctx, "p1", "en", "Where is the recording?", start, "tg:41")
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.SaveQuestion(ctx, "p1", "en", "Where is the recording?", start.Add(time.Second), "tg:41")
	if err != nil || again != first {
		t.Fatalf("redelivered update stored %q (%v), want the first question %q", again, err, first)
	}
	other, _ := s.SaveQuestion(ctx, "p1", "en", "Where is the recording?", start.Add(time.Second), "tg:42")
	if other == first {
		t.Fatal("a new update did not store a new question")
	}
	open, err := s.OpenQuestions(ctx)
	if err != nil || len(open) != 2 {
		t.Fatalf("%d open questions (%v), want 2", len(open), err)
	}
}
