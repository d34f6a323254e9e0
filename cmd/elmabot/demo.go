package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// runDemo fills REDIS_URL with synthetic participants through the
// store's own write paths, so that every counter, index and mark is
// what real use would leave.
func runDemo(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	n := fs.Int("participants", 1000, "how many participants to add")
	workers := fs.Int("workers", 64, "participants written at once; their answers share pipelines")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same course")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	url, c, clock, err := g.liveCourse()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url, store.WithEssayMax(c.Rules.Essay.Max), store.WithTimeout(30*time.Second))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := fillDemo(ctx, st, c, clock.Now(), demoPlan{N: *n, Workers: *workers, Seed: *seed}); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "added %d participants in %s\n", *n, time.Since(start).Round(time.Millisecond))
	return nil
}

// demoPlan is how many participants to add, how, and from which seed.
type demoPlan struct {
	N, Workers int
	Seed       uint64
}

// fillDemo adds p.N participants as of now, p.Workers at a time.
func fillDemo(ctx context.Context, st *store.Store, c *course.Course, now time.Time, p demoPlan) error {
	base := time.Now().UnixNano() // account ids of separate runs never collide
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, max(1, p.Workers))
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(p.N) && errs[w] == nil && ctx.Err() == nil; i = next.Add(1) - 1 {
				rng := rand.New(rand.NewPCG(p.Seed, uint64(i)))
				d := demoPerson{st: st, c: c, now: now, rng: rng, key: strconv.FormatInt(base, 36) + "-" + strconv.FormatInt(i, 10)}
				errs[w] = d.add(ctx)
			}
		}()
	}
	wg.Wait()
	return errors.Join(append(errs, ctx.Err())...)
}

var (
	demoFirst   = []string{"Ana", "María", "José", "Luis", "Amina", "Chen", "Fatima", "Kwame", "Olga", "Raúl", "Sofía", "Thanh", "Ngozi", "Ibrahim", "Elena", "Jorge", "Aïcha", "Priya", "Tomás", "Zeynep"}
	demoLast    = []string{"Lima", "Núñez", "García", "Okafor", "Nguyen", "Haddad", "Mensah", "Petrova", "Rodríguez", "Ibáñez", "Diallo", "Kumar", "Silva", "Yılmaz", "Moreau", "Abebe", "Castro", "Tanaka", "Müller", "Osei"}
	demoCohorts = []string{"", "", "SAMM", "ALAS", "ECOWAS", "ASEAN", "IGAD"}
)

// demoPerson is one synthetic participant being written.
type demoPerson struct {
	st  *store.Store
	c   *course.Course
	now time.Time
	rng *rand.Rand
	key string // unique per participant and run, for account ids
	id  store.ParticipantID
}

func (d *demoPerson) chance(p float64) bool { return d.rng.Float64() < p }

func (d *demoPerson) add(ctx context.Context) error {
	if err := d.create(ctx); err != nil {
		return err
	}
	electives, err := d.electives(ctx)
	if err != nil {
		return err
	}
	for i := range d.c.Bank.Quizzes {
		if err := d.answer(ctx, &d.c.Bank.Quizzes[i], electives); err != nil {
			return err
		}
	}
	return d.essay(ctx)
}

// create registers them with an app or two; some blocked the bot.
func (d *demoPerson) create(ctx context.Context) error {
	name := demoFirst[d.rng.IntN(len(demoFirst))] + " " + demoLast[d.rng.IntN(len(demoLast))]
	lang := locales.EN
	if d.chance(0.4) {
		lang = locales.ES
	}
	joined := d.c.Start.Add(-time.Duration(d.rng.IntN(14*24)) * time.Hour)
	if joined.After(d.now) {
		joined = d.now
	}
	first := store.Account{Platform: store.Telegram, UserID: "demo-" + d.key, ChatID: "demo-" + d.key, Reachable: true}
	if d.chance(0.25) {
		first.Platform = store.Discord
	}
	p, err := d.st.CreateParticipant(ctx, store.Participant{Name: name, Lang: lang, Cohort: demoCohorts[d.rng.IntN(len(demoCohorts))],
		Reminders: d.chance(0.9), Created: joined}, first)
	if err != nil {
		return err
	}
	d.id = p.ID
	if d.chance(0.1) {
		second := store.Account{Platform: store.Discord, UserID: "demo2-" + d.key, ChatID: "demo2-" + d.key, Reachable: true}
		if err := d.st.LinkAccount(ctx, d.id, second); err != nil {
			return err
		}
	}
	if d.chance(0.05) {
		return d.st.SetReachable(ctx, first.Platform, first.UserID, false)
	}
	return nil
}

// electives: most choose one to three, some none yet.
func (d *demoPerson) electives(ctx context.Context) (map[string]bool, error) {
	all := d.c.Agenda.Electives
	chosen := map[string]bool{}
	if d.chance(0.15) {
		return chosen, nil
	}
	var ids []string
	for range 1 + d.rng.IntN(3) {
		e := all[d.rng.IntN(len(all))].ID
		if !chosen[e] {
			chosen[e] = true
			ids = append(ids, e)
		}
	}
	return chosen, d.st.SetElectives(ctx, d.id, ids)
}

// answer takes q, if it is open by now and theirs, as people do: most
// finish it, some stop half way, three answers in four are right.
func (d *demoPerson) answer(ctx context.Context, q *quiz.Quiz, electives map[string]bool) error {
	if d.now.Before(q.Opens) || (q.Kind == quiz.Elective && !electives[q.Elective]) || d.chance(0.2) {
		return nil
	}
	stop := len(q.Questions)
	if d.chance(0.1) {
		stop = d.rng.IntN(len(q.Questions))
	}
	end := d.now
	if q.Closes.Before(end) {
		end = q.Closes
	}
	window := end.Sub(q.Opens)
	at := q.Opens.Add(time.Duration(d.rng.Int64N(int64(window) + 1)))
	ids := make([]string, len(q.Questions))
	for i := range q.Questions {
		ids[i] = q.Questions[i].ID
	}
	for i := range stop {
		qu := &q.Questions[i]
		option := qu.Correct
		if d.chance(0.25) {
			option = d.rng.IntN(len(qu.Options))
		}
		correct, _ := qu.Grade(option)
		_, err := d.st.RecordAnswer(ctx, store.Answer{Participant: d.id, Quiz: q.ID, Question: qu.ID, Option: option,
			Correct: correct, Points: qu.Points, Kind: q.Kind, At: at, Siblings: ids})
		if err != nil {
			return err
		}
	}
	return nil
}

// essay: in the course's last fortnight, some hand in the essay and
// the staff grade some of those.
func (d *demoPerson) essay(ctx context.Context) error {
	if d.now.Before(d.c.End.Add(-14*24*time.Hour)) || !d.chance(0.4) {
		return nil
	}
	if err := d.st.SubmitEssay(ctx, d.id, d.now); err != nil {
		return err
	}
	if !d.chance(0.5) {
		return nil
	}
	g := store.Grade{Parts: map[string]int{}, By: "Demo staff", At: d.now}
	for _, part := range d.c.Rules.Essay.Rubric {
		n := part.Max/2 + d.rng.IntN(part.Max/2+1)
		g.Parts[part.ID] = n
		g.Total += n
	}
	_, err := d.st.GradeEssay(ctx, d.id, g)
	return err
}

// runReindex re-applies every participant to the course's counters and
// name index: the repair after a crash between a change and its index
// update, or after upgrading data written before the index existed.
func runReindex(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	url := g.env.Getenv("REDIS_URL")
	if url == "" {
		return errors.New("REDIS_URL is not set (e.g. redis://localhost:6379/0)")
	}
	st, err := store.Open(ctx, url, store.WithTimeout(30*time.Second))
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Reindex(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stdout, "reindexed %d participants\n", n)
	return nil
}
