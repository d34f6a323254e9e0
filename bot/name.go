package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names go on certificates and into coordinators' lists, so characters
// that print nothing, or that reorder the text around them, are removed:
// "Ana\u202eamiL" would otherwise show as a different name than the one
// stored.

// Name lengths, in characters, after cleaning.
const (
	minNameLen = 2
	maxNameLen = 80
)

// CleanName removes control, bidirectional-formatting and zero-width
// characters from a name and collapses its spaces. ok is false when what
// is left is not 2 to 80 characters long.
func CleanName(s string) (name string, ok bool) {
	s = strings.Map(visible, s)
	s = strings.Join(strings.Fields(s), " ")
	n := utf8.RuneCountInString(s)
	if n < minNameLen || n > maxNameLen {
		return "", false
	}
	return s, true
}

// visible maps a rune of a name to itself, to a space (line breaks and
// tabs separate words), or to -1 (dropped).
func visible(r rune) rune {
	switch {
	case unicode.IsSpace(r):
		return ' '
	case unicode.IsControl(r), invisible(r):
		return -1
	}
	return r
}

// invisible reports the format characters that show nothing: the
// bidirectional embeddings, overrides and isolates (U+202A-U+202E,
// U+2066-U+2069), the marks (U+200E, U+200F, U+061C), zero-width
// spaces and joiners (U+200B-U+200D, U+2060), and the byte-order mark.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r >= 0x200B && r <= 0x200F, r == 0x2060, r == 0x061C, r == 0xFEFF, r == 0x180E:
		return true
	}
	return false
}
