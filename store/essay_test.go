package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestEssayGradeAndRegrade(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	mustRecord(t, s, weekly(ana.ID, 1, "q1", 0, true))

	st, err := s.Essay(ctx, ana.ID)
	if err != nil || st.Submitted || st.Grade != nil || st.History != nil {
		t.Fatalf("fresh essay %+v, %v", st, err)
	}
	submitted := start.Add(40 * 24 * time.Hour)
	if err := s.SubmitEssay(ctx, ana.ID, submitted); err != nil {
		t.Fatal(err)
	}
	// A second submission keeps the first instant.
	if err := s.SubmitEssay(ctx, ana.ID, submitted.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	first := Grade{
		Parts: map[string]int{"clarity": 8, "alignment": 20, "coherence": 22, "gender": 5},
		Total: 55, By: "tutor-a", At: submitted.Add(48 * time.Hour), Note: "thin on gender",
	}
	totals, err := s.GradeEssay(ctx, ana.ID, first)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Totals{Weekly: 1, Essay: 55, Total: 56, EssaySubmitted: true}); totals != want {
		t.Fatalf("after grading %+v, want %+v", totals, want)
	}
	second := Grade{
		Parts: map[string]int{"clarity": 10, "alignment": 25, "coherence": 25, "gender": 8},
		Total: 68, By: "coordinator", At: submitted.Add(72 * time.Hour),
	}
	totals, err = s.GradeEssay(ctx, ana.ID, second)
	if err != nil {
		t.Fatal(err)
	}
	// The regrade replaces the points; it does not add to them.
	if want := (Totals{Weekly: 1, Essay: 68, Total: 69, EssaySubmitted: true}); totals != want {
		t.Fatalf("after regrading %+v, want %+v", totals, want)
	}
	st, err = s.Essay(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := EssayState{Submitted: true, SubmittedAt: submitted, Grade: &second, History: []Grade{first}}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("essay\n got %+v (grade %+v)\nwant %+v (grade %+v)", st, st.Grade, want, want.Grade)
	}
}

func TestEssayRejects(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	ok := Grade{Total: 40, By: "tutor", At: start}
	bad := map[string]Grade{
		"above 80":       {Total: 81, By: "tutor", At: start},
		"negative":       {Total: -1, By: "tutor", At: start},
		"parts mismatch": {Parts: map[string]int{"clarity": 10}, Total: 40, By: "tutor", At: start},
		"negative part":  {Parts: map[string]int{"a": -5, "b": 45}, Total: 40, By: "tutor", At: start},
		"no grader":      {Total: 40, At: start},
		"no instant":     {Total: 40, By: "tutor"},
	}
	for name, g := range bad {
		if _, err := s.GradeEssay(ctx, ana.ID, g); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if st, _ := s.Essay(ctx, ana.ID); st.Grade != nil {
		t.Fatalf("a rejected grade was stored: %+v", st.Grade)
	}
	if _, err := s.GradeEssay(ctx, "p999", ok); !errors.Is(err, ErrNotFound) {
		t.Errorf("grading p999 = %v, want ErrNotFound", err)
	}
	if err := s.SubmitEssay(ctx, "p999", start); !errors.Is(err, ErrNotFound) {
		t.Errorf("submitting for p999 = %v, want ErrNotFound", err)
	}
	if _, err := s.Essay(ctx, "p999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("essay of p999 = %v, want ErrNotFound", err)
	}
	// A course with another scale.
	s100 := New(s.client, WithPrefix(s.prefix), WithEssayMax(100))
	if _, err := s100.GradeEssay(ctx, ana.ID, Grade{Total: 95, By: "tutor", At: start}); err != nil {
		t.Errorf("95 of 100: %v", err)
	}
}
