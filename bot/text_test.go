package bot

import (
	"strings"
	"testing"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want []string
	}{
		{"short", 10, []string{"short"}},
		{"line one\nline two", 12, []string{"line one", "line two"}},
		{"word word word", 10, []string{"word word", "word"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		// An emoji is two UTF-16 units: 🌍🌍 is 4 units, so max 3 keeps one.
		{"🌍🌍", 3, []string{"🌍", "🌍"}},
		{"  \n  ", 5, nil},
	}
	for _, tt := range tests {
		got := SplitText(tt.in, tt.max)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("SplitText(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		for _, part := range got {
			if UTF16Len(part) > tt.max {
				t.Errorf("part %q is %d units, over %d", part, UTF16Len(part), tt.max)
			}
		}
	}
}
