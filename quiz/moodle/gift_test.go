package moodle

import (
	"errors"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

func TestParseGIFTBank(t *testing.T) {
	res, err := ParseGIFT(open(t, "testdata/bank.gift"), locales.EN)
	if err != nil {
		t.Fatal(err)
	}
	want := []quiz.Question{{
		ID:      "q1",
		Text:    en("What does ILO stand for?"),
		Options: ens("International Labour Organization", "International Law Office", "Interior Labour Office"),
		Points:  1,
	}, {
		ID:          "migrant-workers",
		Text:        en("How many international migrant workers were there in 2019, by ILO estimates?"),
		Options:     ens("169 million", "69 million", "1 billion"),
		Explanation: en("ILO Global Estimates on International Migrant Workers, 2021."),
		Points:      1,
	}, {
		ID:      "multi-line",
		Text:    en("Which instrument\ncovers fair recruitment?"),
		Options: ens("The General Principles and Operational Guidelines for Fair Recruitment", "The Global Compact for Migration, objective 6"),
		Points:  1,
	}, {
		ID:      "c189",
		Text:    en("The Domestic Workers Convention is C189."),
		Options: trueFalseOptions,
		Points:  1,
	}, {
		ID:          "recruitment-fees",
		Text:        en("Workers should pay recruitment fees."),
		Options:     trueFalseOptions,
		Correct:     1,
		Explanation: en("Right: fees fall on employers."),
		Points:      1,
	}, {
		ID:          "remittances",
		Text:        en("Remittances are sent home by migrants."),
		Options:     trueFalseOptions,
		Explanation: en("They are a major source of income for many families."),
		Points:      1,
	}, {
		ID:      "bilingual-span",
		Text:    bi("Which body adopted the Global Compact?", "¿Qué órgano adoptó el Pacto Mundial?"),
		Options: []locales.Text{bi("UN General Assembly", "Asamblea General de la ONU"), bi("Security Council", "Consejo de Seguridad")},
		Points:  1,
	}, {
		ID:          "bilingual-mlang",
		Text:        bi("Is social protection portable?", "¿Es portátil la protección social?"),
		Options:     []locales.Text{bi("Always", "Siempre"), bi("Only under an agreement", "Solo con un acuerdo")},
		Correct:     1,
		Explanation: bi("Bilateral or multilateral agreements make it so.", "Los acuerdos bilaterales o multilaterales lo hacen posible."),
		Points:      1,
	}, {
		ID:      "entities",
		Text:    en("Which is \"safe & fair\"?\nPick one."),
		Options: ens("Regular migration", "Irregular migration"),
		Points:  1,
	}, {
		ID:      "escapes-one",
		Text:    en("Which symbol sets { and } apart? Not ~, = or #."),
		Options: ens(`A backslash: \`, "A tilde ~"),
		Points:  1,
	}, {
		ID:      "weights",
		Text:    en("Pick the right source."),
		Options: ens("Labour force surveys", "Guesswork", "Rumour"),
		Points:  1,
	}, {
		ID:      "q12",
		Text:    en("The _____ was adopted in 2018."),
		Options: ens("Global Compact", "Migrant Charter"),
		Points:  1,
	}, {
		ID:      "migrant-workers-2",
		Text:    en("Do migrant workers have the right to join unions?"),
		Options: trueFalseOptions,
		Points:  1,
	}, {
		ID:      "migracion-laboral",
		Text:    en("¿La OIT es una agencia de la ONU?"),
		Options: trueFalseOptions,
		Points:  1,
	}}
	sameQuestions(t, res.Questions, want)
	sameSkipped(t, res.Skipped, []Skipped{
		{Line: 57, Name: "Vacío", Reason: "essay question"},
		{Line: 59, Name: "Short", Reason: "short answer question"},
		{Line: 61, Name: "Matching", Reason: "matching question"},
		{Line: 67, Name: "Numeric", Reason: "numerical question"},
		{Line: 69, Name: "Partial", Reason: "partial credit 50%"},
		{Line: 71, Name: "Two right", Reason: "multiple correct answers"},
		{Line: 73, Name: "Note", Reason: "description (no answers)"},
	})
	checkInvariants(t, res)
}

// TestParseGIFTCases covers one rule per input.
func TestParseGIFTCases(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		lang    locales.Lang
		want    []quiz.Question
		skipped []Skipped
	}{{
		name: "Spanish export fills the Spanish slot",
		in:   "::P1:: ¿Dónde está la sede de la OIT?{=Ginebra#Sí, en Suiza. ~Nueva York}",
		lang: locales.ES,
		want: []quiz.Question{{ID: "p1", Text: locales.Text{ES: "¿Dónde está la sede de la OIT?"},
			Options: []locales.Text{{ES: "Ginebra"}, {ES: "Nueva York"}}, Explanation: locales.Text{ES: "Sí, en Suiza."}, Points: 1}},
	}, {
		name: "general feedback wins over the answer's feedback",
		in:   "Pick A.{=A#answer feedback ~B####general feedback}",
		want: []quiz.Question{{ID: "q1", Text: en("Pick A."), Options: ens("A", "B"), Explanation: en("general feedback"), Points: 1}},
	}, {
		name: "unescaped mlang markers and multilang attributes are text",
		in:   `{mlang en}Yes?{mlang}{mlang es}¿Sí?{mlang}{~<span lang="en" class="multilang">no</span><span lang="es" class="multilang">no</span> =<span lang="en" class="multilang">yes</span><span lang="es" class="multilang">sí</span>}`,
		want: []quiz.Question{{ID: "q1", Text: bi("Yes?", "¿Sí?"), Options: []locales.Text{bi("no", "no"), bi("yes", "sí")}, Correct: 1, Points: 1}},
	}, {
		name: "lowercase true and false, Windows line ends and a byte order mark",
		in:   "\ufeff::A::Geneva hosts the ILO.{true}\r\n\r\n::B::Rome hosts the ILO.{f}\r\n",
		want: []quiz.Question{
			{ID: "a", Text: en("Geneva hosts the ILO."), Options: trueFalseOptions, Points: 1},
			{ID: "b", Text: en("Rome hosts the ILO."), Options: trueFalseOptions, Correct: 1, Points: 1},
		},
	}, {
		name: "a category line straight before a question",
		in:   "$CATEGORY: top/Week 3\n::Q::Pick A.{=A ~B}\n\n$CATEGORY: top/Week 4\n// note\n::R::Pick.{~A ~B}",
		want: []quiz.Question{{ID: "q", Text: en("Pick A."), Options: ens("A", "B"), Points: 1}},
		// The question starts after the category and the comment.
		skipped: []Skipped{{Line: 6, Name: "R", Reason: "no correct answer"}},
	}, {
		name:    "skips carry the line of the question's first line",
		in:      "// intro\n\n// about Q\n::Q::Pick.{~A ~B}\n",
		skipped: []Skipped{{Line: 4, Name: "Q", Reason: "no correct answer"}},
	}, {
		name: "other skips",
		in: "::Two::Pick {=A ~B} and {=C ~D}.\n\n" +
			"::Odd::Pick.{A or B}\n\n" +
			"::Blank::Pick.{=A ~}\n\n" +
			"::One::Pick.{~%100%A}\n\n" +
			"{=A ~B}\n\n" +
			"::Penalty::Pick.{=%50%A ~B}",
		skipped: []Skipped{
			{Line: 1, Name: "Two", Reason: "several answer blocks"},
			{Line: 3, Name: "Odd", Reason: "unrecognised answer block"},
			{Line: 5, Name: "Blank", Reason: "empty answer text"},
			{Line: 7, Name: "One", Reason: "fewer than two answers"},
			{Line: 9, Name: "", Reason: "empty question text"},
			{Line: 11, Name: "Penalty", Reason: "partial credit 50%"},
		},
	}, {
		name: "formats: plain keeps tags, markdown keeps line breaks",
		in:   "[plain]Is <b> a tag?{=[html]<i>Yes</i> ~[plain]<i>No</i>}\n\n[markdown]**Bold**\nline{T}",
		want: []quiz.Question{
			{ID: "q1", Text: en("Is <b> a tag?"), Options: ens("Yes", "<i>No</i>"), Points: 1},
			{ID: "q2", Text: en("**Bold**\nline"), Options: trueFalseOptions, Points: 1},
		},
	}, {
		name: "weights that are not numbers are text",
		in:   "Pick.{~%abc%A =B ~%NaN%C ~%5 D}",
		want: []quiz.Question{{ID: "q1", Text: en("Pick."), Options: ens("%abc%A", "B", "%NaN%C", "%5 D"), Correct: 1, Points: 1}},
	}, {
		name: "true/false with only the wrong-answer feedback has no explanation",
		in:   "::Fees::Workers pay fees.{F#Employers pay them.}",
		want: []quiz.Question{{ID: "fees", Text: en("Workers pay fees."), Options: trueFalseOptions, Correct: 1, Points: 1}},
	}, {
		name: "names collide after slugging, including with generated ids",
		in:   "::Q 2::A?{T}\n\n::q-2::B?{T}\n\nC?{T}",
		want: []quiz.Question{
			{ID: "q-2", Text: en("A?"), Options: trueFalseOptions, Points: 1},
			{ID: "q-2-2", Text: en("B?"), Options: trueFalseOptions, Points: 1},
			{ID: "q3", Text: en("C?"), Options: trueFalseOptions, Points: 1},
		},
	}, {
		name: "empty input",
		in:   "// nothing but comments\n\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lang := tt.lang
			if lang == "" {
				lang = locales.EN
			}
			res, err := ParseGIFT(strings.NewReader(tt.in), lang)
			if err != nil {
				t.Fatal(err)
			}
			sameQuestions(t, res.Questions, tt.want)
			sameSkipped(t, res.Skipped, tt.skipped)
			checkInvariants(t, res)
		})
	}
}

func TestParseGIFTErrors(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{"::Q1::A?{T}\n\n::Q2::B?{\n=yes\n~no\n", 3, "never closed"},
		{"::Q1::A?{=yes\n~no\n\n::Q2::B?{T}", 4, "inside the answer block opened at line 1"},
		{"::Q1::A?{T}\n\nB is } odd", 3, "} without an answer block"},
		{"::Q1 A?{T}", 1, "title"},
	}
	for _, tt := range tests {
		_, err := ParseGIFT(strings.NewReader(tt.in), locales.EN)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: got error %v, want a *moodle.Error", tt.in, err)
			continue
		}
		if e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || !strings.HasPrefix(e.Error(), "gift: line ") {
			t.Errorf("%q: got %q at line %d, want %q at line %d", tt.in, e.Error(), e.Line, tt.msg, tt.line)
		}
	}
}
