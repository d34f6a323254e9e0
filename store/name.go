package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Name lengths a participant's name must have, in characters. The same
// rule holds for a name typed in the chat and for one in the roster, so
// that the roster cannot store a name the bot would refuse.
const (
	MinNameLength = 2
	MaxNameLength = 80
)

// CleanName removes control, bidirectional-formatting and zero-width
// characters from a name and collapses its spaces; ok is false when what
// is left is not MinNameLength-MaxNameLength characters long. Names go on
// certificates and into coordinators' lists: "Ana\u202eamiL" would
// otherwise show as a different name than the one stored.
func CleanName(s string) (string, bool) {
	s = strings.Map(visible, s)
	s = strings.Join(strings.Fields(s), " ")
	n := utf8.RuneCountInString(s)
	if n < MinNameLength || n > MaxNameLength {
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

// NameKey is how names are compared when looking for the same person:
// without case, accents or extra spaces ("José  Pérez" and "jose perez"
// are one name).
func NameKey(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, name)
	if err != nil {
		folded = name // invalid UTF-8: compare as written
	}
	return strings.ToLower(strings.Join(strings.Fields(folded), " "))
}
