package moodle

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// largeXML is a Moodle XML export of about size bytes in which every
// question has one of a few names, as banks copied question by question
// do ("Question 1", "Question 1", ...).
func largeXML(size int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<question type="multichoice">
<name><text>Question %d</text></name>
<questiontext format="html"><text><![CDATA[<p>Which convention covers migrant workers? (%d)</p>]]></text></questiontext>
<generalfeedback format="html"><text>See ILO C097 and C143.</text></generalfeedback>
<single>true</single>
<answer fraction="100" format="html"><text>C097</text><feedback format="html"><text>Right.</text></feedback></answer>
<answer fraction="0" format="html"><text>C001</text><feedback format="html"><text>No.</text></feedback></answer>
<answer fraction="0" format="html"><text>C029</text></answer>
</question>
`, i%3, i)
	}
	b.WriteString("</quiz>\n")
	return b.Bytes()
}

// BenchmarkParseXMLRepeatedNames parses 2 MB and 20 MB exports whose
// questions share three names. The time must grow linearly with the
// size: the same MB/s for both.
func BenchmarkParseXMLRepeatedNames(b *testing.B) {
	for _, mb := range []int{2, 20} {
		data := largeXML(mb << 20)
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			n := 0
			for b.Loop() {
				res, err := ParseXML(bytes.NewReader(data), locales.EN)
				if err != nil || len(res.Questions) == 0 {
					b.Fatal(len(res.Questions), err)
				}
				n = len(res.Questions)
			}
			b.ReportMetric(float64(n), "questions")
		})
	}
}
