package schedule

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/locales"
)

// Filter selects agenda events for export. Zero values select everything.
type Filter struct {
	Elective string       // only this elective's sessions
	Lang     locales.Lang // only sessions held in this language
}

// Select returns the events of a that pass f, in agenda order.
func (a *Agenda) Select(f Filter) []Event {
	var out []Event
	for _, ev := range a.Events {
		if f.Elective != "" && ev.Elective != f.Elective {
			continue
		}
		if f.Lang != "" && !slices.Contains(ev.Languages, f.Lang) {
			continue
		}
		out = append(out, ev)
	}
	return out
}

// jsonEvent is the published JSON shape of one session.
type jsonEvent struct {
	ID          string         `json:"id"`
	Week        int            `json:"week"`
	Kind        Kind           `json:"kind"`
	Theme       Theme          `json:"theme,omitempty"`
	Elective    string         `json:"elective,omitempty"`
	Title       locales.Text   `json:"title"`
	Languages   []locales.Lang `json:"languages"`
	Speakers    []string       `json:"speakers,omitempty"`
	PreRecorded bool           `json:"pre_recorded"`
	Link        string         `json:"link,omitempty"`
	StartUTC    string         `json:"start_utc"`
	EndUTC      string         `json:"end_utc"`
	StartLocal  string         `json:"start_local"`
	EndLocal    string         `json:"end_local"`
	TimeZone    string         `json:"time_zone"`
}

// WriteJSON writes the selected events as a JSON array, each with its
// instants in UTC and in course-local time, both RFC 3339.
func (a *Agenda) WriteJSON(w io.Writer, f Filter) error {
	events := a.Select(f)
	out := make([]jsonEvent, 0, len(events))
	for _, ev := range events {
		out = append(out, jsonEvent{
			ID: ev.ID, Week: ev.Week, Kind: ev.Kind, Theme: ev.Theme, Elective: ev.Elective,
			Title: ev.Title, Languages: ev.Languages, Speakers: ev.Speakers,
			PreRecorded: ev.PreRecorded, Link: ev.Link,
			StartUTC: ev.Start.UTC().Format(time.RFC3339), EndUTC: ev.End.UTC().Format(time.RFC3339),
			StartLocal: a.Local(ev.Start).Format(time.RFC3339), EndLocal: a.Local(ev.End).Format(time.RFC3339),
			TimeZone: a.Location.String(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ICSOptions name the calendar and its UIDs.
type ICSOptions struct {
	CalendarName string
	UIDDomain    string       // UIDs are <session id>@<UIDDomain>: stable across exports
	SummaryLang  locales.Lang // "" for bilingual summaries
	Stamp        time.Time    // DTSTAMP: when the calendar was produced
}

// WriteICS writes the selected events as an RFC 5545 calendar. Instants
// are written in UTC, which every calendar application converts to its
// user's zone, so no VTIMEZONE is needed and daylight saving is exact.
func (a *Agenda) WriteICS(w io.Writer, f Filter, o ICSOptions) error {
	return WriteEventsICS(w, a.Select(f), o)
}

// WriteEventsICS writes events as an RFC 5545 calendar, as WriteICS does:
// for a calendar of one's own (a participant's electives and plenaries).
func WriteEventsICS(w io.Writer, events []Event, o ICSOptions) error {
	ic := &icsWriter{w: w}
	ic.line("BEGIN:VCALENDAR")
	ic.line("VERSION:2.0")
	ic.line("PRODID:-//elmabot//course agenda//EN")
	ic.line("CALSCALE:GREGORIAN")
	ic.line("METHOD:PUBLISH")
	ic.prop("X-WR-CALNAME", "", o.CalendarName)
	for _, ev := range events {
		icsEvent(ic, ev, o)
	}
	ic.line("END:VCALENDAR")
	return ic.err
}

func icsEvent(ic *icsWriter, ev Event, o ICSOptions) {
	const stamp = "20060102T150405Z"
	ic.line("BEGIN:VEVENT")
	ic.prop("UID", "", ev.ID+"@"+o.UIDDomain)
	ic.line("DTSTAMP:" + o.Stamp.UTC().Format(stamp))
	ic.line("DTSTART:" + ev.Start.UTC().Format(stamp))
	ic.line("DTEND:" + ev.End.UTC().Format(stamp))
	langParam, summary := "", ev.Title.EN+" / "+ev.Title.ES
	if o.SummaryLang != "" {
		langParam, summary = ";LANGUAGE="+string(o.SummaryLang), ev.Title.In(o.SummaryLang)
	} else if ev.Title.EN == ev.Title.ES {
		summary = ev.Title.EN
	}
	ic.prop("SUMMARY", langParam, summary+" ["+langTag(ev.Languages)+"]")
	ic.prop("DESCRIPTION", "", describe(ev))
	if ev.Link != "" {
		// Sessions are online: the link is where they take place.
		ic.prop("URL", "", ev.Link)
		ic.prop("LOCATION", "", ev.Link)
	}
	cats := []string{string(ev.Kind)}
	if ev.Theme != "" {
		cats = append(cats, string(ev.Theme))
	}
	ic.line("CATEGORIES:" + strings.Join(mapEscape(cats), ","))
	ic.line("END:VEVENT")
}

// describe is the plain-text body of a calendar event, in both languages.
func describe(ev Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n", ev.Title.EN, ev.Title.ES)
	fmt.Fprintf(&b, "Languages / Idiomas: %s\n", langTag(ev.Languages))
	if len(ev.Speakers) > 0 {
		fmt.Fprintf(&b, "Speakers / Ponentes: %s\n", strings.Join(ev.Speakers, ", "))
	}
	if ev.PreRecorded {
		b.WriteString("Pre-recorded / Pregrabada\n")
	}
	if ev.Link != "" {
		fmt.Fprintf(&b, "%s\n", ev.Link)
	}
	return strings.TrimRight(b.String(), "\n")
}

// langTag renders languages as "EN" or "EN/ES".
func langTag(langs []locales.Lang) string {
	parts := make([]string, len(langs))
	for i, l := range langs {
		parts[i] = strings.ToUpper(string(l))
	}
	return strings.Join(parts, "/")
}

// icsWriter writes content lines with CRLF endings, folded at 75 octets
// without splitting a UTF-8 character, as RFC 5545 section 3.1 requires.
type icsWriter struct {
	w   io.Writer
	err error
}

func (ic *icsWriter) prop(name, params, value string) {
	ic.line(name + params + ":" + escapeText(value))
}

func (ic *icsWriter) line(s string) {
	if ic.err != nil {
		return
	}
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
		limit = 74 // the leading space of a continuation counts
	}
	b.WriteString(s + "\r\n")
	_, ic.err = io.WriteString(ic.w, b.String())
}

// escapeText escapes a TEXT value (RFC 5545 section 3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

func mapEscape(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = escapeText(s)
	}
	return out
}
