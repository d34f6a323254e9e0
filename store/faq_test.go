package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestStashedQuestions(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	q := StashedQuestion{Participant: "p1", Lang: "es", Text: "¿Cuándo se entrega el ensayo?"}
	id, err := s.StashQuestion(ctx, q, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len("faq:ask:"+id) > 64 {
		t.Fatalf("button data %q exceeds Telegram's 64 bytes", "faq:ask:"+id)
	}
	got, err := s.StashedQuestion(ctx, id)
	if err != nil || got != q {
		t.Fatalf("StashedQuestion = %+v, %v; want %+v", got, err, q)
	}
	// The stash expires on its own: nobody has to clean up after an
	// answer whose button was never pressed.
	if ttl := srv.Client().TTL(ctx, s.stashKey(id)).Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("stash ttl %v, want (0, 1h]", ttl)
	}
	for range 2 {
		if err := s.DropStashedQuestion(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.StashedQuestion(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after drop: %v, want ErrNotFound", err)
	}
	for _, bad := range []string{"", "x", "{p1}:a:zzzz", "../../etc"} {
		if _, err := s.StashedQuestion(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("StashedQuestion(%q) = %v, want ErrNotFound", bad, err)
		}
	}
	if _, err := s.StashQuestion(ctx, StashedQuestion{Participant: "p1"}, time.Hour); err == nil {
		t.Error("an empty question was stashed")
	}
}
