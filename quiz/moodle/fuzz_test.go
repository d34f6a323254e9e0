package moodle

import (
	"bytes"
	"os"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// The fuzzers check that no input makes the parsers panic, and that every
// question they return is one the bot can ask. Plain `go test` runs only
// the seeds; fuzz with
//
//	go test -fuzz FuzzParseGIFT -fuzztime 20s ./quiz/moodle/

func FuzzParseGIFT(f *testing.F) {
	addFile(f, "testdata/bank.gift")
	for _, s := range []string{
		"A?{=a ~b}", "{T#x#y####z}", "::a::[html]<span lang=\"en\" class=\"multilang\">x</span>{=a ~b}",
		"\\{mlang en\\}x\\{mlang\\}{~%100%a ~%-1e3%b}", "{", "}", "::x", "a{=b\n\n~c}", "{#}", "{~%50%a ~%50%b}",
		"{mlang en}{mlang}{mlang", "<b x='1'>{</b>", "$CATEGORY:\n{=a ~b}\\",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseGIFT(bytes.NewReader(data), locales.EN)
		if err == nil {
			checkInvariants(t, res)
		}
	})
}

func FuzzParseXML(f *testing.F) {
	addFile(f, "testdata/bank.xml")
	for _, s := range []string{
		`<quiz><question type="truefalse"><questiontext><text>x</text></questiontext><answer fraction="100"><text>true</text></answer></question></quiz>`,
		`<quiz><question type="multichoice"><answer fraction="NaN"><text>a</text></answer></question></quiz>`,
		`<quiz><question type="multichoice"><questiontext><text><![CDATA[<span lang="es" class="multilang"><span>x</span>]]></text></questiontext></question></quiz>`,
		"<quiz>", "<x/>", "", "<quiz><question></quiz>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseXML(bytes.NewReader(data), locales.ES)
		if err == nil {
			checkInvariants(t, res)
		}
	})
}

func addFile(f *testing.F, name string) {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}
