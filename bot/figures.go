package bot

import (
	"context"
	"slices"
	"time"

	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// AnalyticsStore is what the learning analytics read: the course's
// counters, the open questions, and (for the report, and for which
// certificates are still possible mid-course) a paged pass over the
// participants.
type AnalyticsStore interface {
	Counts(ctx context.Context) (store.CourseCounts, error)
	OpenQuestions(ctx context.Context) ([]store.SupportQuestion, error)
	EachParticipants(ctx context.Context, fn func([]store.Participant) error) error
	EvaluationCounts(ctx context.Context) (store.EvaluationCounts, error)
}

// figures are the course's learning analytics at one instant: what
// /stats says and draws, and what the report writes.
type figures struct {
	at                      time.Time
	participants, reachable int
	// Participants by language they read ("en", "es"; not chosen yet
	// counts as English, which they receive), apps used ("telegram",
	// "discord+telegram"), cohort, and the roster's organization type,
	// gender and country; "" is none given.
	langs, platforms, cohorts, orgTypes, genders, countries map[string]int
	tiers                                                   map[quiz.Tier]int
	achievementPossible                                     int
	points                                                  []analytics.Cell // participants by total points
	essaysSubmitted, essaysGraded, gradeSum                 int
	quizzes                                                 []quizFigure
	openQuestions                                           int
	// deep is set by a pass over every participant (the report).
	deep *deepFigures
	// evaluation is the final questionnaire's counts (nil when the
	// course has none), and survey its rating results; see
	// surveyRatings.
	evaluation *EvaluationReport
	survey     []analytics.Rating
}

// quizFigure is one quiz's completions. Eligible (report only) is how
// many could take it: everyone for a weekly quiz, those who chose the
// elective for an elective one.
type quizFigure struct {
	q                   *quiz.Quiz
	completed, eligible int
}

// opened: the quiz has opened by the figures' instant. A quiz not yet
// open is shown as such, never as 0 completions.
func (q quizFigure) opened(at time.Time) bool { return !at.Before(q.q.Opens) }

// deepFigures need each participant's record: how engaged they are,
// and each cohort's results.
type deepFigures struct {
	full, partial, none int
	cohorts             map[string]*cohortResult
	chose               map[string]int // participants by elective chosen
}

// cohortResult is one cohort's certificates and essays.
type cohortResult struct {
	participants, essays int
	tiers                map[quiz.Tier]int
}

// tally gathers figures for course c at now.
type tally struct {
	st   AnalyticsStore
	c    *course.Course
	now  time.Time
	lang locales.Lang // of the questions' texts
}

// figures reads the counters (one round trip, whatever the size of the
// course), plus a paged pass when deep or when which certificates are
// still possible depends on who answered what (see countTiers).
func (t tally) figures(ctx context.Context, deep bool) (figures, error) {
	c, err := t.st.Counts(ctx)
	if err != nil {
		return figures{}, err
	}
	f := figures{
		at: t.now, participants: c.Participants, reachable: c.Reachable, langs: map[string]int{},
		platforms: c.ByPlatforms, cohorts: c.ByCohort, orgTypes: c.ByOrgType, genders: c.ByGender, countries: c.ByCountry,
		tiers: map[quiz.Tier]int{}, essaysSubmitted: c.EssaysSubmitted, essaysGraded: c.EssaysGraded, gradeSum: c.GradeSum,
	}
	for lang, k := range c.ByLang {
		f.langs[string(langOf(&store.Participant{Lang: locales.Lang(lang)}))] += k
	}
	for i := range t.c.Bank.Quizzes {
		q := &t.c.Bank.Quizzes[i]
		f.quizzes = append(f.quizzes, quizFigure{q: q, completed: c.Completed[store.QuizCode(q.ID)]})
	}
	for _, s := range c.Standings {
		f.points = append(f.points, analytics.Cell{Value: s.Total, N: s.Count})
	}
	if err := t.countTiers(ctx, &f, c.Standings, deep); err != nil {
		return f, err
	}
	qs, err := t.st.OpenQuestions(ctx)
	f.openQuestions = len(qs)
	if err != nil {
		return f, err
	}
	if f.evaluation, err = t.evaluation(ctx); err != nil {
		return f, err
	}
	f.survey = surveyRatings(f.evaluation, t.lang)
	return f, nil
}

// evaluation reads the final evaluation's counters (one round trip);
// nil when the course has no evaluation.
func (t tally) evaluation(ctx context.Context) (*EvaluationReport, error) {
	if t.c.Evaluation == nil {
		return nil, nil
	}
	counts, err := t.st.EvaluationCounts(ctx)
	if err != nil {
		return nil, err
	}
	rep := NewEvaluationReport(t.c.Evaluation, store.EvaluationResults{EvaluationCounts: counts})
	return &rep, nil
}

// surveyRatings are the evaluation's rating results, one per rating
// question in the course's order, texts in lang; none when there is no
// evaluation or nobody rated.
func surveyRatings(rep *EvaluationReport, lang locales.Lang) []analytics.Rating {
	if rep == nil {
		return nil
	}
	var out []analytics.Rating
	for i := range rep.Questions {
		q := &rep.Questions[i]
		if q.Kind != course.RatingQuestion || q.Votes() == 0 {
			continue
		}
		out = append(out, analytics.Rating{Question: q.Text.In(lang), Counts: q.Ratings})
	}
	return out
}

// countTiers applies the certificate rules to the points histogram.
// Which certificates are still possible depends on the points still
// open: while no quiz has closed (or once all have) they follow from the
// answered points each cell carries. Between the two, which quizzes each
// participant answered matters, and a paged pass finds out; the report
// (deep) makes that pass anyway.
func (t tally) countTiers(ctx context.Context, f *figures, cells []store.Standing, deep bool) error {
	bank := &t.c.Bank
	closed := 0
	for i := range bank.Quizzes {
		if bank.Quizzes[i].ClosedAt(t.now) {
			closed++
		}
	}
	staggered := closed > 0 && closed < len(bank.Quizzes)
	for _, c := range cells {
		prog := t.cellProgress(c, closed == 0)
		f.tiers[prog.Tier] += c.Count
		if !staggered && prog.Tier < quiz.Achievement && prog.AchievementPossible {
			f.achievementPossible += c.Count
		}
	}
	if !staggered && !deep {
		return nil
	}
	return t.pass(ctx, f, staggered, deep)
}

// cellProgress is the progress of everyone in histogram cell c. With
// allOpen, the cell's answered points are no longer obtainable.
func (t tally) cellProgress(c store.Standing, allOpen bool) quiz.Progress {
	rules := t.c.Rules
	prog := rules.Progress(quiz.Standing{Weekly: c.Total, EssaySubmitted: c.Submitted, EssayGraded: c.Graded}, &t.c.Bank, t.now)
	if allOpen {
		prog.Reachable -= c.Answered
	}
	essayPossible := !prog.EssayMissing || rules.EssayAccepted(t.now)
	prog.AchievementPossible = prog.Total+prog.Reachable >= rules.Achievement && essayPossible
	return prog
}

// pass reads every participant a page at a time: who can still reach
// the certificate of achievement (when staggered), and the deep
// figures (when deep).
func (t tally) pass(ctx context.Context, f *figures, staggered, deep bool) error {
	if deep {
		f.deep = &deepFigures{cohorts: map[string]*cohortResult{}, chose: map[string]int{}}
	}
	err := t.st.EachParticipants(ctx, func(ps []store.Participant) error {
		for i := range ps {
			if ps[i].Coordinator {
				continue
			}
			prog := t.markedProgress(&ps[i])
			if staggered && prog.Tier < quiz.Achievement && prog.AchievementPossible {
				f.achievementPossible++
			}
			if deep {
				t.addDeep(f.deep, &ps[i], prog.Tier)
			}
		}
		return nil
	})
	if deep {
		for i := range f.quizzes {
			f.quizzes[i].eligible = f.participants
			if f.quizzes[i].q.Kind == quiz.Elective {
				f.quizzes[i].eligible = f.deep.chose[f.quizzes[i].q.Elective]
			}
		}
	}
	return err
}

// markedProgress is p's progress from its profile alone: totals and
// quiz marks.
func (t tally) markedProgress(p *store.Participant) quiz.Progress {
	rules, bank := t.c.Rules, &t.c.Bank
	prog := rules.Progress(quiz.Standing{Weekly: p.Points.Total, EssaySubmitted: p.Points.EssaySubmitted, EssayGraded: p.EssayGraded}, bank, t.now)
	for i := range bank.Quizzes {
		q := &bank.Quizzes[i]
		if m, ok := p.Marks[store.QuizCode(q.ID)]; ok && !q.ClosedAt(t.now) && len(q.Questions) > 0 {
			prog.Reachable -= min(m.Answered, len(q.Questions)) * q.Points / len(q.Questions)
		}
	}
	essayPossible := !prog.EssayMissing || rules.EssayAccepted(t.now)
	prog.AchievementPossible = prog.Total+prog.Reachable >= rules.Achievement && essayPossible
	return prog
}

// addDeep counts p, whose certificate is tier, in d.
func (t tally) addDeep(d *deepFigures, p *store.Participant, tier quiz.Tier) {
	switch done, due := t.activities(p); {
	case due > 0 && 4*done >= 3*due:
		d.full++
	case len(p.Marks) > 0 || p.Points.EssaySubmitted:
		d.partial++
	default:
		d.none++
	}
	cr := d.cohorts[p.Cohort]
	if cr == nil {
		cr = &cohortResult{tiers: map[quiz.Tier]int{}}
		d.cohorts[p.Cohort] = cr
	}
	cr.participants++
	cr.tiers[tier]++
	if p.Points.EssaySubmitted {
		cr.essays++
	}
	for _, e := range p.Electives {
		d.chose[e]++
	}
}

// activities counts p's activities due by now and those done: the
// weekly quizzes opened, the quizzes of p's electives opened, and the
// final essay once submitted or past its deadline. "Fully engaged" is
// at least three quarters of them done: "all or most", as the course's
// activity report put it.
func (t tally) activities(p *store.Participant) (done, due int) {
	for i := range t.c.Bank.Quizzes {
		q := &t.c.Bank.Quizzes[i]
		if t.now.Before(q.Opens) || (q.Kind == quiz.Elective && !slices.Contains(p.Electives, q.Elective)) {
			continue
		}
		due++
		if p.Marks[store.QuizCode(q.ID)].Complete {
			done++
		}
	}
	if p.Points.EssaySubmitted || !t.c.Rules.EssayAccepted(t.now) {
		due++
		if p.Points.EssaySubmitted {
			done++
		}
	}
	return done, due
}
