package course

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/elmabot/elmabot/locales"
)

// Fold lowercases, strips accents and turns everything that is not a
// letter or a digit into single spaces: "¿Cuándo termina?" becomes
// "cuando termina". Many participants type without accents, so both
// sides of every comparison are folded.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Join(words(strings.ToLower(out)), " ")
}

// words splits on anything that is not a letter or a digit.
func words(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsNumber(c)
	})
}

// stemmer reduces a folded word to its stem in one language, so that
// "certificates" meets "certificate" and "grabaciones" meets "grabacion".
func stemmer(lang locales.Lang) func(string) string {
	if lang == locales.ES {
		return func(w string) string { return spanish.Stem(w, true) }
	}
	return func(w string) string { return english.Stem(w, true) }
}

// Stop words carry no topic, in either language: participants mix them
// ("hola, when is the webinar?"), so the matcher drops both lists.
// Question words (when, where, cuándo, dónde) are kept on purpose: they
// tell "when is the essay due" from "what is the essay". Greetings and
// thanks are here too, so "hi, where are the recordings?" is a question
// and not small talk.
const stopWords = `
a about again all also am an and any are as at be been being but by can could
d did do does doing done dear for from had has have having he her hi
hello hey i if im in into is it its just ll m me might myself no not now of
off on one or our please much lot lots re s she should so some still such t than thank thanks
that the their them then there these they this those to too up us ve very was
we were what which who will with would you your yours
al algo algun alguna alguno como con cual de del desde donde el ella ellos en
entre era es esa ese eso esta estan estar este esto estoy fue gracias ha hay
hola la las le les lo los me muy mucho muchas muchos ni no nos o para
pero por porfa favor que se ser si sin sobre soy su sus te tengo tiene tu tus
un una uno unos y ya yo buenas buenos dias tardes noches estimado estimada
`

// stopSet builds the stop list; each Matcher holds its own copy.
func stopSet() map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(stopWords) {
		set[w] = true
	}
	return set
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// swapped neighbours), over runes, giving up past limit.
func editDistance(a, b string, limit int) int {
	return runeDistance([]rune(a), []rune(b), limit, nil)
}

// runeDistance is editDistance over runes. buf, when long enough (three
// rows of len(rb)+1), spares the allocations: typo repair measures a word
// against the whole vocabulary.
func runeDistance(ra, rb []rune, limit int, buf []int) int {
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	n := len(rb) + 1
	if len(buf) < 3*n {
		buf = make([]int, 3*n)
	}
	prev2, prev, cur := buf[:n], buf[n:2*n], buf[2*n:3*n]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// typoLimit is how many edits a word of n letters may carry and still be
// recognised: none for short words, where one edit makes another word.
func typoLimit(n int) int {
	switch {
	case n >= 10:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}
