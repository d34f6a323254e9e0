package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed en.yaml es.yaml
var files embed.FS

// Catalog holds every user-visible message in every language. Build one
// for the program's life; take a Printer per update.
type Catalog struct {
	ids      map[Lang]map[string]bool
	printers map[Lang]*Printer // made once: a printer never changes
}

// NewCatalog loads the embedded message files.
func NewCatalog() (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{ids: map[Lang]map[string]bool{}, printers: map[Lang]*Printer{}}
	for _, lang := range Langs() {
		name := string(lang) + ".yaml"
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
		c.ids[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
		c.printers[lang] = &Printer{Lang: lang, loc: i18n.NewLocalizer(b, string(lang), string(EN))}
	}
	return c, nil
}

// IDs lists the message ids defined for lang.
func (c *Catalog) IDs(lang Lang) map[string]bool { return c.ids[lang] }

// Printer renders messages in one language.
type Printer struct {
	Lang Lang
	loc  *i18n.Localizer
}

// Printer returns a printer for lang (English when lang is unknown).
// Printers are shared, and safe for concurrent use.
func (c *Catalog) Printer(lang Lang) *Printer {
	if p, ok := c.printers[lang]; ok {
		return p
	}
	return c.printers[EN]
}

// T renders message id with data as its template data; data holds pairs
// of field name and value: T("quiz_done", "Points", 3). A message missing
// from the catalog renders as its id, so the gap shows without a crash.
func (p *Printer) T(id string, data ...any) string {
	return p.render(id, nil, data)
}

// N renders a message with plural forms chosen by count; count is also
// available to the template as .Count.
func (p *Printer) N(id string, count int, data ...any) string {
	return p.render(id, count, append(data, "Count", count))
}

func (p *Printer) render(id string, count any, data []any) string {
	fields := map[string]any{}
	for i := 0; i+1 < len(data); i += 2 {
		fields[fmt.Sprint(data[i])] = data[i+1]
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: fields, PluralCount: count})
	if err != nil {
		return id
	}
	return s
}

// Date renders t as "Tue 25 Oct" / "mar 25 oct", in t's location.
func (p *Printer) Date(t time.Time) string {
	days := strings.Split(p.T("names_weekdays"), ",")
	months := strings.Split(p.T("names_months"), ",")
	if len(days) != 7 || len(months) != 12 {
		return t.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), months[t.Month()-1])
}

// Clock renders the time of day of t as 15:04.
func (p *Printer) Clock(t time.Time) string { return t.Format("15:04") }
