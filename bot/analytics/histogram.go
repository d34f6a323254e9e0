package analytics

import (
	"fmt"
	"slices"
)

// Cell is how many have one value: e.g. 12 participants with 47 points.
type Cell struct{ Value, N int }

// Histogram groups cells into bins of the given width, from 0 to the
// bin of the largest value anyone has: "0–19", "20–39", ... Empty bins
// in between are kept, so the picture's spacing tells the truth.
// Negative values fall in the first bin; no cells, no bins.
func Histogram(cells []Cell, width int) []Count {
	if width <= 0 || len(cells) == 0 {
		return nil
	}
	top := 0
	for _, c := range cells {
		if c.N > 0 {
			top = max(top, c.Value)
		}
	}
	bins := make([]Count, top/width+1)
	for i := range bins {
		bins[i].Label = fmt.Sprintf("%d–%d", i*width, (i+1)*width-1)
	}
	for _, c := range cells {
		if c.N > 0 {
			bins[max(0, c.Value)/width].N += c.N
		}
	}
	return bins
}

// Largest sorts counts largest first (ties by label) and keeps at most
// n of them: beyond n, the n-1 largest and one count labelled other
// adding up the rest, so a chart of 40 countries stays readable.
func Largest(counts []Count, n int, other string) []Count {
	sorted := slices.Clone(counts)
	slices.SortStableFunc(sorted, func(a, b Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		if a.Label < b.Label {
			return -1
		}
		if a.Label > b.Label {
			return 1
		}
		return 0
	})
	if n <= 0 || len(sorted) <= n {
		return sorted
	}
	rest := Count{Label: other}
	for _, c := range sorted[n-1:] {
		rest.N += c.N
	}
	return append(sorted[:n-1], rest)
}
