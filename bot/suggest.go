package bot

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
)

// maxSuggestions is how many completions a platform shows (Discord: 25).
const maxSuggestions = 25

var _ Suggester = (*Bot)(nil)

// suggesters complete the text of the commands that name something the
// course has: a quiz, an elective, a time zone.
func suggesters() map[string]func(b *Bot, pr *locales.Printer, typed string) []Suggestion {
	return map[string]func(*Bot, *locales.Printer, string) []Suggestion{
		"quiz":      (*Bot).suggestQuizzes,
		"electives": (*Bot).suggestElectives,
		"timezone":  (*Bot).suggestZones,
	}
}

// commandInfo describes c for menus in pr's language.
func (b *Bot) commandInfo(pr *locales.Printer, c commandSpec) CommandInfo {
	_, suggests := suggesters()[c.name]
	arg := pr.T("cmd_option")
	if suggests {
		arg = pr.T("cmdarg_" + c.name)
	}
	return CommandInfo{
		Name:           c.name,
		Description:    pr.T("cmd_" + c.name),
		LocalName:      pr.T("cmdname_" + c.name),
		ArgName:        pr.T("cmd_option_name"),
		ArgDescription: arg,
		Suggests:       suggests,
		Staff:          c.role == coordinator,
	}
}

// Suggest completes what a person typed after command, in lang (the
// platform's locale): the open quizzes, the electives, time zones whose
// names or labels contain it. It reads only the course, so it answers
// at once.
func (b *Bot) Suggest(lang, command, typed string) []Suggestion {
	f, ok := suggesters()[command]
	if !ok {
		return nil
	}
	out := f(b, b.cfg.Catalog.Printer(hintLang(lang)), strings.TrimSpace(typed))
	return out[:min(len(out), maxSuggestions)]
}

// matches reports whether every word typed is in one of the texts,
// ignoring case and accents.
func matches(typed string, texts ...string) bool {
	hay := placeKey(strings.Join(texts, " "))
	for _, w := range strings.Fields(placeKey(typed)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// suggestQuizzes offers the quizzes open now.
func (b *Bot) suggestQuizzes(pr *locales.Printer, typed string) []Suggestion {
	var out []Suggestion
	for _, q := range b.Course().Bank.OpenAt(b.cfg.Clock.Now()) {
		title := q.Title.In(pr.Lang)
		if matches(typed, title, string(q.ID)) {
			out = append(out, Suggestion{Label: title, Value: string(q.ID)})
		}
	}
	return out
}

// suggestElectives offers the course's electives.
func (b *Bot) suggestElectives(pr *locales.Printer, typed string) []Suggestion {
	var out []Suggestion
	for _, e := range b.Course().Agenda.Electives {
		title := e.Title.In(pr.Lang)
		if matches(typed, title, e.ID) {
			out = append(out, Suggestion{Label: title, Value: e.ID})
		}
	}
	return out
}

// suggestZones offers the preset zones and the places /timezone knows
// that match, and what the text itself resolves to (an offset, an IANA
// name), labelled with their offset now.
func (b *Bot) suggestZones(_ *locales.Printer, typed string) []Suggestion {
	now := b.cfg.Clock.Now()
	var names []string
	if loc, _, ok := resolveZone(typed); ok && typed != "" {
		names = append(names, loc.String())
	}
	for _, z := range zonePresets() {
		if matches(typed, z) {
			names = append(names, z)
		}
	}
	if typed != "" {
		places := zoneAliases()
		for _, place := range slices.Sorted(maps.Keys(places)) {
			if strings.HasPrefix(place, placeKey(typed)) {
				names = append(names, places[place])
			}
		}
	}
	var out []Suggestion
	for _, name := range compactStable(names) {
		if loc, err := time.LoadLocation(name); err == nil {
			out = append(out, Suggestion{Label: zoneSuggestLabel(loc, now), Value: name})
		}
	}
	return out
}

// zoneSuggestLabel names a zone with its offset now: "America/Bogota
// (UTC-5)".
func zoneSuggestLabel(loc *time.Location, now time.Time) string {
	_, off := now.In(loc).Zone()
	return fmt.Sprintf("%s (UTC%s)", zoneLabel(loc), offsetText(off))
}

// compactStable drops repeats, keeping the first of each.
func compactStable(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
