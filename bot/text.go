package bot

import (
	"strings"
	"unicode/utf16"
)

// Chat platforms measure message lengths in UTF-16 code units. These
// helpers let adapters fit the core's texts into their limits.

// UTF16Len is the length of s in UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// CutUTF16 splits s after at most max UTF-16 units, on a rune boundary.
// A part within the limit fits whether a platform counts units or
// characters, as units are never fewer.
func CutUTF16(s string, max int) (head, tail string) {
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > max {
			return s[:i], s[i:]
		}
	}
	return s, ""
}

// SplitText breaks a long text into parts of at most max units,
// preferring a line break, then a space, near the end of each part.
// Blank parts are dropped.
func SplitText(s string, max int) []string {
	var parts []string
	for strings.TrimSpace(s) != "" {
		head, tail := CutUTF16(s, max)
		if tail != "" {
			if i := strings.LastIndex(head, "\n"); i > 0 {
				head, tail = s[:i], s[i+1:]
			} else if i := strings.LastIndex(head, " "); i > 0 {
				head, tail = s[:i], s[i+1:]
			}
		}
		if strings.TrimSpace(head) != "" {
			parts = append(parts, head)
		}
		s = tail
	}
	return parts
}
