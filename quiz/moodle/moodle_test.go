package moodle

import (
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

func TestParsePicksFormatByExtension(t *testing.T) {
	for _, name := range []string{"testdata/bank.gift", "testdata/BANK.TXT", "testdata/bank.xml"} {
		file := name
		if strings.HasSuffix(name, ".TXT") {
			file = "testdata/bank.gift"
		}
		res, err := Parse(name, open(t, file), locales.EN)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(res.Questions) == 0 {
			t.Errorf("%s: no questions", name)
		}
	}
	if _, err := Parse("bank.docx", strings.NewReader(""), locales.EN); err == nil {
		t.Error("Parse accepted a .docx")
	}
}

func TestUnsupportedLanguage(t *testing.T) {
	if _, err := ParseGIFT(strings.NewReader("A?{T}"), "fr"); err == nil {
		t.Error("ParseGIFT accepted French")
	}
	if _, err := ParseXML(strings.NewReader("<quiz/>"), ""); err == nil {
		t.Error("ParseXML accepted an empty language")
	}
}
