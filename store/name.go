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

// CleanName collapses runs of white space in a name and checks that it is
// printable and MinNameLength-MaxNameLength characters long.
func CleanName(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	n := utf8.RuneCountInString(s)
	if n < MinNameLength || n > MaxNameLength {
		return "", false
	}
	for _, c := range s {
		if c < ' ' {
			return "", false
		}
	}
	return s, true
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
