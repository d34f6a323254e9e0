package course

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/elmabot/elmabot/locales"
)

// How the matcher decides. A question must score at least minScore (about
// one rare keyword, or a close example) and beat the runner-up by margin
// (a ratio): a question that fits two answers equally well goes to a
// person rather than getting the wrong one.
const (
	minScore = 2.5
	margin   = 1.35
	// phraseBonus rewards a multi-word keyword found in order over the
	// same words found apart.
	phraseBonus = 1.5
	// exampleWeight scales the likeness of the closest example question
	// (0 to 1) into keyword points.
	exampleWeight = 7.0
	// unknownWeight is the weight of a question word that no entry knows:
	// "cafeteria" in "is the cafeteria open?" makes the question less like
	// every example.
	unknownWeight = 2.5
)

// Matcher finds the FAQ entry a free-text question asks for. It is built
// once per course load and only read afterwards, so it is safe for
// concurrent use.
type Matcher struct {
	entries []*FAQEntry
	stop    map[string]bool
	index   map[locales.Lang]*langIndex
	// small talk: folded word -> entry, and symbol (emoji) -> entry.
	smallWords   map[string]*FAQEntry
	smallSymbols map[string]*FAQEntry
	smallOrder   []*FAQEntry // the small-talk entries in file order
	// labels are texts the bot shows on buttons (quiz options, elective
	// titles), folded: typing one is pressing a button by hand.
	labels map[string]bool
}

// langIndex is the FAQ seen through one language's stemmer.
type langIndex struct {
	stem    func(string) string
	vocab   []string          // folded keyword and example words, for typos
	runes   [][]rune          // vocab as runes, parallel
	stemOf  map[string]string // folded word -> stem
	weight  map[string]float64
	entries []entryIndex // parallel to Matcher.entries
}

type entryIndex struct {
	keywords [][]string // stem sequences, one per distinct keyword
	examples []example
}

// example is an example question's stems and their summed weight.
type example struct {
	stems  map[string]bool
	weight float64
}

// Match is the matcher's verdict on one message.
type Match struct {
	// Entry is the answer, nil when none is confident enough. Its Kind
	// says what to do with it.
	Entry *FAQEntry
	// Echo is set when the message is a number or the text of a button:
	// the person meant to press one.
	Echo bool
	// Score and Second are the best and runner-up scores; Runner is the
	// runner-up's id (for the evaluation report).
	Score, Second float64
	Best, Runner  string
}

// NewMatcher compiles the FAQ. labels are the texts of the buttons the
// course shows (see buttonLabels).
func NewMatcher(faq []FAQEntry, labels []string) *Matcher {
	m := &Matcher{stop: stopSet(), index: map[locales.Lang]*langIndex{},
		smallWords: map[string]*FAQEntry{}, smallSymbols: map[string]*FAQEntry{}, labels: map[string]bool{}}
	for i := range faq {
		e := &faq[i]
		if e.Kind == KindSmallTalk {
			m.addSmallTalk(e)
			continue
		}
		m.entries = append(m.entries, e)
	}
	for _, lang := range locales.Langs() {
		m.index[lang] = m.buildIndex(lang)
	}
	for _, l := range labels {
		if f := Fold(l); f != "" {
			m.labels[f] = true
		}
	}
	return m
}

// addSmallTalk files an entry's keywords: words are matched whole,
// anything without letters (an emoji) by itself.
func (m *Matcher) addSmallTalk(e *FAQEntry) {
	m.smallOrder = append(m.smallOrder, e)
	for _, lang := range locales.Langs() {
		for _, kw := range e.Keywords[lang] {
			if f := Fold(kw); f != "" {
				for _, w := range strings.Fields(f) {
					m.smallWords[w] = e
				}
				continue
			}
			for _, r := range kw {
				if isSymbol(r) {
					m.smallSymbols[string(r)] = e
				}
			}
		}
	}
}

func (m *Matcher) buildIndex(lang locales.Lang) *langIndex {
	ix := &langIndex{stem: stemmer(lang), stemOf: map[string]string{}, weight: map[string]float64{}}
	docs := map[string]int{} // stem -> entries that use it
	for _, e := range m.entries {
		ei := entryIndex{}
		seen, used := map[string]bool{}, map[string]bool{}
		for _, kw := range e.Keywords[lang] {
			seq := ix.stems(m, kw, true)
			if key := strings.Join(seq, " "); key != "" && !seen[key] {
				seen[key] = true
				ei.keywords = append(ei.keywords, seq)
				markAll(used, seq)
			}
		}
		for _, ex := range e.Examples[lang] {
			seq := ix.stems(m, ex, true)
			ei.examples = append(ei.examples, example{stems: map[string]bool{}})
			markAll(ei.examples[len(ei.examples)-1].stems, seq)
			markAll(used, seq)
		}
		for s := range used {
			docs[s]++
		}
		ix.entries = append(ix.entries, ei)
	}
	// A stem found in few entries tells them apart: weight by inverse
	// document frequency.
	n := float64(len(m.entries))
	for s, df := range docs {
		ix.weight[s] = math.Log(1 + n/float64(df))
	}
	for _, ei := range ix.entries {
		for i := range ei.examples {
			for s := range ei.examples[i].stems {
				ei.examples[i].weight += ix.weight[s]
			}
		}
	}
	for w := range ix.stemOf {
		ix.vocab = append(ix.vocab, w)
	}
	sort.Strings(ix.vocab) // typo repair picks the same word every run
	for _, w := range ix.vocab {
		ix.runes = append(ix.runes, []rune(w))
	}
	return ix
}

func markAll(set map[string]bool, seq []string) {
	for _, s := range seq {
		set[s] = true
	}
}

// stems folds text, drops stop words and stems the rest. learn adds the
// words to the vocabulary (while indexing the FAQ).
func (ix *langIndex) stems(m *Matcher, text string, learn bool) []string {
	var out []string
	for _, w := range strings.Fields(Fold(text)) {
		if m.stop[w] {
			continue
		}
		s := ix.stem(w)
		if learn {
			ix.stemOf[w] = s
		}
		out = append(out, s)
	}
	return out
}

// Match judges one message in the participant's language lang (the
// other language is tried too: people write in either).
func (m *Matcher) Match(text string, lang locales.Lang) Match {
	folded := Fold(text)
	if e := m.smallTalk(text, folded); e != nil {
		return Match{Entry: e, Best: e.ID}
	}
	if m.isEcho(folded) {
		return Match{Echo: true}
	}
	scores := make([]float64, len(m.entries))
	for _, l := range locales.Langs() {
		for i, s := range m.index[l].score(m, folded) {
			scores[i] = max(scores[i], s)
		}
	}
	return m.decide(scores)
}

// decide applies the threshold and the margin. An entry that sends the
// question to a person (an extension request) wins whenever it clears
// the threshold and comes within the margin of the best: in doubt, a
// person decides, as a wrong automatic answer there can cost a
// participant their certificate.
func (m *Matcher) decide(scores []float64) Match {
	var out Match
	best, second := -1, -1
	for i, s := range scores {
		switch {
		case best < 0 || s > scores[best]:
			best, second = i, best
		case second < 0 || s > scores[second]:
			second = i
		}
	}
	if best < 0 {
		return out
	}
	out.Score, out.Best = scores[best], m.entries[best].ID
	if second >= 0 {
		out.Second, out.Runner = scores[second], m.entries[second].ID
	}
	for i, s := range scores {
		if m.entries[i].Kind == KindHuman && s >= minScore && s*margin >= out.Score {
			out.Entry = m.entries[i]
			return out
		}
	}
	if out.Score >= minScore && out.Score >= out.Second*margin {
		out.Entry = m.entries[best]
	}
	return out
}

// score rates every entry against the folded question in this language.
func (ix *langIndex) score(m *Matcher, folded string) []float64 {
	q, qWeight := ix.question(m, folded)
	qSet := map[string]bool{}
	markAll(qSet, q)
	scores := make([]float64, len(ix.entries))
	for i, e := range ix.entries {
		var x float64
		for _, ex := range e.examples {
			x = max(x, ix.likeness(qSet, qWeight, ex))
		}
		scores[i] = ix.keywordScore(q, e.keywords) + exampleWeight*x*x
	}
	return scores
}

// keywordScore sums the weights of the question's words that the entry's
// keywords cover, each word once, so an entry listing "essay" and "final
// essay" does not count "essay" twice. A word covered by a phrase counts
// phraseBonus times.
func (ix *langIndex) keywordScore(q []string, keywords [][]string) float64 {
	covered := map[string]float64{}
	for _, kw := range keywords {
		if !containsInOrder(q, kw) {
			continue
		}
		bonus := 1.0
		if len(kw) > 1 {
			bonus = phraseBonus
		}
		for _, s := range kw {
			covered[s] = max(covered[s], bonus)
		}
	}
	var k float64
	for s, bonus := range covered {
		k += bonus * ix.weightOf(s)
	}
	return k
}

// question stems the message's words, mending typos against the FAQ's
// vocabulary. qWeight sums its words' weights, unknown words included.
func (ix *langIndex) question(m *Matcher, folded string) (q []string, qWeight float64) {
	seen := map[string]bool{}
	for _, w := range strings.Fields(folded) {
		if m.stop[w] {
			continue
		}
		s := ix.stem(w)
		if _, known := ix.weight[s]; !known {
			s = ix.mend(w, s)
		}
		q = append(q, s)
		if !seen[s] {
			seen[s] = true
			qWeight += ix.weightOf(s)
		}
	}
	return q, qWeight
}

// mend maps a misspelt word to the stem of the closest vocabulary word,
// if one is close enough; otherwise the word keeps its own stem.
func (ix *langIndex) mend(w, s string) string {
	rw := []rune(w)
	limit := typoLimit(len(rw))
	if limit == 0 {
		return s
	}
	bestD, bestStem := limit+1, s
	buf := make([]int, 3*(len(rw)+limit+1))
	for i, v := range ix.runes {
		if abs(len(v)-len(rw)) > limit {
			continue
		}
		if d := runeDistance(rw, v, limit, buf); d < bestD {
			bestD, bestStem = d, ix.stemOf[ix.vocab[i]]
		}
	}
	return bestStem
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (ix *langIndex) weightOf(s string) float64 {
	if w, ok := ix.weight[s]; ok {
		return w
	}
	return unknownWeight
}

// phraseGap is how many other words may stand between two words of a
// phrase: "when do we need to submit" still holds "when ... submit".
const phraseGap = 2

// containsInOrder reports whether q holds kw's words in order, each
// within phraseGap words of the one before.
func containsInOrder(q, kw []string) bool {
	if len(kw) == 0 {
		return false
	}
	for start := range q {
		if q[start] != kw[0] {
			continue
		}
		at, j := start, 1
		for ; j < len(kw); j++ {
			next := indexFrom(q, kw[j], at+1, at+1+phraseGap)
			if next < 0 {
				break
			}
			at = next
		}
		if j == len(kw) {
			return true
		}
	}
	return false
}

// indexFrom finds s in q[from:to], -1 if absent.
func indexFrom(q []string, s string, from, to int) int {
	for i := from; i <= to && i < len(q); i++ {
		if q[i] == s {
			return i
		}
	}
	return -1
}

// likeness is the weighted Dice coefficient of the question and an
// example: 1 when they share every word, 0 when none.
func (ix *langIndex) likeness(q map[string]bool, qWeight float64, ex example) float64 {
	var shared float64
	for s := range q {
		if ex.stems[s] {
			shared += ix.weightOf(s)
		}
	}
	if qWeight+ex.weight == 0 {
		return 0
	}
	return 2 * shared / (qWeight + ex.weight)
}

// smallTalk recognises a message made only of greetings, thanks and
// acknowledgements ("ok thanks!", "hola", "👍"), returning its entry: the
// one with most of the message's words, the earlier in the file on a tie.
func (m *Matcher) smallTalk(raw, folded string) *FAQEntry {
	if folded == "" {
		return m.symbolTalk(raw)
	}
	hits := map[*FAQEntry]int{}
	for _, w := range strings.Fields(folded) {
		if e, ok := m.smallWords[w]; ok {
			hits[e]++
			continue
		}
		if !m.stop[w] {
			return nil
		}
	}
	var found *FAQEntry
	for _, e := range m.smallOrder {
		if hits[e] > hits[found] {
			found = e
		}
	}
	return found
}

// symbolTalk answers a message of symbols only: the entry listing one of
// them, else the last small-talk entry. Bare punctuation ("?") is not
// small talk.
func (m *Matcher) symbolTalk(raw string) *FAQEntry {
	hasSymbol := false
	for _, r := range raw {
		if e, ok := m.smallSymbols[string(r)]; ok {
			return e
		}
		hasSymbol = hasSymbol || isSymbol(r)
	}
	if hasSymbol && len(m.smallOrder) > 0 {
		return m.smallOrder[len(m.smallOrder)-1]
	}
	return nil
}

// isSymbol is true for emoji and other pictographs (not punctuation,
// not the joiners and variation selectors between them).
func isSymbol(r rune) bool {
	return unicode.IsSymbol(r) && r != '\u200d' && !unicode.Is(unicode.Variation_Selector, r)
}

// isEcho reports a message that is a bare number, a button's text, or
// punctuation alone ("?"): nothing a coordinator could answer.
func (m *Matcher) isEcho(folded string) bool {
	if folded == "" || m.labels[folded] {
		return true
	}
	for _, r := range folded {
		if !unicode.IsDigit(r) && r != ' ' {
			return false
		}
	}
	return true
}
