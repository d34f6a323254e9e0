package schedule

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/locales"
)

func testAgenda(t *testing.T) *Agenda {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2022, 10, 28, 16, 0, 0, 0, loc)
	return &Agenda{Location: loc, Events: []Event{{
		ID: "w2-x-1", Week: 2, Kind: ElectiveSession, Theme: Protection, Elective: "x",
		Title:     locales.Text{EN: "Migración, derechos; y más, con \"comillas\" y una línea larga que obliga a plegar la línea del calendario", ES: "Título español"},
		Languages: []locales.Lang{locales.EN}, Speakers: []string{"François Crépeau"}, PreRecorded: true,
		Link: "https://example.org/live", Start: start.UTC(), End: start.Add(90 * time.Minute).UTC(),
	}}}
}

func TestICSFoldsAndEscapes(t *testing.T) {
	var buf bytes.Buffer
	err := testAgenda(t).WriteICS(&buf, Filter{}, ICSOptions{CalendarName: "Test", UIDDomain: "t.example", Stamp: time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("folding split a character: %q", line)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:Migración\, derechos\; y más\, con "comillas"`,
		"DTSTART:20221028T140000Z", "DTEND:20221028T153000Z",
		`DESCRIPTION:`, `Speakers / Ponentes: François Crépeau\nPre-recorded / Pregrabada`,
		"CATEGORIES:elective,protection", "UID:w2-x-1@t.example",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("calendar lacks %q:\n%s", want, unfolded)
		}
	}
}

func TestSelect(t *testing.T) {
	a := testAgenda(t)
	if n := len(a.Select(Filter{Lang: locales.ES})); n != 0 {
		t.Errorf("Spanish filter kept %d English-only sessions", n)
	}
	if n := len(a.Select(Filter{Elective: "x", Lang: locales.EN})); n != 1 {
		t.Errorf("elective and language filter kept %d, want 1", n)
	}
}
