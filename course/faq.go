package course

import (
	"strings"

	"github.com/elmabot/elmabot/locales"
)

func (l *loader) faq(ff *faqFile) []FAQEntry {
	seen := l.newIDs(faqName, "FAQ entry")
	var out []FAQEntry
	for _, e := range ff.Entries {
		seen.add(e.ID, e.Line)
		what := "FAQ " + e.ID
		entry := FAQEntry{
			ID:       e.ID,
			Question: l.text(faqName, e.Line, e.Question, what+" question"),
			Answer:   l.text(faqName, e.Line, e.Answer, what+" answer"),
			Keywords: map[locales.Lang][]string{
				locales.EN: lowerAll(e.Keywords.EN),
				locales.ES: lowerAll(e.Keywords.ES),
			},
		}
		for _, lang := range locales.Langs() {
			if len(entry.Keywords[lang]) == 0 {
				l.probs.Add(l.name(faqName), int(e.Line), "%s: no %s keywords", what, lang)
			}
		}
		out = append(out, entry)
	}
	if len(out) == 0 {
		l.probs.Add(l.name(faqName), int(ff.Line), "no FAQ entries")
	}
	return out
}

func lowerAll(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" {
			out = append(out, w)
		}
	}
	return out
}
