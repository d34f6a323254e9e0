package locales

// Lang is a language the course is taught in, as a BCP 47 base tag.
type Lang string

// The languages of the course. English is the fallback everywhere.
const (
	EN Lang = "en"
	ES Lang = "es"
)

// Langs lists every supported language, fallback first.
func Langs() []Lang { return []Lang{EN, ES} }

// ParseLang maps a tag such as "es", "es-CO" or "EN" to a supported
// language. ok is false when the tag names no supported language.
func ParseLang(tag string) (Lang, bool) {
	if len(tag) < 2 {
		return "", false
	}
	switch Lang(lower(tag[:2])) {
	case EN:
		return EN, len(tag) == 2 || tag[2] == '-' || tag[2] == '_'
	case ES:
		return ES, len(tag) == 2 || tag[2] == '-' || tag[2] == '_'
	}
	return "", false
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Text is a piece of course content written in both languages.
type Text struct {
	EN string `yaml:"en" json:"en"`
	ES string `yaml:"es" json:"es"`
}

// In returns the text in lang, falling back to English when the
// translation is empty.
func (t Text) In(lang Lang) string {
	if lang == ES && t.ES != "" {
		return t.ES
	}
	return t.EN
}

// Missing lists the languages whose text is empty.
func (t Text) Missing() []Lang {
	var out []Lang
	if t.EN == "" {
		out = append(out, EN)
	}
	if t.ES == "" {
		out = append(out, ES)
	}
	return out
}
