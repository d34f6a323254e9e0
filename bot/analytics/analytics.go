// Package analytics draws the course's learning analytics as PNG
// figures. It takes plain numbers (labels and counts, already
// translated) and knows nothing of Redis, chat platforms or the bot:
// the bot gathers the numbers, this package turns them into pictures.
//
// A figure is one or more charts stacked one under another. Each PNG
// also carries the numbers it draws, as JSON in an iTXt chunk (keyword
// DataKeyword), so that what a figure shows can be checked against the
// text sent with it; Data reads them back.
package analytics

// Count is one bar of a chart: a label and how many.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Bars is a bar chart with one horizontal bar per count, first count
// on top: horizontal bars leave room for long labels (quiz ids,
// organization types).
type Bars struct {
	Title  string  `json:"title"`
	Counts []Count `json:"counts"`
}

// Series is one segment of every row of a stacked chart, e.g. the
// participants with a certificate of achievement in each cohort, or the
// answers rating a question 4.
type Series struct {
	Name   string `json:"name"`
	Values []int  `json:"values"` // one per row
}

// Stacked is a chart of horizontal bars, one per row, each split into
// the series' segments, first row on top, with a legend of the series.
type Stacked struct {
	Title  string   `json:"title"`
	Rows   []string `json:"rows"`
	Series []Series `json:"series"`
}

// Chart is one panel of a figure: Bars or Stacked.
type Chart interface {
	rows() int // how many bars, which sets the panel's height
	panel() (*panel, error)
}

// Rating is the answers to one 1-to-5 question of the final
// questionnaire: Counts[0] people chose 1, ... Counts[4] chose 5.
type Rating struct {
	Question string
	Counts   [5]int
}

// Ratings is the stacked chart of a questionnaire's rating questions,
// one row per question, one segment per rating; names are the
// ratings' legends ("1" ... "5", or "1 (lowest)").
func Ratings(title string, names [5]string, rows []Rating) Stacked {
	s := Stacked{Title: title}
	for i := range names {
		s.Series = append(s.Series, Series{Name: names[i]})
	}
	for _, r := range rows {
		s.Rows = append(s.Rows, r.Question)
		for i := range s.Series {
			s.Series[i].Values = append(s.Series[i].Values, r.Counts[i])
		}
	}
	return s
}

// Mean is the average rating of r (0 when nobody answered).
func (r Rating) Mean() float64 {
	n, sum := 0, 0
	for i, c := range r.Counts {
		n += c
		sum += c * (i + 1)
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}
