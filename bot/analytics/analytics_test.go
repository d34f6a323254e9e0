package analytics

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"reflect"
	"testing"
)

// barLengths finds, top to bottom, the bars filled with c in img and
// returns each one's length in pixels: the widest of its pixel rows'
// leftmost runs of c (a legend swatch further right is not counted).
func barLengths(img image.Image, c color.RGBA) []int {
	var out []int
	inBar := false
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		n := leftmostRun(img, y, c)
		switch {
		case n > 0 && !inBar:
			out = append(out, n)
		case n > 0:
			out[len(out)-1] = max(out[len(out)-1], n)
		}
		inBar = n > 0
	}
	return out
}

// leftmostRun is the length of the first run of pixels of colour c in
// row y of img, 0 if none.
func leftmostRun(img image.Image, y int, c color.RGBA) int {
	n := 0
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		switch {
		case color.RGBAModel.Convert(img.At(x, y)) == c:
			n++
		case n > 0:
			return n
		}
	}
	return n
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a valid PNG: %v", err)
	}
	return img
}

// proportional checks that lengths are values times one scale, give
// or take the pixel lost to rounding at each end.
func proportional(t *testing.T, lengths, values []int) {
	t.Helper()
	if len(lengths) != len(values) {
		t.Fatalf("%d bars drawn %v, want %d (%v)", len(lengths), lengths, len(values), values)
	}
	var lv, vv float64 // least squares: one scale for every bar
	for i := range values {
		lv += float64(lengths[i] * values[i])
		vv += float64(values[i] * values[i])
	}
	scale := lv / vv
	for i := range values {
		if want := scale * float64(values[i]); math.Abs(float64(lengths[i])-want) > 2 {
			t.Errorf("bar %d is %d px, want %.0f (values %v, lengths %v)", i, lengths[i], want, values, lengths)
		}
	}
}

// TestBarsDrawTheirNumbers: each bar's length is proportional to its
// count, in order from the top, an empty count drawing nothing; the PNG
// decodes and carries the counts it drew.
func TestBarsDrawTheirNumbers(t *testing.T) {
	chart := Bars{Title: "Participantes por idioma", Counts: []Count{{"English", 12}, {"Español", 6}, {"Français", 0}, {"none yet", 3}}}
	data, err := PNG(chart)
	if err != nil {
		t.Fatal(err)
	}
	proportional(t, barLengths(decode(t, data), fill(0)), []int{12, 6, 3})
	drawn, err := Data(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(drawn) != 1 || drawn[0].Title != chart.Title || !reflect.DeepEqual(drawn[0].Counts, chart.Counts) {
		t.Errorf("data %+v, want %+v", drawn, chart)
	}
	again, err := PNG(chart)
	if err != nil || !bytes.Equal(again, data) {
		t.Errorf("the same chart drew different bytes (%v)", err)
	}
}

// TestStackedDrawsEachSegment: each series' segment of a row is
// proportional to its value.
func TestStackedDrawsEachSegment(t *testing.T) {
	chart := Stacked{Title: "Results by cohort", Rows: []string{"SAMM", "no cohort"},
		Series: []Series{{"achievement", []int{10, 20}}, {"participation", []int{5, 30}}}}
	data, err := PNG(chart)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, data)
	for i, s := range chart.Series {
		lengths := barLengths(img, fill(i))
		proportional(t, lengths, s.Values)
	}
	drawn, err := Data(data)
	if err != nil || len(drawn) != 1 || !reflect.DeepEqual(drawn[0].Series, chart.Series) || !reflect.DeepEqual(drawn[0].Rows, chart.Rows) {
		t.Errorf("data %+v, %v", drawn, err)
	}
}

// TestFigureOfSeveralCharts keeps each chart's numbers, in order, and
// a figure with a bad chart is refused rather than drawn wrong.
func TestFigureOfSeveralCharts(t *testing.T) {
	a := Bars{Title: "A", Counts: []Count{{"x", 1}}}
	r := Ratings("Evaluation", [5]string{"1", "2", "3", "4", "5"}, []Rating{{"Useful?", [5]int{0, 1, 2, 7, 10}}})
	data, err := PNG(a, r)
	if err != nil {
		t.Fatal(err)
	}
	decode(t, data)
	drawn, err := Data(data)
	if err != nil || len(drawn) != 2 || drawn[0].Title != "A" || drawn[1].Series[3].Values[0] != 7 || drawn[1].Rows[0] != "Useful?" {
		t.Errorf("data %+v, %v", drawn, err)
	}
	if _, err := PNG(Stacked{Rows: []string{"a", "b"}, Series: []Series{{"s", []int{1}}}}); err == nil {
		t.Error("a series short of a value was drawn")
	}
	if _, err := PNG(); err == nil {
		t.Error("an empty figure was drawn")
	}
	if _, err := Data(decodeless(t)); err == nil {
		t.Error("a PNG without data gave data")
	}
}

// decodeless is a PNG made by image/png, which carries no data chunk.
func decodeless(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHistogram(t *testing.T) {
	got := Histogram([]Cell{{0, 2}, {19, 1}, {20, 4}, {75, 3}, {500, 0}}, 20)
	want := []Count{{"0–19", 3}, {"20–39", 4}, {"40–59", 0}, {"60–79", 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Histogram = %v, want %v", got, want)
	}
	if got := Histogram(nil, 20); got != nil {
		t.Errorf("no cells gave %v", got)
	}
}

func TestLargest(t *testing.T) {
	in := []Count{{"Peru", 3}, {"Kenya", 9}, {"Chile", 3}, {"Togo", 1}, {"Fiji", 2}}
	want := []Count{{"Kenya", 9}, {"Chile", 3}, {"Peru", 3}, {"other", 3}}
	if got := Largest(in, 4, "other"); !reflect.DeepEqual(got, want) {
		t.Errorf("Largest = %v, want %v", got, want)
	}
	if got := Largest(in, 5, "other"); len(got) != 5 || got[4] != (Count{"Togo", 1}) {
		t.Errorf("Largest of all = %v", got)
	}
}

func TestRatingMean(t *testing.T) {
	if m := (Rating{Counts: [5]int{0, 0, 1, 0, 1}}).Mean(); m != 4 {
		t.Errorf("mean %v, want 4", m)
	}
	if m := (Rating{}).Mean(); m != 0 {
		t.Errorf("mean of nobody %v", m)
	}
}
