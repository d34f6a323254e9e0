package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// TestSurveyRatingsAppearOnceGiven: the hook for the final
// questionnaire. Figures carrying rating counts (as surveyRatings will
// return them) show in /stats as each question's mean and answers, and
// in the report as a table and a chart drawing those counts.
func TestSurveyRatingsAppearOnceGiven(t *testing.T) {
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ratings := []analytics.Rating{
		{Question: "The course met my expectations", Counts: [5]int{0, 1, 2, 3, 4}},
		{Question: "The webinars were useful", Counts: [5]int{1, 0, 0, 0, 0}},
	}
	f := figures{at: time.Date(2022, 12, 10, 9, 0, 0, 0, time.UTC), participants: 10, tiers: map[quiz.Tier]int{},
		deep: &deepFigures{cohorts: map[string]*cohortResult{"": {participants: 10, tiers: map[quiz.Tier]int{}}}}, survey: ratings}
	v := statsView{pr: cat.Printer(locales.EN), f: &f, loc: c.Location, c: c}

	mustHave(t, v.text(), "Final evaluation, mean rating from 1 (lowest) to 5 (highest):",
		"  The course met my expectations: 4.0 (10 answers)", "  The webinars were useful: 1.0 (1 answer)")
	mustHave(t, v.markdown(), "| The course met my expectations | 0 | 1 | 2 | 3 | 4 | 4.0 |", "![Final evaluation](evaluation.png)")
	for _, render := range []func() ([]File, error){v.statsCharts, v.reportCharts} {
		files, err := render()
		if err != nil {
			t.Fatal(err)
		}
		last := files[len(files)-1]
		drawn, err := analytics.Data(last.Data)
		if err != nil || last.Name != "evaluation.png" || len(drawn) != 1 {
			t.Fatalf("last chart %s: %+v, %v", last.Name, drawn, err)
		}
		for i, r := range ratings {
			for k, s := range drawn[0].Series {
				if s.Values[i] != r.Counts[k] {
					t.Errorf("%q rated %d: drawn %d, want %d", r.Question, k+1, s.Values[i], r.Counts[k])
				}
			}
		}
	}
	f.survey = nil
	mustHave(t, v.markdown(), "The final evaluation questionnaire has no answers yet.")
}

func mustHave(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q; got:\n%s", w, got)
		}
	}
}

// TestMarkdownCellsStayCells: roster values typed by people cannot
// break a report's table or bring markup into it.
func TestMarkdownCellsStayCells(t *testing.T) {
	for in, want := range map[string]string{
		"SAMM | ALAS":           `SAMM \| ALAS`,
		"<img src=x>":           `\<img src=x\>`,
		"two\nlines":            "two lines",
		"**bold** [link](u)":    `\*\*bold\*\* \[link\]\(u\)`,
		"Workers' organization": "Workers' organization",
	} {
		if got := mdCell(in); got != want {
			t.Errorf("mdCell(%q) = %q, want %q", in, got, want)
		}
	}
}
