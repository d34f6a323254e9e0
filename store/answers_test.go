package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/quiz"
)

func TestRecordAnswerOnce(t *testing.T) {
	s, _ := testStore(t)
	ana := mustCreate(t, s, "Ana", telegram("1"))

	first := mustRecord(t, s, weekly(ana.ID, 1, "q1", 2, true))
	record, err := s.Participant(context.Background(), ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := AnswerResult{
		New: true, Correct: true, Awarded: 1, Option: 2, Totals: Totals{Weekly: 1, Total: 1},
		Answered: []string{}, Right: []string{}, Participant: record,
	}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("first answer %+v, want %+v", first, want)
	}
	// A re-delivery changes nothing and reports the stored outcome.
	want.New, want.Awarded = false, 0
	if again := mustRecord(t, s, weekly(ana.ID, 1, "q1", 2, true)); !reflect.DeepEqual(again, want) {
		t.Fatalf("re-delivery %+v, want %+v", again, want)
	}
	// Another option for an answered question: still the first answer.
	if other := mustRecord(t, s, weekly(ana.ID, 1, "q1", 0, false)); !reflect.DeepEqual(other, want) {
		t.Fatalf("changed answer %+v, want %+v", other, want)
	}
	// Answers to other quizzes are not listed as answered in this one.
	mustRecord(t, s, weekly(ana.ID, 2, "q2", 1, true))
	third := weekly(ana.ID, 1, "q3", 1, false)
	third.Siblings = []string{"q1", "q2", "q3", "q4", "q5"}
	res := mustRecord(t, s, third)
	if !reflect.DeepEqual(res.Answered, []string{"q1", "q3"}) {
		t.Fatalf("answered in week-1: %v, want [q1 q3] (q2 was answered in week-2)", res.Answered)
	}
	if !reflect.DeepEqual(res.Right, []string{"q1"}) {
		t.Fatalf("answered right in week-1: %v, want [q1]", res.Right)
	}
	if res.Participant.ID != ana.ID || res.Participant.Name != "Ana" {
		t.Fatalf("record returned with the answer: %+v, want Ana's", res.Participant)
	}
	got, err := s.Answers(context.Background(), ana.ID, "week-1")
	if err != nil {
		t.Fatal(err)
	}
	at := start.Add(7 * 24 * time.Hour)
	wantStored := map[string]StoredAnswer{"q1": {Option: 2, Correct: true, At: at}, "q3": {Option: 1, Correct: false, At: at}}
	if !reflect.DeepEqual(got, wantStored) {
		t.Fatalf("stored %+v, want %+v", got, wantStored)
	}
}

func TestOnlyCorrectAnswersEarn(t *testing.T) {
	s, _ := testStore(t)
	ana := mustCreate(t, s, "Ana", telegram("1"))
	wrong := mustRecord(t, s, weekly(ana.ID, 1, "q1", 3, false))
	if !wrong.New || wrong.Correct || wrong.Awarded != 0 || wrong.Totals.Total != 0 {
		t.Fatalf("wrong answer %+v", wrong)
	}
	// Trying again with the right option earns nothing: one answer only.
	retry := mustRecord(t, s, weekly(ana.ID, 1, "q1", 1, true))
	if retry.New || retry.Correct || retry.Option != 3 || retry.Awarded != 0 || retry.Totals.Total != 0 {
		t.Fatalf("corrected answer %+v", retry)
	}
	right := mustRecord(t, s, weekly(ana.ID, 1, "q2", 1, true))
	if right.Awarded != 1 || right.Totals.Weekly != 1 {
		t.Fatalf("right answer %+v", right)
	}
}

func TestTotalsPerSource(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	for q := range 5 {
		mustRecord(t, s, weekly(ana.ID, 1, fmt.Sprintf("q%d", q), 0, q != 4)) // 4 of 5 right
	}
	for q := range 5 {
		mustRecord(t, s, Answer{
			Participant: ana.ID, Quiz: "elective-skills", Question: fmt.Sprintf("q%d", q),
			Option: 1, Correct: q < 3, Points: 3, Kind: quiz.Elective, At: start, // 3 of 5 right
		})
	}
	if err := s.SubmitEssay(ctx, ana.ID, start); err != nil {
		t.Fatal(err)
	}
	graded, err := s.GradeEssay(ctx, ana.ID, Grade{Total: 70, By: "staff", At: start})
	if err != nil {
		t.Fatal(err)
	}
	want := Totals{Weekly: 4, Elective: 9, Essay: 70, Total: 83, EssaySubmitted: true}
	if graded != want {
		t.Fatalf("GradeEssay totals %+v, want %+v", graded, want)
	}
	got, err := s.Totals(ctx, ana.ID)
	if err != nil || got != want {
		t.Fatalf("Totals = %+v, %v; want %+v", got, err, want)
	}
	if _, err := s.Totals(ctx, "p999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Totals(p999) = %v, want ErrNotFound", err)
	}
}

func TestAllAnswers(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	long := quiz.ID("elective-building-social-cohesion-between-migrant-and-host-commu")
	at := time.Date(2022, 11, 3, 10, 4, 5, 678_000_000, time.FixedZone("CET", 3600))
	answers := []Answer{
		weekly(ana.ID, 1, "q1", 0, true),
		weekly(ana.ID, 2, "q1", 1, false),
		weekly(ana.ID, 2, "q:2", 99, true), // separators inside ids are fine
		{Participant: ana.ID, Quiz: long, Question: "q1", Option: 4, Correct: true, Points: 3, Kind: quiz.Elective, At: at},
	}
	for _, a := range answers {
		mustRecord(t, s, a)
	}
	got, err := s.AllAnswers(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[quiz.ID]map[string]StoredAnswer{
		"week-1": {"q1": {Option: 0, Correct: true, At: answers[0].At}},
		"week-2": {"q1": {Option: 1, Correct: false, At: answers[1].At}, "q:2": {Option: 99, Correct: true, At: answers[2].At}},
		long:     {"q1": {Option: 4, Correct: true, At: at.UTC()}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AllAnswers\n got %+v\nwant %+v", got, want)
	}
	none, err := s.Answers(ctx, ana.ID, "week-7")
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("Answers(week-7) = %v, %v; want an empty map", none, err)
	}
	if _, err := s.AllAnswers(ctx, "p999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("AllAnswers(p999) = %v, want ErrNotFound", err)
	}
}

func TestRecordAnswerRejects(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	ok := weekly(ana.ID, 1, "q1", 0, true)
	bad := map[string]func(a *Answer){
		"option 100":   func(a *Answer) { a.Option = 100 },
		"option -1":    func(a *Answer) { a.Option = -1 },
		"empty quiz":   func(a *Answer) { a.Quiz = "" },
		"empty qn":     func(a *Answer) { a.Question = "" },
		"long quiz":    func(a *Answer) { a.Quiz = quiz.ID(fmt.Sprintf("%065d", 0)) },
		"unknown kind": func(a *Answer) { a.Kind = "bonus" },
		"no instant":   func(a *Answer) { a.At = time.Time{} },
		"negative pts": func(a *Answer) { a.Points = -1 },
		"malformed id": func(a *Answer) { a.Participant = "p1}" },
		"unknown id":   func(a *Answer) { a.Participant = "p999" },
		"before 1970":  func(a *Answer) { a.At = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, change := range bad {
		a := ok
		change(&a)
		if _, err := s.RecordAnswer(ctx, a); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := s.RecordAnswer(ctx, Answer{Participant: "p999", Quiz: "w", Question: "q", Kind: quiz.Weekly, At: start}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown participant: %v, want ErrNotFound", err)
	}
	// Nothing was written for the unknown participant.
	if n, _ := srv.Universal().Exists(ctx, s.answersKey("p999"), s.profileKey("p999")).Result(); n != 0 {
		t.Fatalf("answer for an unknown participant left %d keys", n)
	}
}

// The concurrency test: 64 goroutines answer the same question
// of the same participant at once, with different options. Exactly one
// answer is kept, every caller sees it, and its points count once.
func TestConcurrentSameAnswer(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	const goroutines, rounds = 64, 20
	wantWeekly := 0
	for round := range rounds {
		question := fmt.Sprintf("q%d", round)
		results := make([]AnswerResult, goroutines)
		errs := make([]error, goroutines)
		var ready, wg sync.WaitGroup
		gate := make(chan struct{})
		for g := range goroutines {
			ready.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				option := g % 4 // option 0 is the right one
				ready.Done()
				<-gate
				results[g], errs[g] = s.RecordAnswer(ctx, weekly(ana.ID, 1, question, option, option == 0))
			}()
		}
		ready.Wait()
		close(gate)
		wg.Wait()

		fresh := 0
		kept := results[0].Option
		for g, r := range results {
			if errs[g] != nil {
				t.Fatalf("round %d goroutine %d: %v", round, g, errs[g])
			}
			if r.New {
				fresh++
				kept = r.Option
			}
		}
		if fresh != 1 {
			t.Fatalf("round %d: %d answers recorded as new, want 1", round, fresh)
		}
		if kept == 0 {
			wantWeekly++
		}
		for g, r := range results {
			if r.Option != kept || r.Correct != (kept == 0) {
				t.Fatalf("round %d goroutine %d saw %+v, but option %d was kept", round, g, r, kept)
			}
		}
	}
	totals, err := s.Totals(ctx, ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	if totals.Weekly != wantWeekly || totals.Total != wantWeekly {
		t.Fatalf("totals %+v, want weekly %d", totals, wantWeekly)
	}
	all, err := s.Answers(ctx, ana.ID, "week-1")
	if err != nil || len(all) != rounds {
		t.Fatalf("%d answers stored (%v), want %d", len(all), err, rounds)
	}
}

// Different questions at once all count.
func TestConcurrentDifferentAnswers(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := weekly(ana.ID, g%7+1, fmt.Sprintf("q%d", g), 0, true)
			if _, err := s.RecordAnswer(ctx, a); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if totals, err := s.Totals(ctx, ana.ID); err != nil || totals.Weekly != 64 {
		t.Fatalf("totals %+v, %v; want weekly 64", totals, err)
	}
}
