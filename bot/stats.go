package bot

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// chartLimit is how many bars a breakdown (countries) shows before the
// rest is summed up as "other".
const chartLimit = 12

// cmdStats shows the course's numbers: who is there, certificates,
// points, essays, quizzes completed, questions waiting; and the same as
// charts. A chart that cannot be drawn leaves the text to go alone.
func (r *request) cmdStats(string) error {
	f, err := tally{st: r.b.cfg.Store, c: r.course(), now: r.now, lang: r.pr.Lang}.figures(r.ctx, false)
	if err != nil {
		return err
	}
	v := statsView{pr: r.pr, f: &f, loc: r.zone(), c: r.course()}
	files, err := v.statsCharts()
	if err != nil {
		r.b.log.Error("drawing the /stats charts", "err", err)
		files = nil
	}
	ev := evaluationStatsLine(r.pr, f.evaluation)
	_, err = r.send(Reply{Text: strings.TrimSpace(v.text() + "\n" + ev), Files: files})
	return err
}

// text renders figures as /stats says them.
func (v statsView) text() string {
	pr, f := v.pr, v.f
	at := f.at.In(v.loc)
	lines := []string{
		pr.T("stats_header", "Day", pr.Date(at), "Time", pr.Clock(at)),
		pr.T("stats_participants", "Count", f.participants, "Reachable", f.reachable,
			"EN", f.langs[string(locales.EN)], "ES", f.langs[string(locales.ES)]),
		pr.T("stats_apps", "List", countList(v.apps())),
		pr.T("stats_cohorts", "List", countList(v.cohorts())),
	}
	for _, d := range v.details() {
		lines = append(lines, pr.T(d.line, "List", countList(d.counts)))
	}
	lines = append(lines,
		pr.T("stats_certificates", "Achievement", f.tiers[quiz.Achievement], "Participation", f.tiers[quiz.Participation],
			"None", f.tiers[quiz.NoCertificate], "Possible", f.achievementPossible),
		pr.T("stats_points", "List", countList(v.points())),
		pr.T("stats_essays", "Submitted", f.essaysSubmitted, "Graded", f.essaysGraded, "Average", v.average(), "Max", v.c.Rules.Essay.Max),
		pr.T("stats_quizzes"))
	for _, q := range f.quizzes {
		lines = append(lines, "  "+string(q.q.ID)+": "+v.quizState(q))
	}
	lines = append(lines, pr.T("stats_questions", "Count", f.openQuestions))
	return strings.Join(append(lines, v.surveyLines()...), "\n")
}

// quizState is a quiz's completions, or when it opens if not yet open.
func (v statsView) quizState(q quizFigure) string {
	switch {
	case !q.opened(v.f.at):
		return v.pr.T("stats_quiz_not_open", "Day", v.pr.Date(q.q.Opens.In(v.loc)))
	case q.q.OpenAt(v.f.at):
		return v.pr.T("stats_quiz_open", "Count", q.completed, "Day", v.pr.Date(q.q.Closes.In(v.loc)))
	}
	return fmt.Sprint(q.completed)
}

// surveyLines are the final evaluation's mean ratings, once it has any.
func (v statsView) surveyLines() []string {
	if len(v.f.survey) == 0 {
		return nil
	}
	lines := []string{v.pr.T("stats_survey")}
	for _, q := range v.f.survey {
		lines = append(lines, "  "+v.pr.N("stats_survey_question", answers(q), "Question", q.Question, "Mean", fmt.Sprintf("%.1f", q.Mean())))
	}
	return lines
}

func answers(q analytics.Rating) int {
	n := 0
	for _, c := range q.Counts {
		n += c
	}
	return n
}

// statsCharts are /stats's pictures: certificates and points,
// completion per quiz opened, the participants' profile, and the final
// evaluation once it has answers.
func (v statsView) statsCharts() ([]File, error) {
	return drawFigures([]figure{
		{"certificates.png", []analytics.Chart{v.tierChart(), v.pointsChart()}},
		{"quizzes.png", []analytics.Chart{v.quizChart()}},
		{"participants.png", v.profileCharts()},
		{"evaluation.png", v.surveyCharts()},
	})
}

// figure is one picture: its file name and its charts, top to bottom.
type figure struct {
	name   string
	charts []analytics.Chart
}

// drawFigures draws each figure that has charts as a PNG picture.
func drawFigures(figs []figure) ([]File, error) {
	var files []File
	for _, fig := range figs {
		if len(fig.charts) == 0 {
			continue
		}
		data, err := analytics.PNG(fig.charts...)
		if err != nil {
			return nil, fmt.Errorf("chart %s: %w", fig.name, err)
		}
		files = append(files, File{Name: fig.name, Type: "image/png", Data: data, Photo: true})
	}
	return files, nil
}

// statsView renders figures for one reader: their language and zone.
type statsView struct {
	pr  *locales.Printer
	f   *figures
	loc *time.Location
	c   *course.Course
}

func (v statsView) tierChart() analytics.Chart {
	return analytics.Bars{Title: v.pr.T("chart_certificates"), Counts: v.tiers(v.f.tiers)}
}

// tiers are certificate counts, best first.
func (v statsView) tiers(m map[quiz.Tier]int) []analytics.Count {
	return []analytics.Count{
		{Label: v.pr.T("chart_tier_achievement"), N: m[quiz.Achievement]},
		{Label: v.pr.T("chart_tier_participation"), N: m[quiz.Participation]},
		{Label: v.pr.T("chart_tier_none"), N: m[quiz.NoCertificate]},
	}
}

func (v statsView) pointsChart() analytics.Chart {
	return analytics.Bars{Title: v.pr.T("chart_points"), Counts: v.points()}
}

// points is the points histogram in bins of a third of the
// participation threshold, so that both thresholds (60 and 120 points
// for e-LMA) fall on the edge of a bin.
func (v statsView) points() []analytics.Count {
	return analytics.Histogram(v.f.points, max(1, v.c.Rules.Participation/3))
}

// quizChart shows the completions of every quiz opened so far; those
// not yet open are left out, not drawn as 0.
func (v statsView) quizChart() analytics.Chart {
	var counts []analytics.Count
	for _, q := range v.f.quizzes {
		if q.opened(v.f.at) {
			counts = append(counts, analytics.Count{Label: string(q.q.ID), N: q.completed})
		}
	}
	return analytics.Bars{Title: v.pr.T("chart_quizzes"), Counts: counts}
}

// profileCharts break participants down by language, app and cohort,
// and by the roster's details when it gave any.
func (v statsView) profileCharts() []analytics.Chart {
	charts := []analytics.Chart{
		analytics.Bars{Title: v.pr.T("chart_languages"), Counts: v.languages()},
		analytics.Bars{Title: v.pr.T("chart_apps"), Counts: v.apps()},
		analytics.Bars{Title: v.pr.T("chart_cohorts"), Counts: v.cohorts()},
	}
	for _, d := range v.details() {
		charts = append(charts, analytics.Bars{Title: v.pr.T(d.chart), Counts: d.counts})
	}
	return charts
}

func (v statsView) surveyCharts() []analytics.Chart {
	if len(v.f.survey) == 0 {
		return nil
	}
	names := [5]string{v.pr.T("chart_rating_lowest"), "2", "3", "4", v.pr.T("chart_rating_highest")}
	return []analytics.Chart{analytics.Ratings(v.pr.T("chart_survey"), names, v.f.survey)}
}

func (v statsView) languages() []analytics.Count {
	return []analytics.Count{
		{Label: v.pr.T("lang_en"), N: v.f.langs[string(locales.EN)]},
		{Label: v.pr.T("lang_es"), N: v.f.langs[string(locales.ES)]},
	}
}

// apps names each group of apps ("discord+telegram": Discord +
// Telegram), largest first.
func (v statsView) apps() []analytics.Count {
	counts := v.labelled(v.f.platforms, "")
	for i := range counts {
		names := strings.Split(counts[i].Label, "+")
		for j, n := range names {
			names[j] = platformName(n)
		}
		counts[i].Label = strings.Join(names, " + ")
	}
	return counts
}

func platformName(p string) string {
	switch Platform(p) {
	case Telegram:
		return "Telegram"
	case Discord:
		return "Discord"
	case Console:
		return "Console"
	}
	return p
}

func (v statsView) cohorts() []analytics.Count {
	return v.labelled(v.f.cohorts, v.pr.T("stats_no_cohort"))
}

// detail is a breakdown: its /stats line, chart title and report
// column (message ids), and its counts.
type detail struct {
	line, chart, column string
	counts              []analytics.Count
}

// details are the roster's breakdowns, those it gave for anyone.
func (v statsView) details() []detail {
	var out []detail
	for _, d := range []struct {
		line, chart, column string
		m                   map[string]int
	}{
		{"stats_genders", "chart_genders", "report_gender_column", v.f.genders},
		{"stats_org_types", "chart_org_types", "report_org_type_column", v.f.orgTypes},
		{"stats_countries", "chart_countries", "report_country_column", v.f.countries},
	} {
		if given(d.m) {
			out = append(out, detail{d.line, d.chart, d.column, v.labelled(d.m, v.pr.T("stats_not_given"))})
		}
	}
	return out
}

// given: some participant has a value other than "" (none given).
func given(m map[string]int) bool {
	for k, n := range m {
		if k != "" && n > 0 {
			return true
		}
	}
	return false
}

// labelled turns counts by value into counts by label, largest first,
// "" named empty, at most chartLimit of them.
func (v statsView) labelled(m map[string]int, empty string) []analytics.Count {
	var counts []analytics.Count
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] > 0 {
			label := k
			if k == "" {
				label = empty
			}
			counts = append(counts, analytics.Count{Label: label, N: m[k]})
		}
	}
	return analytics.Largest(counts, chartLimit, v.pr.T("stats_other"))
}

func (v statsView) average() string {
	if v.f.essaysGraded == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(v.f.gradeSum)/float64(v.f.essaysGraded))
}

// countList renders "SAMM 26 · no cohort 100".
func countList(counts []analytics.Count) string {
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%s %d", c.Label, c.N)
	}
	return strings.Join(parts, " · ")
}
