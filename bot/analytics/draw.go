package analytics

import (
	"errors"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Sizes of a figure: every panel is as wide as the figure and as tall
// as its header plus a fixed height per bar, so bars look the same in
// every chart.
const (
	figureWidth = 7 * vg.Inch
	panelHeader = 1.3 * vg.Inch // title, value axis and margins
	margin      = 0.12 * vg.Inch
	rowHeight   = 0.32 * vg.Inch
	barFill     = 0.7 // share of a row the bar covers
	dpi         = 120
)

// colors are the fills of bars and of stacked segments, in order;
// distinguishable in print and by most colour-blind readers.
func colors() []color.RGBA {
	return []color.RGBA{
		{0x1f, 0x5f, 0x9e, 0xff}, // blue
		{0xe0, 0x8a, 0x1e, 0xff}, // orange
		{0x3a, 0x9a, 0x5b, 0xff}, // green
		{0xb8, 0x3b, 0x5e, 0xff}, // red-purple
		{0x7f, 0x7f, 0x7f, 0xff}, // grey
		{0x5d, 0xb8, 0xd6, 0xff}, // sky
	}
}

func fill(i int) color.RGBA { c := colors(); return c[i%len(c)] }

// panel is one chart ready to draw, with the height it needs.
type panel struct {
	plot   *plot.Plot
	height vg.Length
}

func (b Bars) rows() int { return len(b.Counts) }

func (b Bars) panel() (*panel, error) {
	labels := make([]string, len(b.Counts))
	values := make([]int, len(b.Counts))
	for i, c := range b.Counts {
		labels[i], values[i] = c.Label, c.N
	}
	p := newPlot(b.Title, labels)
	if len(values) == 0 {
		return &panel{plot: p, height: panelHeader}, nil
	}
	bars, err := barChart(values, 0)
	if err != nil {
		return nil, err
	}
	p.Add(bars)
	if err := addValueLabels(p, values); err != nil {
		return nil, err
	}
	setRange(p, values, 1.12)
	return &panel{plot: p, height: panelHeader + vg.Length(len(values))*rowHeight}, nil
}

func (s Stacked) rows() int { return len(s.Rows) }

func (s Stacked) panel() (*panel, error) {
	p := newPlot(s.Title, s.Rows)
	totals := make([]int, len(s.Rows))
	var below *plotter.BarChart
	for i, series := range s.Series {
		if len(series.Values) != len(s.Rows) {
			return nil, errors.New("analytics: a series has not one value per row")
		}
		bars, err := barChart(series.Values, i)
		if err != nil {
			return nil, err
		}
		if below != nil {
			bars.StackOn(below)
		}
		below = bars
		p.Add(bars)
		p.Legend.Add(series.Name, bars)
		for r, v := range series.Values {
			totals[r] += v
		}
	}
	if len(s.Rows) > 0 {
		if err := addValueLabels(p, totals); err != nil {
			return nil, err
		}
	}
	// Room on the right for the totals and the legend.
	setRange(p, totals, 1.45)
	p.Legend.Top = true
	return &panel{plot: p, height: panelHeader + vg.Length(len(s.Rows)+len(s.Series)/3)*rowHeight}, nil
}

// newPlot is a plot with the title and a nominal Y axis of labels, the
// first on top.
func newPlot(title string, labels []string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(13)
	p.Title.Padding = vg.Points(6)
	p.Y.Tick.Label.Font = sans(10)
	p.X.Tick.Label.Font = sans(9)
	p.Legend.TextStyle.Font = sans(10)
	p.X.Tick.Marker = wholeTicks{}
	if len(labels) > 0 {
		p.NominalY(reversed(labels)...)
		p.Y.Tick.Length = 0
	} else {
		p.HideAxes()
	}
	return p
}

// barChart draws values as horizontal bars, the first value on top.
func barChart(values []int, color int) (*plotter.BarChart, error) {
	vs := make(plotter.Values, len(values))
	for i, v := range reversed(values) {
		vs[i] = float64(v)
	}
	bars, err := plotter.NewBarChart(vs, rowHeight*barFill)
	if err != nil {
		return nil, err
	}
	bars.Horizontal = true
	bars.Color = fill(color)
	bars.LineStyle.Width = 0
	return bars, nil
}

// addValueLabels writes each bar's number just past its end.
func addValueLabels(p *plot.Plot, values []int) error {
	xys := make(plotter.XYs, len(values))
	texts := make([]string, len(values))
	for i, v := range reversed(values) {
		xys[i] = plotter.XY{X: float64(v), Y: float64(i)}
		texts[i] = strconv.Itoa(v)
	}
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
	if err != nil {
		return err
	}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font = sans(9)
	}
	labels.Offset = vg.Point{X: vg.Points(4), Y: -vg.Points(4)}
	p.Add(labels)
	return nil
}

// setRange starts the value axis at 0 and ends it past the longest bar
// by the factor room, leaving space for its number.
func setRange(p *plot.Plot, values []int, room float64) {
	top := 1
	for _, v := range values {
		top = max(top, v)
	}
	p.X.Min = 0
	p.X.Max = math.Ceil(float64(top) * room)
}

// sans is the sans-serif face of the fonts gonum embeds (Liberation),
// which covers the accents of Spanish labels.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// wholeTicks mark whole numbers only, about five of them, at a step
// of 1, 2 or 5 times a power of ten: one cannot have half a
// participant.
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	raw := (hi - lo) / 5
	step := 1.0
	if raw > 1 {
		mag := math.Pow(10, math.Floor(math.Log10(raw)))
		for _, f := range []float64{1, 2, 5, 10} {
			if step = f * mag; step >= raw {
				break
			}
		}
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return out
}
