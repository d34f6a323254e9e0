package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// rosterRow is one person of the roster file and the line they are on.
type rosterRow struct {
	line  int
	code  string // as written, for the output
	entry store.RosterEntry
}

// The roster's columns, by the names people give them in English or
// Spanish. Headers are compared after rosterHeaderKey.
const (
	colName      = "name"
	colCohort    = "cohort"
	colLang      = "lang"
	colRole      = "role"
	colCode      = "code"
	colEmail     = "email"
	colIDNumber  = "id number"
	colOrgType   = "organization type"
	colGender    = "gender"
	colCountry   = "country"
	colElectives = "electives"
)

// rosterHeaders maps every accepted header to its column.
func rosterHeaders() map[string]string {
	return map[string]string{
		"name": colName, "nombre": colName, "full name": colName, "nombre completo": colName,
		"cohort": colCohort, "cohorte": colCohort,
		"lang": colLang, "language": colLang, "idioma": colLang,
		"role": colRole, "rol": colRole,
		"code": colCode, "codigo": colCode,
		"email": colEmail, "e mail": colEmail, "correo": colEmail, "correo electronico": colEmail,
		"id number": colIDNumber, "numero de identificacion": colIDNumber, "dni": colIDNumber,
		"organization type": colOrgType, "organisation type": colOrgType, "tipo de organizacion": colOrgType,
		"gender": colGender, "genero": colGender,
		"country": colCountry, "pais": colCountry,
		"electives": colElectives, "electivos": colElectives, "electivas": colElectives,
	}
}

// optionalColumns are written back in this order when the file has them.
func optionalColumns() []string {
	return []string{colEmail, colIDNumber, colOrgType, colGender, colCountry, colElectives}
}

// rosterHeaderKey folds a header: no case, accents, underscores or dashes.
func rosterHeaderKey(h string) string {
	h = strings.NewReplacer("_", " ", "-", " ").Replace(h)
	return store.NameKey(h)
}

// readRoster reads the roster CSV (see openCSV), with English or Spanish
// headers. Every problem is reported with its line; a syntax error stops
// the reading. isElective, when not nil, checks elective ids.
func readRoster(name string, src io.Reader, isElective func(string) bool) ([]rosterRow, []string, error) {
	r, header, err := openCSV(name, src)
	if err != nil {
		return nil, nil, err
	}
	col, present, err := rosterColumns(name, header, r.Comma)
	if err != nil {
		return nil, nil, err
	}
	var rows []rosterRow
	err = csvRows(name, r, func(line int, rec []string) error {
		row, err := parseRosterRow(rec, col, isElective)
		if err != nil {
			return err
		}
		row.line = line
		rows = append(rows, row)
		return nil
	})
	return rows, present, err
}

// openCSV starts reading a CSV file people made: UTF-8 with or without
// a byte-order mark, separated by commas or semicolons (as Excel writes
// it where the decimal separator is a comma). It returns the reader past
// the header line, and the header.
func openCSV(name string, src io.Reader) (*csv.Reader, []string, error) {
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, nil, csvError(name, err, "no header line")
	}
	return r, header, nil
}

// csvRows calls fn with each line after the header that is not blank,
// and its line number. Every problem fn reports is kept, with its line;
// a syntax error stops the reading.
func csvRows(name string, r *csv.Reader, fn func(line int, rec []string) error) error {
	var problems []error
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The reader cannot be trusted past a syntax error.
			return errors.Join(append(problems, csvError(name, err, ""))...)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if err := fn(line, rec); err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", name, line, err))
		}
	}
	return errors.Join(problems...)
}

// separator picks ';' when the header line has more semicolons than
// commas outside quotes, else ','.
func separator(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			return pick(semis > commas)
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	return pick(semis > commas)
}

func pick(semicolon bool) rune {
	if semicolon {
		return ';'
	}
	return ','
}

// csvError names the line of a CSV syntax error.
func csvError(name string, err error, atEOF string) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s:%d: column %d: %w", name, pe.Line, pe.Column, pe.Err)
	case errors.Is(err, io.EOF) && atEOF != "":
		return fmt.Errorf("%s:1: %s", name, atEOF)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// rosterColumns finds the columns of the header line; present lists the
// optional ones the file has.
func rosterColumns(name string, header []string, sep rune) (map[string]int, []string, error) {
	known := rosterHeaders()
	col := map[string]int{}
	for i, h := range header {
		c, ok := known[rosterHeaderKey(h)]
		if !ok {
			continue // other columns, such as telegram_link, are left alone
		}
		if j, dup := col[c]; dup {
			return nil, nil, fmt.Errorf("%s:1: columns %d (%q) and %d (%q) are both %s", name, j+1, header[j], i+1, h, c)
		}
		col[c] = i
	}
	if _, ok := col[colName]; !ok {
		return nil, nil, fmt.Errorf("%s:1: the header has no name column: it has %s, separated by %q; want name or nombre, and optionally cohort, lang, role, code, email, id number, organization type, gender, country, electives (or their Spanish names)",
			name, quoteAll(header), sep)
	}
	var present []string
	for _, c := range optionalColumns() {
		if _, ok := col[c]; ok {
			present = append(present, c)
		}
	}
	return col, present, nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// cell reads a column of a record: trimmed, and without the quote that
// our own output puts before a formula-like value (see gradebook.SafeCell).
func cell(rec []string, col map[string]int, c string) string {
	i, ok := col[c]
	if !ok || i >= len(rec) {
		return ""
	}
	v := strings.TrimSpace(rec[i])
	if len(v) > 1 && v[0] == '\'' && strings.IndexByte(gradebook.FormulaLeads, v[1]) >= 0 {
		v = v[1:]
	}
	return v
}

// parseRosterRow checks one person's line.
func parseRosterRow(rec []string, col map[string]int, isElective func(string) bool) (rosterRow, error) {
	get := func(c string) string { return cell(rec, col, c) }
	raw := get(colName)
	if raw == "" {
		return rosterRow{}, errors.New("name is empty")
	}
	name, ok := store.CleanName(raw)
	if !ok {
		return rosterRow{}, fmt.Errorf("name %q must be %d-%d printable characters, as in the chat", raw, store.MinNameLength, store.MaxNameLength)
	}
	e := store.RosterEntry{Name: name, Cohort: get(colCohort), Details: store.Details{
		Email: get(colEmail), IDNumber: get(colIDNumber), OrgType: get(colOrgType), Gender: get(colGender), Country: get(colCountry),
	}}
	var err error
	if e.Lang, err = rosterLang(get(colLang)); err != nil {
		return rosterRow{}, err
	}
	if e.Coordinator, err = rosterRole(get(colRole)); err != nil {
		return rosterRow{}, err
	}
	if e.Electives, err = rosterElectives(get(colElectives), isElective); err != nil {
		return rosterRow{}, err
	}
	code := get(colCode)
	if err := checkCode(code); err != nil {
		return rosterRow{}, err
	}
	e.Code = code
	return rosterRow{code: code, entry: e}, nil
}

func rosterLang(tag string) (locales.Lang, error) {
	switch store.NameKey(tag) {
	case "":
		return locales.EN, nil
	case "english", "ingles":
		return locales.EN, nil
	case "spanish", "espanol", "castellano":
		return locales.ES, nil
	}
	if l, ok := locales.ParseLang(tag); ok {
		return l, nil
	}
	return "", fmt.Errorf("lang %q is not en or es", tag)
}

func rosterRole(role string) (bool, error) {
	switch store.NameKey(role) {
	case "", "participant", "participante":
		return false, nil
	case "coordinator", "coordinador", "coordinadora":
		return true, nil
	}
	return false, fmt.Errorf("role %q is not participant or coordinator", role)
}

// rosterElectives reads elective ids separated by commas, semicolons,
// bars or spaces.
func rosterElectives(s string, isElective func(string) bool) ([]string, error) {
	ids := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == ' '
	})
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if isElective != nil && !isElective(id) {
			return nil, fmt.Errorf("elective %q is not one of the course's", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// checkCode keeps codes to what a Telegram deep link carries: ASCII
// letters and digits (with dashes and spaces, which do not count), at
// most 64.
func checkCode(code string) error {
	n := 0
	for _, c := range code {
		switch {
		case c == '-' || c == ' ':
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			n++
		default:
			return fmt.Errorf("code %q may hold only letters A-Z, digits, dashes and spaces", code)
		}
	}
	if n > 64 {
		return fmt.Errorf("code %q is longer than 64 characters", code)
	}
	if code != "" && n == 0 {
		return fmt.Errorf("code %q has no letter or digit", code)
	}
	return nil
}
