package main

import (
	"bytes"
	"fmt"
	"image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// want is what the report must say, computed here from the plans of a
// synthetic course with rules of its own, not by the bot's code.
type want struct {
	participants                                   int
	langs, apps, cohorts, genders, orgs, countries map[string]int
	tiers                                          map[string]int // by the report's English label
	possible                                       int
	points                                         map[string]int // by bin label
	completed, eligible                            map[quiz.ID]int
	full, partial, none                            int
	submitted, graded, gradeSum                    int
	cohortTiers                                    map[string]map[string]int
	cohortSize, cohortEssays                       map[string]int
}

func expect(c *course.Course, people []synthPerson, now time.Time) want {
	w := want{participants: len(people), langs: map[string]int{}, apps: map[string]int{}, cohorts: map[string]int{}, genders: map[string]int{},
		orgs: map[string]int{}, countries: map[string]int{}, tiers: map[string]int{"Achievement": 0, "Participation": 0, "None yet": 0}, points: map[string]int{}, completed: map[quiz.ID]int{},
		eligible: map[quiz.ID]int{}, cohortTiers: map[string]map[string]int{}, cohortSize: map[string]int{}, cohortEssays: map[string]int{}}
	for i := range people {
		w.add(c, &people[i], now)
	}
	return w
}

func (w *want) add(c *course.Course, p *synthPerson, now time.Time) {
	w.langs[map[string]string{"en": "English", "es": "Spanish"}[string(p.lang)]]++
	var apps []string
	for _, pl := range p.platforms {
		apps = append(apps, strings.ToUpper(string(pl)[:1])+string(pl)[1:])
	}
	slices.Sort(apps)
	w.apps[strings.Join(apps, " + ")]++
	cohort := p.cohort
	if cohort == "" {
		cohort = "no cohort"
	}
	w.cohorts[cohort]++
	w.genders[orNotGiven(p.details.Gender)]++
	w.orgs[orNotGiven(p.details.OrgType)]++
	w.countries[orNotGiven(p.details.Country)]++
	total := w.quizzes(c, p, now)
	grade := 0
	for _, v := range p.grade {
		grade += v
	}
	total += grade
	w.points[fmt.Sprintf("%d–%d", total/20*20, total/20*20+19)]++
	tier := "None yet"
	switch {
	case total >= c.Rules.Achievement && p.essay:
		tier = "Achievement"
	case total >= c.Rules.Participation:
		tier = "Participation"
	}
	w.tiers[tier]++
	if tier != "Achievement" && p.essay && p.grade == nil && total+c.Rules.Essay.Max >= c.Rules.Achievement {
		w.possible++ // at the end of the course, only an ungraded essay can still add points
	}
	if w.cohortTiers[cohort] == nil {
		w.cohortTiers[cohort] = map[string]int{}
	}
	w.cohortTiers[cohort][tier]++
	w.cohortSize[cohort]++
	if p.essay {
		w.submitted++
		w.cohortEssays[cohort]++
	}
	if p.grade != nil {
		w.graded++
		w.gradeSum += grade
	}
}

// quizzes counts p's completions, eligibility and engagement, and
// returns the quiz points p earned.
func (w *want) quizzes(c *course.Course, p *synthPerson, now time.Time) int {
	points, due, done := 0, 0, 0
	for i := range c.Bank.Quizzes {
		q := &c.Bank.Quizzes[i]
		mine := q.Kind == quiz.Weekly || slices.Contains(p.electives, q.Elective)
		if mine {
			w.eligible[q.ID]++
		}
		for k, option := range p.answers[q.ID] {
			if option == q.Questions[k].Correct {
				points += q.Questions[k].Points
			}
		}
		complete := len(p.answers[q.ID]) == len(q.Questions)
		if complete {
			w.completed[q.ID]++
		}
		if mine && !now.Before(q.Opens) {
			due++
			if complete {
				done++
			}
		}
	}
	if p.essay || !now.Before(c.Rules.Essay.Deadline) {
		due++
		if p.essay {
			done++
		}
	}
	switch {
	case due > 0 && done*4 >= due*3:
		w.full++
	case len(p.answers) > 0 || p.essay:
		w.partial++
	default:
		w.none++
	}
	return points
}

func orNotGiven(s string) string {
	if s == "" {
		return "not given"
	}
	return s
}

// pct is n of of as the report rounds it.
func pct(n, of int) string {
	return strconv.Itoa(int(math.Round(100*float64(n)/float64(of)))) + "%"
}

// TestReportOfASyntheticCourse replays a synthetic course of 126
// participants at two instants with --now, runs `elmabot report`, and
// checks every figure of the Markdown and of the charts against counts
// made here from the course's plan.
func TestReportOfASyntheticCourse(t *testing.T) {
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2022-11-10T12:00", "2022-12-20T10:00"} {
		t.Run(at, func(t *testing.T) {
			now, err := time.ParseInLocation("2006-01-02T15:04", at, c.Location)
			if err != nil {
				t.Fatal(err)
			}
			srv := storetest.Start(t)
			st := store.New(srv.Client(), store.WithPrefix(store.DefaultPrefix), store.WithEssayMax(c.Rules.Essay.Max))
			people := synthCourse(c, 126, 2022, now)
			writeSynth(t, st, c, people, now)
			dir := t.TempDir()
			code, out, errOut := run(t, "", map[string]string{"REDIS_URL": srv.URL}, "--now", at, "report", "--out", dir)
			if code != 0 || !strings.Contains(out, "and 4 charts") {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			md, err := os.ReadFile(filepath.Join(dir, reportFile))
			if err != nil {
				t.Fatal(err)
			}
			w := expect(c, people, now)
			r := reportFiles{t: t, md: string(md), dir: dir}
			r.checkProfile(w)
			r.checkCompletion(c, w, now)
			r.checkCertificates(w, now.After(c.QuizCloses) && now.After(c.Rules.Essay.Deadline)) // every deadline passed
			r.checkCohorts(w)
			r.checkEssays(w)
			if now.After(c.End) && (w.tiers["Achievement"] == 0 || w.tiers["Participation"] == 0 || w.possible == 0 || w.graded == 0) {
				t.Fatalf("the synthetic course's end lacks a case the report must show: %+v", w)
			}
			if t.Failed() {
				t.Logf("report:\n%s", md)
			}
		})
	}
}

// reportFiles is a report written to dir, read back.
type reportFiles struct {
	t   *testing.T
	md  string
	dir string
}

// table reads the Markdown table whose first column is headed first:
// its rows by first cell, the other cells in order.
func (r reportFiles) table(first string) map[string][]string {
	r.t.Helper()
	rows := map[string][]string{}
	lines := strings.Split(r.md, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "| "+first+" |") })
	if start < 0 {
		r.t.Fatalf("no table headed %q", first)
	}
	for _, l := range lines[start+2:] {
		if !strings.HasPrefix(l, "|") {
			break
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[cells[0]] = cells[1:]
	}
	return rows
}

// counts checks a table of participants against want: each count and
// its share of everyone, and no other row.
func (r reportFiles) counts(first string, want map[string]int, of int) {
	r.t.Helper()
	got := r.table(first)
	for label, n := range want {
		if row := got[label]; len(row) < 2 || row[0] != strconv.Itoa(n) || row[1] != pct(n, of) {
			r.t.Errorf("table %s, row %s: %v, want %d (%s)", first, label, row, n, pct(n, of))
		}
	}
	if len(got) != len(want) {
		r.t.Errorf("table %s has rows %v, want %v", first, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}

// chart reads a PNG of the report, checks it decodes, and returns its
// charts' data by title.
func (r reportFiles) chart(name string) map[string]analytics.Drawn {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		r.t.Fatalf("%s is not a valid PNG: %v", name, err)
	}
	drawn, err := analytics.Data(data)
	if err != nil {
		r.t.Fatalf("%s: %v", name, err)
	}
	out := map[string]analytics.Drawn{}
	for _, d := range drawn {
		out[d.Title] = d
	}
	return out
}

// drawn checks that a bar chart draws exactly want.
func (r reportFiles) drawn(charts map[string]analytics.Drawn, title string, want map[string]int) {
	r.t.Helper()
	got := map[string]int{}
	for _, c := range charts[title].Counts {
		got[c.Label] = c.N
	}
	if !maps.Equal(got, want) {
		r.t.Errorf("chart %q draws %v, want %v", title, got, want)
	}
}

func (r reportFiles) checkProfile(w want) {
	if !strings.Contains(r.md, fmt.Sprintf("%d participants, ", w.participants)) {
		r.t.Errorf("no participant count %d", w.participants)
	}
	countries := topCountries(w.countries)
	r.counts("Gender", w.genders, w.participants)
	r.counts("Organization type", w.orgs, w.participants)
	r.counts("Country", countries, w.participants)
	r.counts("Language", w.langs, w.participants)
	r.counts("App", w.apps, w.participants)
	r.counts("Cohort", w.cohorts, w.participants)
	if w.cohorts["SAMM"] != 26 {
		r.t.Errorf("the synthetic course has %d SAMM participants, want 26 as in 2022", w.cohorts["SAMM"])
	}
	charts := r.chart("profile.png")
	r.drawn(charts, "Participants by gender", w.genders)
	r.drawn(charts, "Participants by organization type", w.orgs)
	r.drawn(charts, "Participants by country", countries)
	r.drawn(charts, "Participants by language", w.langs)
	r.drawn(charts, "Participants by app", w.apps)
	r.drawn(charts, "Participants by cohort", w.cohorts)
}

// topCountries keeps the 11 largest countries and sums the rest as
// "other", as a chart of at most 12 bars does.
func topCountries(m map[string]int) map[string]int {
	names := slices.Collect(maps.Keys(m))
	slices.SortFunc(names, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	if len(names) <= 12 {
		return m
	}
	out := map[string]int{}
	for i, n := range names {
		if i < 11 {
			out[n] = m[n]
		} else {
			out["other"] += m[n]
		}
	}
	return out
}

func (r reportFiles) checkCompletion(c *course.Course, w want, now time.Time) {
	engaged := map[string]int{"Fully engaged": w.full, "Partially engaged": w.partial, "Not started": w.none}
	sentence := fmt.Sprintf("%d participants (%s) were fully engaged", w.full, pct(w.full, w.participants))
	if !strings.Contains(r.md, sentence) || !strings.Contains(r.md, fmt.Sprintf("%d more (%s) took part", w.partial, pct(w.partial, w.participants))) {
		r.t.Errorf("no engagement figures %q, %d partial", sentence, w.partial)
	}
	rows := r.table("Quiz")
	completed := map[string]int{}
	for i := range c.Bank.Quizzes {
		q := &c.Bank.Quizzes[i]
		row := rows[string(q.ID)]
		if now.Before(q.Opens) {
			if len(row) < 2 || row[1] != "not open yet" {
				r.t.Errorf("quiz %s, not open yet, reads %v", q.ID, row)
			}
			continue
		}
		completed[string(q.ID)] = w.completed[q.ID]
		wantRow := []string{strconv.Itoa(w.completed[q.ID]), strconv.Itoa(w.eligible[q.ID]), pct(w.completed[q.ID], w.eligible[q.ID])}
		if w.eligible[q.ID] == 0 {
			wantRow[2] = "-"
		}
		if len(row) < 4 || !slices.Equal(row[1:4], wantRow) {
			r.t.Errorf("quiz %s: %v, want %v", q.ID, row, wantRow)
		}
	}
	charts := r.chart("completion.png")
	r.drawn(charts, "Engagement", engaged)
	r.drawn(charts, "Participants who completed each quiz", completed)
}

func (r reportFiles) checkCertificates(w want, over bool) {
	r.counts("Certificate", w.tiers, w.participants)
	r.counts("Total points", w.points, w.participants)
	if over && w.possible > 0 && !strings.Contains(r.md, fmt.Sprintf("%d participants can still reach", w.possible)) {
		r.t.Errorf("the course is over: %d can still reach the certificate of achievement (ungraded essays)", w.possible)
	}
	charts := r.chart("certificates.png")
	r.drawn(charts, "Certificates", w.tiers)
	r.drawn(charts, "Participants by total points", w.points)
}

func (r reportFiles) checkCohorts(w want) {
	results := r.resultsTable()
	for cohort, size := range w.cohortSize {
		row := results[cohort]
		want := []string{strconv.Itoa(size)}
		for _, tier := range []string{"Achievement", "Participation", "None yet"} {
			n := w.cohortTiers[cohort][tier]
			want = append(want, fmt.Sprintf("%d (%s)", n, pct(n, size)))
		}
		want = append(want, strconv.Itoa(w.cohortEssays[cohort]))
		if !slices.Equal(row, want) {
			r.t.Errorf("cohort %s: %v, want %v", cohort, row, want)
		}
	}
	stacked := r.chart("cohorts.png")["Certificates by cohort"]
	for i, cohort := range stacked.Rows {
		for _, s := range stacked.Series {
			if s.Values[i] != w.cohortTiers[cohort][s.Name] {
				r.t.Errorf("chart: cohort %s, %s: %d, want %d", cohort, s.Name, s.Values[i], w.cohortTiers[cohort][s.Name])
			}
		}
	}
	if len(stacked.Rows) != len(w.cohortSize) {
		r.t.Errorf("chart rows %v, want the cohorts of %v", stacked.Rows, w.cohortSize)
	}
}

// resultsTable is the table of results by cohort, found by its
// certificate columns.
func (r reportFiles) resultsTable() map[string][]string {
	i := strings.Index(r.md, "## Results by cohort")
	if i < 0 {
		r.t.Fatal("no results by cohort")
	}
	return reportFiles{t: r.t, md: r.md[i:], dir: r.dir}.table("Cohort")
}

func (r reportFiles) checkEssays(w want) {
	var sentence string
	if w.graded == 0 {
		sentence = fmt.Sprintf("%d out of %d participants submitted the final essay; none is graded yet.", w.submitted, w.participants)
	} else {
		sentence = fmt.Sprintf("%d out of %d participants submitted the final essay; %d graded, with an average grade of %.1f out of 80.",
			w.submitted, w.participants, w.graded, float64(w.gradeSum)/float64(w.graded))
	}
	if !strings.Contains(r.md, sentence) {
		r.t.Errorf("no %q", sentence)
	}
}

// TestReportInSpanishAndUsage: the report reads in Spanish, with no
// message left untranslated; a missing --out or an unknown language is
// a usage error, and no REDIS_URL a clear one.
func TestReportInSpanishAndUsage(t *testing.T) {
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	const at = "2022-12-20T10:00"
	now, _ := time.ParseInLocation("2006-01-02T15:04", at, c.Location)
	srv := storetest.Start(t)
	st := store.New(srv.Client(), store.WithPrefix(store.DefaultPrefix), store.WithEssayMax(c.Rules.Essay.Max))
	writeSynth(t, st, c, synthCourse(c, 30, 7, now), now)
	env := map[string]string{"REDIS_URL": srv.URL}
	dir := t.TempDir()
	if code, out, errOut := run(t, "", env, "--now", at, "report", "--out", dir, "--lang", "es"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	md, err := os.ReadFile(filepath.Join(dir, reportFile))
	if err != nil {
		t.Fatal(err)
	}
	r := reportFiles{t: t, md: string(md), dir: dir}
	for _, want := range []string{"## Perfil de las personas participantes", "| Género | Participantes | % |", "## Resultados por grupo", "30 participantes, 30 de ellos localizables"} {
		if !strings.Contains(r.md, want) {
			t.Errorf("no %q", want)
		}
	}
	for _, id := range []string{"report_", "chart_", "stats_"} {
		if strings.Contains(r.md, id) {
			t.Errorf("an untranslated message %s... in:\n%s", id, r.md)
		}
	}
	if _, ok := r.chart("certificates.png")["Certificados"]; !ok {
		t.Error("the charts' titles are not in Spanish")
	}
	for _, args := range [][]string{{"report"}, {"report", "--out", dir, "--lang", "fr"}, {"report", "--out", dir, "extra"}} {
		if code, _, _ := run(t, "", env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := run(t, "", nil, "report", "--out", dir); code != 1 || !strings.Contains(errOut, "REDIS_URL is not set") {
		t.Errorf("without Redis: exit %d, %s", code, errOut)
	}
}
