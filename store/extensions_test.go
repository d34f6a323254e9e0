package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestExtensionsForEveryoneAndOne(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	bob := mustCreate(t, s, "Bob", telegram("2"))
	everyone, own := start.Add(50*24*time.Hour), start.Add(60*24*time.Hour)
	if err := s.SetExtension(ctx, "", "week-7", everyone); err != nil {
		t.Fatal(err)
	}
	if err := s.SetExtension(ctx, ana.ID, "essay", own); err != nil {
		t.Fatal(err)
	}
	x, err := s.Extensions(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Everyone["week-7"].Equal(everyone) || !x.Own["essay"].Equal(own) || len(x.Everyone) != 1 || len(x.Own) != 1 {
		t.Errorf("ana's extensions %+v", x)
	}
	x, err = s.Extensions(ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Everyone["week-7"].Equal(everyone) || len(x.Own) != 0 {
		t.Errorf("bob sees %+v; ana's own extension must not reach him", x)
	}
	// A later extension replaces the earlier one.
	if err := s.SetExtension(ctx, "", "week-7", own); err != nil {
		t.Fatal(err)
	}
	if x, _ := s.Extensions(ctx, ""); !x.Everyone["week-7"].Equal(own) || x.Own != nil {
		t.Errorf("after a second extension %+v", x)
	}
	if err := s.SetExtension(ctx, "nobody}", "essay", own); !errors.Is(err, ErrNotFound) {
		t.Errorf("a malformed id gave %v", err)
	}
}
