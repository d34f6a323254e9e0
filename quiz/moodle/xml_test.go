package moodle

import (
	"errors"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

func TestParseXMLBank(t *testing.T) {
	res, err := ParseXML(open(t, "testdata/bank.xml"), locales.EN)
	if err != nil {
		t.Fatal(err)
	}
	want := []quiz.Question{{
		ID:      "labour-migration-governance",
		Text:    en("Which instrument sets out fair recruitment principles?"),
		Options: ens("The ILO General Principles and Operational Guidelines", "The Vienna Convention", "The Treaty of Rome"),
		// No general feedback, so the right answer's feedback explains.
		Explanation: en("Yes: adopted in 2016, revised in 2019."),
		Points:      1,
	}, {
		ID:          "entities-cdata",
		Text:        en("Migrants' rights are “human rights”.\nWhich body says so first?"),
		Options:     ens("G20", "UN General Assembly"),
		Correct:     1,
		Explanation: en("The Universal Declaration (1948) & later treaties."),
		Points:      1,
	}, {
		ID:          "social-dialogue",
		Text:        en("Social dialogue involves governments,\nemployers and workers."),
		Options:     trueFalseOptions,
		Explanation: en("Tripartism is at the heart of the ILO."),
		Points:      1,
	}, {
		ID:          "visa",
		Text:        en("All migrant workers need a visa."),
		Options:     trueFalseOptions,
		Correct:     1,
		Explanation: en("Free movement areas such as ECOWAS waive visas."),
		Points:      1,
	}, {
		ID:          "spans",
		Text:        bi("Which region hosts the most migrant workers?", "¿Qué región acoge a más trabajadores migrantes?"),
		Options:     []locales.Text{bi("Europe", "Europa"), bi("Oceania", "Oceanía")},
		Explanation: bi("Northern, Southern and Western Europe.", "Europa septentrional, meridional y occidental."),
		Points:      1,
	}, {
		ID:          "mlang",
		Text:        bi("Who pays recruitment fees?", "¿Quién paga las comisiones de contratación?"),
		Options:     []locales.Text{bi("The worker", "El trabajador"), bi("The employer", "El empleador")},
		Correct:     1,
		Explanation: bi("The employer pays.", "Paga el empleador."),
		Points:      1,
	}, {
		ID:      "labour-migration-governance-2",
		Text:    en("Who adopted the Global Compact for Safe, Orderly and Regular Migration?"),
		Options: ens("UN member states", "The ILO alone"),
		Points:  1,
	}}
	sameQuestions(t, res.Questions, want)
	sameSkipped(t, res.Skipped, []Skipped{
		{Line: 158, Name: "Final essay", Reason: "essay question"},
		{Line: 168, Name: "Acronym", Reason: "short answer question"},
		{Line: 181, Name: "Match conventions", Reason: "matching question"},
		{Line: 195, Name: "Founded", Reason: "numerical question"},
		{Line: 209, Name: "Checkboxes", Reason: "multiple-answer question (single=false)"},
		{Line: 223, Name: "Two right", Reason: "multiple correct answers"},
		{Line: 237, Name: "Half right", Reason: "partial credit 50%"},
		{Line: 251, Name: "Drag words", Reason: "drag and drop into text question"},
	})
	checkInvariants(t, res)
}

func TestParseXMLCases(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		lang    locales.Lang
		want    []quiz.Question
		skipped []Skipped
	}{{
		name: "Spanish export, no name, single defaults to true",
		lang: locales.ES,
		in: `<quiz><question type="multichoice"><questiontext><text>¿Sede?</text></questiontext>
<answer fraction="100"><text>Ginebra</text></answer><answer fraction="0"><text>Roma</text></answer></question></quiz>`,
		want: []quiz.Question{{ID: "q1", Text: locales.Text{ES: "¿Sede?"},
			Options: []locales.Text{{ES: "Ginebra"}, {ES: "Roma"}}, Points: 1}},
	}, {
		name: "true/false oddities",
		in: `<quiz>
<question type="truefalse"><name><text>A</text></name><questiontext><text>A?</text></questiontext>
<answer fraction="100"><text>yes</text></answer><answer fraction="0"><text>no</text></answer></question>
<question type="truefalse"><name><text>B</text></name><questiontext><text>B?</text></questiontext>
<answer fraction="0"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
<question type="multichoice"><name><text>C</text></name><questiontext><text>C?</text></questiontext>
<answer fraction="full"><text>x</text></answer></question>
<question type=""><name><text>D</text></name></question>
<question type="randomwidget"><name><text>E</text></name></question>
<question type="truefalse"><name><text>F</text></name><answer fraction="50"><text>true</text></answer></question>
<question type="truefalse"><name><text>G</text></name><answer fraction="100"><text>true</text></answer><answer fraction="100"><text>false</text></answer></question>
<question type="truefalse"><name><text>H</text></name><answer fraction="x"><text>true</text></answer></question>
</quiz>`,
		skipped: []Skipped{
			{Line: 2, Name: "A", Reason: "unrecognised true/false answers"},
			{Line: 4, Name: "B", Reason: "no correct answer"},
			{Line: 6, Name: "C", Reason: `invalid fraction "full"`},
			{Line: 8, Name: "D", Reason: "question without a type"},
			{Line: 9, Name: "E", Reason: "randomwidget question"},
			{Line: 10, Name: "F", Reason: "partial credit 50%"},
			{Line: 11, Name: "G", Reason: "multiple correct answers"},
			{Line: 12, Name: "H", Reason: `invalid fraction "x"`},
		},
	}, {
		name: "HTML entities outside CDATA and elements other than questions",
		in: `<?xml version="1.0"?><quiz><info>ignored</info><question type="truefalse"><name><text>Caf&eacute;</text></name>
<questiontext format="plain_text"><text>Is &lt;b&gt; plain?</text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>
trailing text after the root is not read`,
		want: []quiz.Question{{ID: "cafe", Text: en("Is <b> plain?"), Options: trueFalseOptions, Points: 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lang := tt.lang
			if lang == "" {
				lang = locales.EN
			}
			res, err := ParseXML(strings.NewReader(tt.in), lang)
			if err != nil {
				t.Fatal(err)
			}
			sameQuestions(t, res.Questions, tt.want)
			sameSkipped(t, res.Skipped, tt.skipped)
			checkInvariants(t, res)
		})
	}
}

func TestParseXMLErrors(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{"", 1, "no <quiz> element"},
		{"<questions>\n</questions>", 1, "root element is <questions>"},
		{"<quiz>\n<question type=\"essay\">\n<name><text>x</name>\n</question></quiz>", 3, "element <text> closed by </name>"},
		{"<quiz>\n<question type=\"essay\">\n", 3, "ends inside <question>"},
		{"<quiz>\n<question type=\"essay\"></question>\n", 3, "ends inside <quiz>"},
		{"<quiz>\n<info>\n", 3, "ends inside <info>"},
		{"<quiz>\n<question type=\"x\"><text>a & b</text></question></quiz>", 2, "invalid character entity"},
	}
	for _, tt := range tests {
		_, err := ParseXML(strings.NewReader(tt.in), locales.EN)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: got error %v, want a *moodle.Error", tt.in, err)
			continue
		}
		if e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || !strings.HasPrefix(e.Error(), "moodle xml: line ") {
			t.Errorf("%q: got %q at line %d, want %q at line %d", tt.in, e.Error(), e.Line, tt.msg, tt.line)
		}
	}
}
