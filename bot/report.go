package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
)

// Report is the course's learning analytics as a document, like
// section 6 of the course's activity report: Markdown that shows its
// charts by file name (Charts, to be written beside it).
type Report struct {
	Markdown string
	Charts   []File
}

// BuildReport gathers the learning analytics of course c at now from
// st and writes them in pr's language, times in the course's zone. The
// counters give most figures; one paged pass over the participants
// gives engagement, each cohort's results and who chose which
// elective, which no counter holds.
func BuildReport(ctx context.Context, st AnalyticsStore, c *course.Course, pr *locales.Printer, now time.Time) (Report, error) {
	f, err := tally{st: st, c: c, now: now, lang: pr.Lang}.figures(ctx, true)
	if err != nil {
		return Report{}, err
	}
	v := statsView{pr: pr, f: &f, loc: c.Location, c: c}
	charts, err := v.reportCharts()
	if err != nil {
		return Report{}, err
	}
	return Report{Markdown: v.markdown(), Charts: charts}, nil
}

// reportCharts are the report's figures, one per section.
func (v statsView) reportCharts() ([]File, error) {
	return drawFigures([]figure{
		{"profile.png", v.profileCharts()},
		{"completion.png", []analytics.Chart{v.engagementChart(), v.quizChart()}},
		{"certificates.png", []analytics.Chart{v.tierChart(), v.pointsChart()}},
		{"cohorts.png", []analytics.Chart{v.cohortChart()}},
		{"evaluation.png", v.surveyCharts()},
	})
}

func (v statsView) engagement() []analytics.Count {
	d := v.f.deep
	return []analytics.Count{
		{Label: v.pr.T("chart_engaged_full"), N: d.full},
		{Label: v.pr.T("chart_engaged_partial"), N: d.partial},
		{Label: v.pr.T("chart_engaged_none"), N: d.none},
	}
}

func (v statsView) engagementChart() analytics.Chart {
	return analytics.Bars{Title: v.pr.T("chart_engagement"), Counts: v.engagement()}
}

// cohortChart splits each cohort by certificate, in the order of
// cohortNames.
func (v statsView) cohortChart() analytics.Chart {
	s := analytics.Stacked{Title: v.pr.T("chart_cohort_results")}
	names := v.cohortNames()
	for _, t := range v.tiers(nil) {
		s.Series = append(s.Series, analytics.Series{Name: t.Label})
	}
	for _, name := range names {
		s.Rows = append(s.Rows, v.cohortLabel(name))
		for i, t := range v.tiers(v.f.deep.cohorts[name].tiers) {
			s.Series[i].Values = append(s.Series[i].Values, t.N)
		}
	}
	return s
}

// cohortNames are the cohorts with anyone, largest first, "" (none)
// last.
func (v statsView) cohortNames() []string {
	cs := v.f.deep.cohorts
	var names []string
	for name := range cs {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == "":
			return 1
		case b == "":
			return -1
		case cs[a].participants != cs[b].participants:
			return cs[b].participants - cs[a].participants
		}
		return strings.Compare(a, b)
	})
	return names
}

func (v statsView) cohortLabel(name string) string {
	if name == "" {
		return v.pr.T("stats_no_cohort")
	}
	return name
}

// markdown writes the report's sections.
func (v statsView) markdown() string {
	var b strings.Builder
	at := v.f.at.In(v.loc)
	fmt.Fprintf(&b, "# %s\n\n%s\n", v.pr.T("report_title", "Course", v.c.Title.In(v.pr.Lang)),
		v.pr.T("report_as_of", "Day", v.pr.Date(at), "Year", at.Year(), "Time", v.pr.Clock(at)))
	for _, section := range []func(*strings.Builder){v.profileSection, v.completionSection, v.essaySection, v.certificateSection, v.cohortSection, v.surveySection} {
		b.WriteString("\n")
		section(&b)
	}
	return b.String()
}

func (v statsView) profileSection(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n%s\n", v.pr.T("report_profile"), v.pr.N("report_participants", v.f.participants, "Reachable", v.f.reachable))
	tables := append(v.details(),
		detail{column: "report_language_column", counts: v.languages()},
		detail{column: "report_app_column", counts: v.apps()},
		detail{column: "report_cohort_column", counts: v.cohorts()})
	for _, t := range tables {
		b.WriteString("\n")
		v.countTable(b, v.pr.T(t.column), t.counts)
	}
	fmt.Fprintf(b, "\n![%s](profile.png)\n", v.pr.T("report_profile"))
}

// countTable writes counts with each one's share of the participants.
func (v statsView) countTable(b *strings.Builder, column string, counts []analytics.Count) {
	fmt.Fprintf(b, "| %s | %s | %% |\n|---|---:|---:|\n", mdCell(column), v.pr.T("report_participants_column"))
	for _, c := range counts {
		fmt.Fprintf(b, "| %s | %d | %s |\n", mdCell(c.Label), c.N, v.share(c.N, v.f.participants))
	}
}

// share is n as a whole percentage of of, "-" when of is 0.
func (v statsView) share(n, of int) string {
	if of == 0 {
		return "-"
	}
	return v.pr.T("report_percent", "Value", (200*n+of)/(2*of))
}

func (v statsView) completionSection(b *strings.Builder) {
	d, n := v.f.deep, v.f.participants
	fmt.Fprintf(b, "## %s\n\n%s\n\n", v.pr.T("report_completion"), v.pr.T("report_engagement",
		"Full", d.full, "FullShare", v.share(d.full, n), "Partial", d.partial, "PartialShare", v.share(d.partial, n),
		"None", d.none, "NoneShare", v.share(d.none, n)))
	fmt.Fprintf(b, "| %s | %s | %s | %s | %% |\n|---|---|---:|---:|---:|\n", v.pr.T("report_quiz_column"),
		v.pr.T("report_opens_column"), v.pr.T("report_completed_column"), v.pr.T("report_eligible_column"))
	for _, q := range v.f.quizzes {
		opens := v.pr.Date(q.q.Opens.In(v.loc))
		if !q.opened(v.f.at) {
			fmt.Fprintf(b, "| %s | %s | %s | | |\n", q.q.ID, opens, v.pr.T("report_not_open"))
			continue
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %s |\n", q.q.ID, opens, q.completed, q.eligible, v.share(q.completed, q.eligible))
	}
	fmt.Fprintf(b, "\n![%s](completion.png)\n", v.pr.T("report_completion"))
}

func (v statsView) essaySection(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n", v.pr.T("report_essays"))
	f := v.f
	if f.essaysGraded == 0 {
		fmt.Fprintln(b, v.pr.N("report_essays_ungraded", f.participants, "Submitted", f.essaysSubmitted))
		return
	}
	fmt.Fprintln(b, v.pr.N("report_essays_graded", f.participants, "Submitted", f.essaysSubmitted,
		"Graded", f.essaysGraded, "Average", v.average(), "Max", v.c.Rules.Essay.Max))
}

func (v statsView) certificateSection(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n%s\n\n", v.pr.T("report_certificates"), v.pr.T("report_certificate_rules",
		"Participation", v.c.Rules.Participation, "Achievement", v.c.Rules.Achievement))
	v.countTable(b, v.pr.T("report_certificate_column"), v.tiers(v.f.tiers))
	if v.f.achievementPossible > 0 {
		fmt.Fprintf(b, "\n%s\n", v.pr.N("report_possible", v.f.achievementPossible))
	}
	b.WriteString("\n")
	v.countTable(b, v.pr.T("report_points_column"), v.points())
	fmt.Fprintf(b, "\n![%s](certificates.png)\n", v.pr.T("report_certificates"))
}

func (v statsView) cohortSection(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n| %s | %s |", v.pr.T("report_cohorts"), v.pr.T("report_cohort_column"), v.pr.T("report_participants_column"))
	tiers := v.tiers(nil)
	for _, t := range tiers {
		fmt.Fprintf(b, " %s |", t.Label)
	}
	fmt.Fprintf(b, " %s |\n|---|---:|---:|---:|---:|---:|\n", v.pr.T("report_essays_column"))
	for _, name := range v.cohortNames() {
		cr := v.f.deep.cohorts[name]
		fmt.Fprintf(b, "| %s | %d |", mdCell(v.cohortLabel(name)), cr.participants)
		for _, t := range v.tiers(cr.tiers) {
			fmt.Fprintf(b, " %d (%s) |", t.N, v.share(t.N, cr.participants))
		}
		fmt.Fprintf(b, " %d |\n", cr.essays)
	}
	fmt.Fprintf(b, "\n![%s](cohorts.png)\n", v.pr.T("report_cohorts"))
}

func (v statsView) surveySection(b *strings.Builder) {
	fmt.Fprintf(b, "## %s\n\n", v.pr.T("report_survey"))
	if len(v.f.survey) == 0 {
		fmt.Fprintln(b, v.pr.T("report_survey_none"))
		return
	}
	fmt.Fprintf(b, "| %s | 1 | 2 | 3 | 4 | 5 | %s |\n|---|---:|---:|---:|---:|---:|---:|\n", v.pr.T("report_question_column"), v.pr.T("report_mean_column"))
	for _, q := range v.f.survey {
		fmt.Fprintf(b, "| %s |", mdCell(q.Question))
		for _, c := range q.Counts {
			fmt.Fprintf(b, " %d |", c)
		}
		fmt.Fprintf(b, " %.1f |\n", q.Mean())
	}
	fmt.Fprintf(b, "\n![%s](evaluation.png)\n", v.pr.T("report_survey"))
}

// mdCell keeps a value (a roster's cohort or country, typed by people)
// inside its table cell and out of the Markdown: no row or column
// breaks, no markup or HTML.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\|*_[]()<>#!~`+"`", r) {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
