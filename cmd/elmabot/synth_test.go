package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// synthPerson is one participant of a synthetic course, as planned
// before anything is written: the report's figures are computed from
// these plans in the test, and the bot's from what Redis holds.
type synthPerson struct {
	code, name string
	lang       locales.Lang
	cohort     string
	details    store.Details
	platforms  []store.Platform // one or two accounts
	electives  []string
	joined     time.Time
	// answers by quiz: the options chosen, in question order; a quiz
	// left half way has fewer than its questions.
	answers map[quiz.ID][]int
	at      map[quiz.ID]time.Time
	essay   bool
	grade   map[string]int // by rubric part; nil: not graded
}

var (
	synthOrgTypes  = []string{"Government", "Workers' organization", "Employers' organization", "NGO", "International organization", "Academia"}
	synthCountries = []string{"South Africa", "Zambia", "Malawi", "Lesotho", "Mozambique", "Colombia", "Peru", "Mexico", "Chile", "Ecuador",
		"Philippines", "Nepal", "Kenya", "Ethiopia", "Morocco", "Jordan"}
)

// synthCourse plans n participants of course c as of now, the same
// for the same seed. One in five is in the SAMM cohort (26 of 126, as
// in the course's activity report); each is diligent, casual or absent,
// which sets how many of the quizzes open by now they take.
func synthCourse(c *course.Course, n int, seed uint64, now time.Time) []synthPerson {
	rng := rand.New(rand.NewPCG(seed, 7))
	people := make([]synthPerson, n)
	for i := range people {
		p := &people[i]
		p.code = fmt.Sprintf("SYN%03d", i)
		p.name = fmt.Sprintf("Synth Person %d", i)
		p.lang = []locales.Lang{locales.EN, locales.EN, locales.ES}[rng.IntN(3)]
		if i%5 == 0 {
			p.cohort = "SAMM"
		}
		p.details = store.Details{
			Gender:  []string{"Female", "Male", "Female", "Male", ""}[rng.IntN(5)],
			OrgType: synthOrgTypes[rng.IntN(len(synthOrgTypes))],
			Country: synthCountries[rng.IntN(len(synthCountries))],
		}
		p.platforms = [][]store.Platform{{store.Telegram}, {store.Telegram}, {store.Discord}, {store.Telegram, store.Discord}}[rng.IntN(4)]
		p.joined = c.Start.Add(-time.Duration(1+rng.IntN(10*24)) * time.Hour)
		p.plan(rng, c, now)
	}
	return people
}

// plan chooses p's electives, answers and essay.
func (p *synthPerson) plan(rng *rand.Rand, c *course.Course, now time.Time) {
	all := c.Agenda.Electives
	for _, k := range rng.Perm(len(all))[:rng.IntN(4)] {
		p.electives = append(p.electives, all[k].ID)
	}
	takes := []float64{0.95, 0.5, 0}[rng.IntN(3)]
	p.answers, p.at = map[quiz.ID][]int{}, map[quiz.ID]time.Time{}
	for i := range c.Bank.Quizzes {
		q := &c.Bank.Quizzes[i]
		if now.Before(q.Opens) || (q.Kind == quiz.Elective && !slices.Contains(p.electives, q.Elective)) || rng.Float64() >= takes {
			continue
		}
		stop := len(q.Questions)
		if rng.IntN(8) == 0 {
			stop = 1 + rng.IntN(len(q.Questions)-1)
		}
		for k := range stop {
			option := q.Questions[k].Correct
			if rng.IntN(4) == 0 {
				option = rng.IntN(len(q.Questions[k].Options))
			}
			p.answers[q.ID] = append(p.answers[q.ID], option)
		}
		end := now
		if q.Closes.Before(end) {
			end = q.Closes
		}
		p.at[q.ID] = q.Opens.Add(time.Duration(rng.Int64N(int64(end.Sub(q.Opens)) + 1)))
	}
	if takes > 0 && !now.Before(c.End.Add(-10*24*time.Hour)) && rng.Float64() < takes {
		p.essay = true
		if rng.IntN(3) > 0 {
			p.grade = map[string]int{}
			for _, part := range c.Rules.Essay.Rubric {
				p.grade[part.ID] = part.Max/3 + rng.IntN(part.Max-part.Max/3+1)
			}
		}
	}
}

// writeSynth puts the planned people into st through the store's own
// paths (roster codes, answers, essays), as real use would, a few at a
// time.
func writeSynth(t *testing.T, st *store.Store, c *course.Course, people []synthPerson, now time.Time) {
	t.Helper()
	ctx := context.Background()
	var entries []store.RosterEntry
	for _, p := range people {
		entries = append(entries, store.RosterEntry{Code: p.code, Name: p.name, Cohort: p.cohort, Lang: p.lang, Electives: p.electives, Details: p.details})
	}
	if err := st.AddRosterCodes(ctx, entries); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(people))
	sem := make(chan struct{}, 16)
	for i := range people {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = people[i].write(ctx, st, c, now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (p *synthPerson) write(ctx context.Context, st *store.Store, c *course.Course, now time.Time) error {
	var id store.ParticipantID
	for i, platform := range p.platforms {
		acct := store.Account{Platform: platform, UserID: p.code, ChatID: p.code, Reachable: true}
		if i == 0 {
			sp, err := st.RedeemRosterCode(ctx, p.code, acct, p.joined)
			if err != nil {
				return err
			}
			id = sp.ID
			continue
		}
		if err := st.LinkAccount(ctx, id, acct); err != nil {
			return err
		}
	}
	for qid, options := range p.answers {
		if err := writeAnswers(ctx, st, c, id, qid, options, p.at[qid]); err != nil {
			return err
		}
	}
	return p.writeEssay(ctx, st, c, id, now)
}

func writeAnswers(ctx context.Context, st *store.Store, c *course.Course, id store.ParticipantID, qid quiz.ID, options []int, at time.Time) error {
	q, _ := c.Bank.Quiz(qid)
	siblings := make([]string, len(q.Questions))
	for i := range q.Questions {
		siblings[i] = q.Questions[i].ID
	}
	for k, option := range options {
		qu := &q.Questions[k]
		correct, _ := qu.Grade(option)
		_, err := st.RecordAnswer(ctx, store.Answer{Participant: id, Quiz: qid, Question: qu.ID, Option: option,
			Correct: correct, Points: qu.Points, Kind: q.Kind, At: at, Siblings: siblings})
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *synthPerson) writeEssay(ctx context.Context, st *store.Store, c *course.Course, id store.ParticipantID, now time.Time) error {
	if !p.essay {
		return nil
	}
	at := now
	if due := c.Rules.Essay.Deadline.Add(-time.Hour); due.Before(at) {
		at = due
	}
	if err := st.SubmitEssay(ctx, id, at); err != nil {
		return err
	}
	if p.grade == nil {
		return nil
	}
	g := store.Grade{Parts: p.grade, By: "Synthetic staff", At: now}
	for _, v := range p.grade {
		g.Total += v
	}
	_, err := st.GradeEssay(ctx, id, g)
	return err
}
