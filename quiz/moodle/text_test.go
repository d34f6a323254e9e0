package moodle

import (
	"testing"

	"github.com/elmabot/elmabot/locales"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		f    format
		lang locales.Lang
		want locales.Text
	}{
		{"plain text goes to the export's language", "Hola", formatHTML, locales.ES, locales.Text{ES: "Hola"}},
		{"paragraphs and breaks become lines", "<p>One</p><p>Two<br/>Three</p><p>&nbsp;</p><p>Four</p>", formatHTML, locales.EN,
			en("One\nTwo\nThree\n\nFour")},
		{"source line breaks are spaces in HTML", "A\n  long\tline", formatHTML, locales.EN, en("A long line")},
		{"and lines in Moodle's auto-format", "A\n  long\tline", formatMoodle, locales.EN, en("A\nlong line")},
		{"a lone < is text", "a < b &lt; c", formatHTML, locales.EN, en("a < b < c")},
		{"scripts, styles and comments vanish", "x<script>alert(1)</script><style>p{}</style><!-- note -->y", formatHTML, locales.EN, en("xy")},
		{"spans inside a multilang span", `<span lang="en" class="multilang"><span style="color:red">Red</span> alert</span><span lang="es" class="multilang">Alerta <span>roja</span></span>`,
			formatHTML, locales.EN, bi("Red alert", "Alerta roja")},
		{"shared text around the blocks", `Q1. {mlang en}Where?{mlang} {mlang es}¿Dónde?{mlang} (2 pts)`, formatHTML, locales.EN,
			bi("Q1. Where? (2 pts)", "Q1. ¿Dónde? (2 pts)")},
		{"regional tags and other languages", `{mlang es_mx}Hola{mlang}{mlang fr}Salut{mlang}{mlang EN}Hi{mlang}{mlang other}Hey{mlang}`,
			formatHTML, locales.ES, bi("Hi", "Hola")},
		{"a group missing one language shows the other", `{mlang en}A{mlang}{mlang es}B{mlang} and {mlang en}C{mlang}`, formatHTML, locales.EN,
			bi("A and C", "B and C")},
		{"only one language marked", `{mlang en}Only English{mlang}`, formatHTML, locales.ES, en("Only English")},
		{"unclosed markers stay as text", `{mlang en}Hi <span lang="es" class="multilang">Hola`, formatHTML, locales.EN,
			en("{mlang en}Hi Hola")},
		{"spans without the multilang class are ordinary", `<span lang="es">Hola</span>`, formatHTML, locales.EN, en("Hola")},
		{"single-quoted attributes", `<span class='multilang' lang='es'>Hola</span><span class='multilang' lang='en'>Hi</span>`,
			formatHTML, locales.EN, bi("Hi", "Hola")},
	}
	for _, tt := range tests {
		if got := convert(tt.raw, tt.f, tt.lang); got != tt.want {
			t.Errorf("%s: convert(%q) = %#v, want %#v", tt.name, tt.raw, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Migrant workers":           "migrant-workers",
		"  Pregunta 3: ¿Migración?": "pregunta-3-migracion",
		"Ñandú & Œuvre":             "nandu-oeuvre",
		"日本":                        "",
		"A very long question name that goes on and on and on": "a-very-long-question-name-that-goes-on",
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
		if len(slug(in)) > maxSlug {
			t.Errorf("slug(%q) is longer than %d", in, maxSlug)
		}
	}
}
