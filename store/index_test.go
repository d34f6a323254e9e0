package store

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// mixedQuizzes: two quizzes of three questions, one point each.
var mixedQuizzes = []quiz.ID{"week-1", "week-2"}

var mixedQuestions = []string{"a", "b", "c"}

// TestCountsMatchRecount runs a mixed scenario (creates, language
// changes, answers, essays, grades, reachable flips, coordinators) and
// checks every counter against a recount from the participants' records.
func TestCountsMatchRecount(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	accts := map[ParticipantID]Account{}
	for i := range 40 {
		acct := telegram(fmt.Sprint(i))
		p, err := s.CreateParticipant(ctx, Participant{Name: fmt.Sprintf("P%d Núñez", i), Lang: locales.EN,
			Cohort: []string{"", "SAMM", "ALAS"}[i%3], Created: start}, acct)
		if err != nil {
			t.Fatal(err)
		}
		accts[p.ID] = acct
		mixedSteps(t, s, rng, p.ID, acct)
	}
	maps.Copy(accts, rosterPeople(t, s, rng, 12))
	// A second round reaches people in another state.
	for _, id := range slices.Sorted(maps.Keys(accts)) {
		mixedSteps(t, s, rng, id, accts[id])
	}
	got, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := recount(t, s)
	normalize(&got)
	normalize(&want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("counters\n%+v\nrecount\n%+v", got, want)
	}
}

// rosterPeople adds n participants through roster codes whose details
// vary (some left empty), each then changed by mixedSteps.
func rosterPeople(t *testing.T, s *Store, rng *rand.Rand, n int) map[ParticipantID]Account {
	t.Helper()
	ctx := context.Background()
	accts := map[ParticipantID]Account{}
	for i := range n {
		code := fmt.Sprintf("R%03d", i)
		d := Details{OrgType: []string{"", "Government", "Workers' organization"}[i%3], Gender: []string{"F", "M", "", "F"}[i%4], Country: []string{"Peru", "Kenya", ""}[i%3]}
		if err := s.AddRosterCodes(ctx, []RosterEntry{{Code: code, Name: fmt.Sprintf("R%d Ruiz", i), Cohort: "SAMM", Details: d}}); err != nil {
			t.Fatal(err)
		}
		acct := discord("r" + fmt.Sprint(i))
		p, err := s.RedeemRosterCode(ctx, code, acct, start)
		if err != nil {
			t.Fatal(err)
		}
		accts[p.ID] = acct
		mixedSteps(t, s, rng, p.ID, acct)
	}
	return accts
}

// mixedSteps changes one participant at random, through the store's API.
func mixedSteps(t *testing.T, s *Store, rng *rand.Rand, id ParticipantID, acct Account) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rng.IntN(3) == 0 {
		must(s.SetLanguage(ctx, id, []locales.Lang{locales.EN, locales.ES, ""}[rng.IntN(3)]))
	}
	if rng.IntN(4) == 0 {
		must(s.SetReachable(ctx, acct.Platform, acct.UserID, rng.IntN(2) == 0))
	}
	if rng.IntN(8) == 0 {
		must(s.SetCoordinator(ctx, id, rng.IntN(2) == 0))
	}
	if rng.IntN(5) == 0 {
		must(s.LinkAccount(ctx, id, Account{Platform: Discord, UserID: string(id), ChatID: "d", Reachable: rng.IntN(2) == 0}))
	}
	for _, q := range mixedQuizzes {
		for _, qu := range mixedQuestions {
			if rng.IntN(2) == 0 {
				ok := rng.IntN(2) == 0
				_, err := s.RecordAnswer(ctx, Answer{Participant: id, Quiz: q, Question: qu, Option: rng.IntN(4),
					Correct: ok, Points: 1, Kind: quiz.Weekly, At: start, Siblings: mixedQuestions})
				must(err)
			}
		}
	}
	if rng.IntN(3) == 0 {
		must(s.SubmitEssay(ctx, id, start.Add(time.Hour)))
	}
	if rng.IntN(4) == 0 {
		_, err := s.GradeEssay(ctx, id, Grade{Total: rng.IntN(80), By: "staff", At: start})
		must(err)
	}
}

// recount computes the counters from every participant's records, the
// slow way.
func recount(t *testing.T, s *Store) CourseCounts {
	ctx := context.Background()
	c := newCourseCounts()
	cells := map[Standing]int{}
	err := s.EachParticipants(ctx, func(ps []Participant) error {
		for _, p := range ps {
			reachable := slices.ContainsFunc(p.Accounts, func(a Account) bool { return a.Reachable })
			c.Everyone++
			if reachable {
				c.EveryoneReachable++
			}
			if p.Coordinator {
				continue
			}
			recountOne(t, s, &c, cells, p, reachable)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for cell, n := range cells {
		cell.Count = n
		c.Standings = append(c.Standings, cell)
	}
	return c
}

func recountOne(t *testing.T, s *Store, c *CourseCounts, cells map[Standing]int, p Participant, reachable bool) {
	ctx := context.Background()
	c.Participants++
	if reachable {
		c.Reachable++
	}
	c.ByLang[string(p.Lang)]++
	c.ByCohort[p.Cohort]++
	var platforms []string
	for _, a := range p.Accounts {
		if !slices.Contains(platforms, string(a.Platform)) {
			platforms = append(platforms, string(a.Platform))
		}
	}
	slices.Sort(platforms)
	c.ByPlatforms[strings.Join(platforms, "+")]++
	d, err := s.ParticipantDetails(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.ByOrgType[d.OrgType]++
	c.ByGender[d.Gender]++
	c.ByCountry[d.Country]++
	tot, err := s.Totals(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	essay, err := s.Essay(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := s.AllAnswers(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for q, got := range answers {
		answered += len(got)
		if len(got) == len(mixedQuestions) {
			c.Completed[QuizCode(q)]++
		}
	}
	if essay.Submitted {
		c.EssaysSubmitted++
	}
	if essay.Grade != nil {
		c.EssaysGraded++
		c.GradeSum += essay.Grade.Total
	}
	cells[Standing{Total: tot.Total, Submitted: essay.Submitted, Graded: essay.Grade != nil, Answered: answered}]++
}

// normalize sorts the histogram and drops empty entries.
func normalize(c *CourseCounts) {
	slices.SortFunc(c.Standings, func(a, b Standing) int { return cmpStanding(a, b) })
	for _, m := range []map[string]int{c.ByLang, c.ByCohort, c.Completed, c.ByPlatforms, c.ByOrgType, c.ByGender, c.ByCountry} {
		for k, v := range m {
			if v == 0 {
				delete(m, k)
			}
		}
	}
}

func cmpStanding(a, b Standing) int {
	return slices.Compare([]int{a.Total, b2i(a.Submitted), b2i(a.Graded), a.Answered}, []int{b.Total, b2i(b.Submitted), b2i(b.Graded), b.Answered})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestReindexRepairs: with the index lost (a crash between a script and
// its apply, an upgrade), Reindex rebuilds it, and running it again, or
// with the bot's own applies, counts nobody twice.
func TestReindexRepairs(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 10 {
		acct := telegram(fmt.Sprint(i))
		p := mustCreate(t, s, fmt.Sprintf("Ana %d", i), acct)
		mixedSteps(t, s, rng, p.ID, acct)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Client().Del(ctx, s.ixStatesKey(), s.ixCountersKey(), s.ixNamesKey()).Err(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := s.Reindex(ctx); err != nil || n != 10 {
			t.Fatalf("Reindex = %d, %v; want 10", n, err)
		}
	}
	countsAre(t, s, before)
	if found, _ := s.FindByName(ctx, "ana 7", 5); len(found) != 1 {
		t.Errorf("find after reindex: %v", found)
	}
}

// TestFindByName: any word's prefix, in any case, with or without
// accents, every word of the query.
func TestFindByName(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana María Núñez-Lima", telegram("1"))
	luis := mustCreate(t, s, "Luis Nunes", telegram("2"))
	mustCreate(t, s, "Anabel Roy", telegram("3"))
	cases := map[string][]ParticipantID{
		"nunez":       {ana.ID},
		"NÚÑEZ":       {ana.ID},
		"lim":         {ana.ID},
		"maria ana":   {ana.ID},
		"nun":         {ana.ID, luis.ID},
		"ana":         {ana.ID, "p3"},
		"ana roy":     {"p3"},
		"luis lima":   nil,
		"xyz":         nil,
		"  --  ":      nil,
		"mar\u0301ia": {ana.ID},
	}
	for q, want := range cases {
		found, err := s.FindByName(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []ParticipantID
		for _, p := range found {
			got = append(got, p.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("FindByName(%q) = %v, want %v", q, got, want)
		}
	}
	// A new name replaces the old words.
	if err := s.SetName(ctx, luis.ID, "Luis Ortega"); err != nil {
		t.Fatal(err)
	}
	if found, _ := s.FindByName(ctx, "nunes", 10); len(found) != 0 {
		t.Errorf("the old name is still found: %v", found)
	}
	if found, _ := s.FindByName(ctx, "orte", 10); len(found) != 1 || found[0].ID != luis.ID {
		t.Errorf("the new name is not found: %v", found)
	}
}

// TestReindexAddsNewCounters: states applied by a release that did not
// count platforms and roster details (same profile versions, fewer
// tokens) gain those counters from Reindex, with nothing else counted
// twice.
func TestReindexAddsNewCounters(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	rosterPeople(t, s, rng, 6)
	want, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states, err := srv.Client().HGetAll(ctx, s.ixStatesKey()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for id, state := range states {
		var kept []string
		for _, tok := range strings.Split(state, "\n") {
			if !newCounter(tok) {
				kept = append(kept, tok)
			}
		}
		srv.Client().HSet(ctx, s.ixStatesKey(), id, strings.Join(kept, "\n"))
	}
	counters, err := srv.Client().HKeys(ctx, s.ixCountersKey()).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range counters {
		if newCounter(f) {
			srv.Client().HDel(ctx, s.ixCountersKey(), f)
		}
	}
	if old, _ := s.Counts(ctx); len(old.ByGender) != 0 {
		t.Fatalf("the old release's counters have genders: %v", old.ByGender)
	}
	if _, err := s.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	countsAre(t, s, want)
}

// countsAre checks that s's counters, after a reindex, are want.
func countsAre(t *testing.T, s *Store, want CourseCounts) {
	t.Helper()
	got, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	normalize(&got)
	normalize(&want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after reindex\n%+v\nwant\n%+v", got, want)
	}
}

// newCounter: a counter the release before platforms and roster
// details did not have.
func newCounter(f string) bool {
	for _, p := range []string{cPlatforms, cOrgType, cGender, cCountry} {
		if strings.HasPrefix(f, p) {
			return true
		}
	}
	return false
}
