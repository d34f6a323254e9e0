package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// courseElectives are slugs of the e-LMA 2022 electives, as long as a
// course author would plausibly write them.
var courseElectives = []string{
	"labour-migration-policy", "measuring-labour-migration", "fair-recruitment",
	"bilateral-agreements", "employment-policy", "temporary-migration",
	"gender-dimension", "communicating-migration", "labour-standards",
	"irregular-migration", "access-to-justice", "social-protection",
	"skills-dimension", "mainstreaming-development", "return-reintegration",
	"refugees-labour-market", "climate-mobility", "social-cohesion",
}

// fullCourse makes a participant who did everything: 7 weekly quizzes
// and 18 elective quizzes of 5 questions each (125 answers), a submitted
// essay graded twice, and both apps linked. It returns the participant.
func fullCourse(tb testing.TB, s *Store, n int) Participant {
	tb.Helper()
	ctx := context.Background()
	tg := Account{Platform: Telegram, UserID: fmt.Sprint(5_000_000_000 + n), ChatID: fmt.Sprint(5_000_000_000 + n), Reachable: true}
	dc := Account{Platform: Discord, UserID: fmt.Sprint(1_030_000_000_000_000_000 + n), ChatID: fmt.Sprint(1_040_000_000_000_000_000 + n), Reachable: true}
	p, err := s.CreateParticipant(ctx, Participant{
		Name: "María Fernanda Gómez Castillo", Lang: locales.ES, TimeZone: "America/Argentina/Buenos_Aires",
		Electives: courseElectives[:3], Cohort: "samm", Reminders: true,
		ReminderOffsets: []time.Duration{24 * time.Hour, 15 * time.Minute}, Created: start,
	}, tg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.LinkAccount(ctx, p.ID, dc); err != nil {
		tb.Fatal(err)
	}
	var quizzes []Answer
	for week := 1; week <= 7; week++ {
		quizzes = append(quizzes, Answer{Quiz: quiz.ID(fmt.Sprintf("week-%d", week)), Kind: quiz.Weekly, Points: 1})
	}
	for _, e := range courseElectives {
		quizzes = append(quizzes, Answer{Quiz: quiz.ID("elective-" + e), Kind: quiz.Elective, Points: 3})
	}
	at := start
	for _, a := range quizzes {
		for q := 1; q <= 5; q++ {
			at = at.Add(17*time.Minute + 123*time.Millisecond)
			a.Participant, a.Question, a.Option, a.Correct, a.At = p.ID, fmt.Sprintf("q%d", q), q%4, q%4 != 0, at
			if _, err := s.RecordAnswer(ctx, a); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := s.SubmitEssay(ctx, p.ID, at); err != nil {
		tb.Fatal(err)
	}
	for i, total := range []int{58, 64} {
		g := Grade{
			Parts: map[string]int{"clarity": 8, "alignment": 22, "coherence": total - 38, "gender": 8},
			Total: total, By: "tutor-ana", At: at.Add(time.Duration(i+1) * 24 * time.Hour), Note: "see rubric",
		}
		if _, err := s.GradeEssay(ctx, p.ID, g); err != nil {
			tb.Fatal(err)
		}
	}
	p.Accounts = []Account{dc, tg}
	return p
}

// memoryOf sums MEMORY USAGE over every key that belongs to p: their
// profile (with the totals), answers and grades, and the index of each
// account. The quiz registry is shared by everyone and not counted.
func memoryOf(tb testing.TB, s *Store, p Participant) (total int64, byKey map[string]int64) {
	tb.Helper()
	ctx := context.Background()
	keys := []string{s.profileKey(p.ID), s.answersKey(p.ID), s.essayKey(p.ID)}
	for _, a := range p.Accounts {
		keys = append(keys, s.accountKey(a.Platform, a.UserID))
	}
	byKey = make(map[string]int64)
	for _, k := range keys {
		// SAMPLES 0 measures every element, not an estimate.
		n, err := s.client.MemoryUsage(ctx, k, 0).Result()
		if err != nil {
			tb.Fatalf("MEMORY USAGE %s: %v", k, err)
		}
		byKey[k] = n
		total += n
	}
	return total, byKey
}

// The memory target: a participant holding a complete course of
// answers costs at most 4 KB of Redis memory. The figure is
// deterministic for a given encoding and Redis version.
func TestMemoryPerParticipant(t *testing.T) {
	s, srv := testStore(t)
	if srv.Socket == "" {
		// A shared server (REDIS_URL): keys carry the test's long prefix,
		// which would count against the target.
		t.Skip("memory is measured with the production prefix, on a server of the test's own")
	}
	s = New(s.client) // key names count too: the production prefix
	p := fullCourse(t, s, 1)
	all, err := s.AllAnswers(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, answers := range all {
		count += len(answers)
	}
	if count != 125 {
		t.Fatalf("%d answers stored, want 125", count)
	}
	enc, err := s.client.ObjectEncoding(context.Background(), s.answersKey(p.ID)).Result()
	if err != nil {
		t.Fatal(err)
	}
	total, byKey := memoryOf(t, s, p)
	for k, n := range byKey {
		t.Logf("%6d bytes  %s", n, k)
	}
	t.Logf("%6d bytes in all for 125 answers (answers hash encoded as %s)", total, enc)
	if total > 4096 {
		t.Fatalf("a participant with a complete course uses %d bytes, want at most 4096", total)
	}
}
