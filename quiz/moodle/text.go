package moodle

import (
	"html"
	"regexp"
	"strings"

	"github.com/elmabot/elmabot/locales"
)

// format is how Moodle stores a piece of text.
type format int

const (
	formatHTML   format = iota // tags and entities; source line breaks mean nothing
	formatMoodle               // Moodle "auto-format": line breaks count, HTML allowed
	formatMarkdown
	formatPlain // shown as typed: no tags, no entities
)

// convert turns one piece of Moodle text into plain text for the chat.
// Text written for the multilang filters is split into English and
// Spanish; anything else is in lang.
func convert(raw string, f format, lang locales.Lang) locales.Text {
	en, es, found := splitLangs(raw)
	if !found {
		var t locales.Text
		if lang == locales.ES {
			t.ES = plain(raw, f)
		} else {
			t.EN = plain(raw, f)
		}
		return t
	}
	return locales.Text{EN: plain(en, f), ES: plain(es, f)}
}

// plainName is a question name as plain text, English first.
func plainName(raw string) string {
	t := convert(raw, formatHTML, locales.EN)
	if t.EN != "" {
		return t.EN
	}
	return t.ES
}

// langPart is a run of text that is either for every reader (lang "")
// or for the readers of one language.
type langPart struct {
	lang locales.Lang // "" for shared text
	text string
	tag  bool // written in a multilang marker, even one for another language
}

// splitLangs applies Moodle's multilang filters for English and Spanish.
// Both the multilang filter's <span lang="xx" class="multilang"> and the
// multilang2 filter's {mlang xx}...{mlang} are understood. found is false
// when raw uses neither, so the caller can file it under one language.
func splitLangs(raw string) (en, es string, found bool) {
	parts := langParts(raw)
	has := map[locales.Lang]bool{}
	for _, p := range parts {
		if p.tag {
			found = true
			has[p.lang] = true
		}
	}
	if !found {
		return "", "", false
	}
	groups := groupParts(parts)
	if has[locales.EN] {
		en = pickLang(groups, locales.EN, locales.ES)
	}
	if has[locales.ES] {
		es = pickLang(groups, locales.ES, locales.EN)
	}
	return en, es, true
}

// groupParts gathers consecutive language blocks, with only white space
// between them, into one group each: the filters show one block per group.
func groupParts(parts []langPart) [][]langPart {
	var groups [][]langPart
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if !p.tag {
			groups = append(groups, []langPart{p})
			continue
		}
		g := []langPart{p}
		for i+1 < len(parts) {
			next := parts[i+1]
			if next.tag {
				g = append(g, next)
				i++
				continue
			}
			if strings.TrimSpace(next.text) == "" && i+2 < len(parts) && parts[i+2].tag {
				i++ // white space between two blocks of one group
				continue
			}
			break
		}
		groups = append(groups, g)
	}
	return groups
}

// pickLang writes out the text for lang. A group with no block in lang
// falls back to the other course language, as the filters show some
// translation rather than nothing; blocks in other languages are dropped.
func pickLang(groups [][]langPart, lang, other locales.Lang) string {
	var b strings.Builder
	for _, g := range groups {
		if len(g) == 1 && !g[0].tag {
			b.WriteString(g[0].text)
			continue
		}
		if !writeLang(&b, g, lang) {
			writeLang(&b, g, other)
		}
	}
	return b.String()
}

func writeLang(b *strings.Builder, g []langPart, lang locales.Lang) bool {
	wrote := false
	for _, p := range g {
		if p.lang == lang {
			b.WriteString(p.text)
			wrote = true
		}
	}
	return wrote
}

// langParts cuts raw into shared text and language blocks.
func langParts(raw string) []langPart {
	var parts []langPart
	low := lowerASCII(raw)
	start, i := 0, 0
	for i < len(raw) {
		tag, inner, end, ok := langBlock(raw, low, i)
		if !ok {
			i++
			continue
		}
		if start < i {
			parts = append(parts, langPart{text: raw[start:i]})
		}
		l, _ := locales.ParseLang(tag)
		parts = append(parts, langPart{lang: l, text: inner, tag: true})
		start, i = end, end
	}
	if start < len(raw) {
		parts = append(parts, langPart{text: raw[start:]})
	}
	return parts
}

// langBlock reports whether a language block starts at raw[i], giving its
// language tag, its content and where it ends. low is raw in lowercase.
func langBlock(raw, low string, i int) (tag, inner string, end int, ok bool) {
	switch {
	case strings.HasPrefix(low[i:], "{mlang"):
		return mlangBlock(raw, low, i)
	case strings.HasPrefix(low[i:], "<span"):
		return spanBlock(raw, low, i)
	}
	return "", "", 0, false
}

var mlangOpen = regexp.MustCompile(`^\{mlang\s+([a-z0-9_-]+)\s*\}`)

// mlangBlock reads {mlang xx}...{mlang}.
func mlangBlock(raw, low string, i int) (string, string, int, bool) {
	m := mlangOpen.FindStringSubmatch(low[i:])
	if m == nil {
		return "", "", 0, false
	}
	from := i + len(m[0])
	closing := strings.Index(low[from:], "{mlang}")
	if closing < 0 {
		return "", "", 0, false
	}
	return m[1], raw[from : from+closing], from + closing + len("{mlang}"), true
}

var (
	spanTag  = regexp.MustCompile(`^<span(?:\s[^<>]*)?>`)
	attrLang = regexp.MustCompile(`\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	attrMl   = regexp.MustCompile(`\sclass\s*=\s*(?:"[^"]*\bmultilang\b[^"]*"|'[^']*\bmultilang\b[^']*'|multilang\b)`)
	spanEdge = regexp.MustCompile(`<span[\s>]|</span\s*>`)
)

// spanBlock reads <span lang="xx" class="multilang">...</span>, allowing
// other spans inside it.
func spanBlock(raw, low string, i int) (string, string, int, bool) {
	open := spanTag.FindString(low[i:])
	if open == "" || !attrMl.MatchString(open) {
		return "", "", 0, false
	}
	m := attrLang.FindStringSubmatch(open)
	if m == nil {
		return "", "", 0, false
	}
	tag := m[1] + m[2] + m[3]
	from := i + len(open)
	depth := 1
	for at := from; ; {
		loc := spanEdge.FindStringIndex(low[at:])
		if loc == nil {
			return "", "", 0, false
		}
		s, e := at+loc[0], at+loc[1]
		if low[s+1] != '/' {
			depth++
			at = e
			continue
		}
		if depth--; depth == 0 {
			return tag, raw[from:s], e, true
		}
		at = e
	}
}

// lowerASCII lowercases ASCII letters only, so byte offsets stay valid.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// blockTags end a line in the chat when they open or close.
var blockTags = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true,
	"table": true, "blockquote": true, "pre": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
}

// plain strips HTML tags, decodes entities and tidies white space.
// Line breaks (<br>) and blocks such as <p> become new lines.
func plain(s string, f format) string {
	if f == formatPlain {
		return tidy(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if end, name, ok := htmlTag(s, i); ok {
				i = end
				switch {
				case name == "br":
					b.WriteByte('\n')
				case blockTags[name]:
					newline(&b)
				case name == "script" || name == "style":
					i = skipElement(s, i, name)
				}
				continue
			}
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			j = len(s)
		} else {
			j += i + 1
		}
		text := s[i:j]
		if f == formatHTML {
			// In HTML a line break in the source is just a space.
			text = strings.Map(lineBreakToSpace, text)
		}
		b.WriteString(html.UnescapeString(text))
		i = j
	}
	return tidy(b.String())
}

func lineBreakToSpace(r rune) rune {
	if r == '\n' || r == '\r' {
		return ' '
	}
	return r
}

func newline(b *strings.Builder) {
	if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
}

// htmlTag reads a tag (or comment) starting at s[i], giving where it ends
// and its lowercase name. A "<" that starts no tag, as in "a < b", is text.
func htmlTag(s string, i int) (end int, name string, ok bool) {
	rest := s[i:]
	if strings.HasPrefix(rest, "<!--") {
		j := strings.Index(rest[4:], "-->")
		if j < 0 {
			return len(s), "", true
		}
		return i + 4 + j + 3, "", true
	}
	k := 1
	if len(rest) > 1 && (rest[1] == '/' || rest[1] == '!') {
		k = 2
	}
	if len(rest) <= k || !isLetter(rest[k]) {
		return 0, "", false
	}
	n := k
	for n < len(rest) && (isLetter(rest[n]) || '0' <= rest[n] && rest[n] <= '9') {
		n++
	}
	j := tagEnd(rest, n)
	if j < 0 {
		return 0, "", false
	}
	return i + j + 1, lowerASCII(rest[k:n]), true
}

// tagEnd finds the ">" closing a tag, stepping over quoted attribute
// values; -1 when there is none.
func tagEnd(s string, from int) int {
	var quote byte
	for j := from; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		case c == '<':
			return -1
		}
	}
	return -1
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// skipElement skips to the end of a script or style element.
func skipElement(s string, from int, name string) int {
	j := strings.Index(lowerASCII(s[from:]), "</"+name)
	if j < 0 {
		return len(s)
	}
	if end := strings.IndexByte(s[from+j:], '>'); end >= 0 {
		return from + j + end + 1
	}
	return len(s)
}

// tidy trims each line, squeezes runs of spaces (including no-break
// spaces) to one, and keeps at most one empty line in a row.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}
