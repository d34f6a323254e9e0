package store

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"
)

func rate(id ParticipantID, q string, rating int) EvalAnswer {
	return EvalAnswer{Participant: id, Question: q, Rating: rating, At: start, Questions: 3}
}

func mustEval(t *testing.T, s *Store, a EvalAnswer) EvalRecorded {
	t.Helper()
	r, err := s.RecordEvaluation(context.Background(), a)
	if err != nil {
		t.Fatalf("RecordEvaluation(%+v): %v", a, err)
	}
	return r
}

// TestEvaluationCountsEachAnswerOnce: ratings, a typed answer and a skip
// are counted once per participant and question, however often they are
// recorded, and whoever answers every question counts as complete.
func TestEvaluationCountsEachAnswerOnce(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	typed := EvalAnswer{Participant: "p1", Question: "useful", Text: "Los foros semanales", Lang: "es", At: start.Add(time.Minute), Questions: 3}

	if r := mustEval(t, s, rate("p1", "overall", 4)); !r.New || r.Answered != 1 {
		t.Errorf("first rating: %+v", r)
	}
	// The same vote delivered again, then another option: the first stands.
	for _, again := range []int{4, 2} {
		if r := mustEval(t, s, rate("p1", "overall", again)); r.New || r.Prior != 4 || r.Answered != 1 {
			t.Errorf("rating %d again: %+v, want the first (4) to stand", again, r)
		}
	}
	mustEval(t, s, rate("p1", "webinars", 5))
	if r := mustEval(t, s, typed); !r.New || r.Answered != 3 {
		t.Errorf("typed answer: %+v", r)
	}
	if r := mustEval(t, s, typed); r.New || r.Prior != 0 {
		t.Errorf("typed answer again: %+v", r)
	}
	mustEval(t, s, rate("p2", "overall", 4))
	mustEval(t, s, EvalAnswer{Participant: "p2", Question: "useful", At: start, Questions: 3})

	res, err := s.EvaluationResults(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := EvaluationCounts{
		Respondents: 2, Completed: 1,
		Ratings: map[string][RatingScale]int{"overall": {0, 0, 0, 2, 0}, "webinars": {0, 0, 0, 0, 1}},
		Written: map[string]int{"useful": 1}, Skipped: map[string]int{"useful": 1},
	}
	if !reflect.DeepEqual(res.EvaluationCounts, want) {
		t.Errorf("counts\n got %+v\nwant %+v", res.EvaluationCounts, want)
	}
	wantOpen := map[string][]OpenAnswer{"useful": {{Participant: "p1", Lang: "es", Text: "Los foros semanales", At: start.Add(time.Minute)}}}
	if !reflect.DeepEqual(res.Open, wantOpen) {
		t.Errorf("open answers\n got %+v\nwant %+v", res.Open, wantOpen)
	}
	answered, err := s.EvaluationAnswered(ctx, "p2", []string{"overall", "webinars", "useful"})
	if err != nil || !reflect.DeepEqual(answered, map[string]bool{"overall": true, "useful": true}) {
		t.Errorf("p2 answered %v, %v", answered, err)
	}
}

// TestEvaluationConcurrentVotes: the same vote recorded by many callers
// at once (replicas handling a redelivered update) counts once.
func TestEvaluationConcurrentVotes(t *testing.T) {
	s, _ := testStore(t)
	var wg sync.WaitGroup
	news := make(chan bool, 20)
	for range 20 {
		wg.Go(func() {
			r, err := s.RecordEvaluation(context.Background(), rate("p7", "overall", 3))
			if err != nil {
				t.Error(err)
			}
			news <- r.New
		})
	}
	wg.Wait()
	close(news)
	n := 0
	for isNew := range news {
		if isNew {
			n++
		}
	}
	c, err := s.EvaluationCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || c.Ratings["overall"] != [RatingScale]int{0, 0, 1, 0, 0} || c.Respondents != 1 {
		t.Errorf("%d recordings were new; counts %+v", n, c)
	}
}

func TestEvaluationAwait(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if q, err := s.AwaitedEvaluation(ctx, "p1"); q != "" || err != nil {
		t.Fatalf("nothing awaited yet: %q, %v", q, err)
	}
	if err := s.AwaitEvaluation(ctx, "p1", "useful", time.Hour); err != nil {
		t.Fatal(err)
	}
	if q, err := s.AwaitedEvaluation(ctx, "p1"); q != "useful" || err != nil {
		t.Fatalf("awaited %q, %v", q, err)
	}
	if ttl := s.client.TTL(ctx, s.evAwaitKey("p1")).Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("the wait has TTL %v, want at most an hour", ttl)
	}
	// Answering another question leaves the wait; answering it ends it.
	mustEval(t, s, rate("p1", "overall", 5))
	if q, _ := s.AwaitedEvaluation(ctx, "p1"); q != "useful" {
		t.Errorf("a rating ended the wait for the open question: %q", q)
	}
	mustEval(t, s, EvalAnswer{Participant: "p1", Question: "useful", Text: "All of it", Lang: "en", At: start, Questions: 3})
	if q, _ := s.AwaitedEvaluation(ctx, "p1"); q != "" {
		t.Errorf("still awaited after the answer: %q", q)
	}
}

func TestEvaluationRefusesBadAnswers(t *testing.T) {
	s, _ := testStore(t)
	for name, a := range map[string]EvalAnswer{
		"rating 6":        rate("p1", "overall", 6),
		"rating and text": {Participant: "p1", Question: "q", Rating: 2, Text: "x", At: start, Questions: 1},
		"colon in id":     rate("p1", "a:b", 3),
		"bad participant": rate("x1", "overall", 3),
		"no instant":      {Participant: "p1", Question: "q", Rating: 2, Questions: 1},
	} {
		if _, err := s.RecordEvaluation(context.Background(), a); err == nil {
			t.Errorf("%s: recorded", name)
		}
	}
	if c, err := s.EvaluationCounts(context.Background()); err != nil || c.Respondents != 0 || len(c.Ratings) != 0 {
		t.Errorf("refused answers were counted: %+v, %v", c, err)
	}
}
