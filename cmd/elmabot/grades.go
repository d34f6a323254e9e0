package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// runGrades imports essay grades from a CSV file: one line per
// participant, found by id, email or ID number, with one score per
// rubric part and an optional note. Nothing is recorded when any line
// has a problem; a grade the participant already has is left alone, so
// running the same file again changes nothing.
func runGrades(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	submit := fs.Bool("submit", false, "also record as submitted the essays never recorded; without it their lines are refused")
	by := fs.String("by", "grades import", "the grader's name kept with each grade")
	rest, err := verbFlags(fs, args, 1)
	if err != nil {
		return err
	}
	if len(rest) != 2 || rest[0] != "import" || strings.TrimSpace(*by) == "" {
		fmt.Fprintln(g.env.Stderr, "usage: elmabot grades import [--submit] [--by NAME] GRADES.csv\n(columns: participant, email or id number; one per rubric part, by its id or title in English or Spanish; note; headers in English or Spanish; ',' or ';')")
		return errUsage
	}
	c, st, clock, err := g.openCourseStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	who, err := indexRecords(ctx, st)
	if err != nil {
		return err
	}
	rows, err := g.gradesFile(rest[1], c.Rules.Essay.Rubric, who, *submit)
	if err != nil {
		return err
	}
	b, err := g.noticeBot(c, st, clock)
	if err != nil {
		return err
	}
	defer b.Close()
	return importGrades(ctx, g.env.Stderr, b, rest[1], rows, gradeSource{by: *by, at: clock, submit: *submit})
}

// gradeSource is what every imported grade shares.
type gradeSource struct {
	by     string
	at     schedule.Clock
	submit bool
}

// importGrades records the checked rows, reporting each on w.
func importGrades(ctx context.Context, w io.Writer, b *bot.Bot, path string, rows []gradeRow, src gradeSource) error {
	counts := map[bot.GradeOutcome]int{}
	for _, r := range rows {
		r.grade.By, r.grade.At = src.by, src.at.Now()
		o, err := b.ImportGrade(ctx, r.id, r.grade, src.submit)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %w (lines before it are recorded; run the file again once fixed)", path, r.line, r.id, err)
		}
		counts[o]++
		if o == bot.GradeRecorded {
			fmt.Fprintf(w, "%s:%d: %s graded %d; their notice is queued\n", path, r.line, r.id, r.grade.Total)
		}
	}
	fmt.Fprintf(w, "%d grades recorded, %d unchanged\n", counts[bot.GradeRecorded], counts[bot.GradeUnchanged])
	return nil
}

// noticeBot is a core without platforms: the grade notices it queues
// are sent by the running bot's delivery loop.
func (g *globals) noticeBot(c *course.Course, st *store.Store, clock schedule.Clock) (*bot.Bot, error) {
	cat, err := locales.NewCatalog()
	if err != nil {
		return nil, err
	}
	secret, err := g.secret(true) // nothing it sends carries a button
	if err != nil {
		return nil, err
	}
	return bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: secret, Logger: slog.New(slog.DiscardHandler)})
}

// records is what a grades file is checked against: who exists, under
// which email and ID number, and where their essay stands.
type records struct {
	essays     map[store.ParticipantID]store.EssayState
	byEmail    map[string][]store.ParticipantID
	byIDNumber map[string][]store.ParticipantID
}

func indexRecords(ctx context.Context, st *store.Store) (*records, error) {
	rs := &records{essays: map[store.ParticipantID]store.EssayState{}, byEmail: map[string][]store.ParticipantID{}, byIDNumber: map[string][]store.ParticipantID{}}
	err := st.EachRecords(ctx, func(page []store.Record) error {
		for _, rec := range page {
			if _, seen := rs.essays[rec.ID]; seen {
				continue
			}
			rs.essays[rec.ID] = rec.Essay
			if e := strings.ToLower(rec.Details.Email); e != "" {
				rs.byEmail[e] = append(rs.byEmail[e], rec.ID)
			}
			if n := rec.Details.IDNumber; n != "" {
				rs.byIDNumber[n] = append(rs.byIDNumber[n], rec.ID)
			}
		}
		return nil
	})
	return rs, err
}

// gradeRow is one checked line of a grades file.
type gradeRow struct {
	line  int
	id    store.ParticipantID
	grade store.Grade
}

// Columns of a grades file besides the rubric's.
const (
	gcParticipant = "participant"
	gcNote        = "note"
)

// gradeHeaders maps the accepted headers of the identifying and note
// columns to their column.
func gradeHeaders() map[string]string {
	return map[string]string{
		"participant": gcParticipant, "participante": gcParticipant, "participant id": gcParticipant,
		"email": colEmail, "e mail": colEmail, "email address": colEmail, "correo": colEmail, "correo electronico": colEmail,
		"id number": colIDNumber, "idnumber": colIDNumber, "numero de identificacion": colIDNumber, "dni": colIDNumber,
		"note": gcNote, "comment": gcNote, "feedback": gcNote, "comentario": gcNote, "observaciones": gcNote, "retroalimentacion": gcNote,
	}
}

// gradesFile reads and checks a grades file: every problem is reported
// with its line, and none is recorded unless all lines are good.
func (g *globals) gradesFile(path string, rubric []quiz.RubricPart, who *records, submit bool) ([]gradeRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, header, err := openCSV(path, f)
	if err != nil {
		return nil, err
	}
	col, err := gradeColumns(path, header, rubric)
	if err != nil {
		return nil, err
	}
	var rows []gradeRow
	first := map[store.ParticipantID]int{}
	err = csvRows(path, r, func(line int, rec []string) error {
		row, ok, err := parseGradeRow(rec, col, rubric, who, submit)
		if err != nil || !ok {
			return err
		}
		if earlier, dup := first[row.id]; dup {
			return fmt.Errorf("%s is graded on line %d too", row.id, earlier)
		}
		first[row.id], row.line = line, line
		rows = append(rows, row)
		return nil
	})
	return rows, err
}

// gradeColumns finds the columns of the header line: at least one that
// identifies the participant, and one per rubric part, by the part's id
// or its title in English or Spanish.
func gradeColumns(path string, header []string, rubric []quiz.RubricPart) (map[string]int, error) {
	known := gradeHeaders()
	for _, p := range rubric {
		for _, name := range []string{p.ID, p.Title.In(locales.EN), p.Title.In(locales.ES)} {
			known[rosterHeaderKey(name)] = "part:" + p.ID
		}
	}
	col := map[string]int{}
	for i, h := range header {
		if c, ok := known[rosterHeaderKey(h)]; ok {
			if j, dup := col[c]; dup {
				return nil, fmt.Errorf("%s:1: columns %d (%q) and %d (%q) are the same", path, j+1, header[j], i+1, h)
			}
			col[c] = i
		}
	}
	var missing []string
	for _, p := range rubric {
		if _, ok := col["part:"+p.ID]; !ok {
			missing = append(missing, p.ID)
		}
	}
	_, byID := col[gcParticipant]
	_, byEmail := col[colEmail]
	_, byNumber := col[colIDNumber]
	if len(missing) > 0 || !(byID || byEmail || byNumber) {
		return nil, fmt.Errorf("%s:1: the header has %s; want participant, email or id number, then one column per rubric part (%s, by id or title), and optionally note",
			path, quoteAll(header), strings.Join(rubricIDs(rubric), ", "))
	}
	return col, nil
}

func rubricIDs(rubric []quiz.RubricPart) []string {
	ids := make([]string, len(rubric))
	for i, p := range rubric {
		ids[i] = p.ID
	}
	return ids
}

// parseGradeRow checks one line. ok is false, without error, for a line
// whose scores are all empty: that essay is not graded yet.
func parseGradeRow(rec []string, col map[string]int, rubric []quiz.RubricPart, who *records, submit bool) (gradeRow, bool, error) {
	scores := make([]string, len(rubric))
	empty := true
	for i, p := range rubric {
		scores[i] = cell(rec, col, "part:"+p.ID)
		empty = empty && scores[i] == ""
	}
	if empty {
		return gradeRow{}, false, nil
	}
	id, err := who.find(cell(rec, col, gcParticipant), cell(rec, col, colEmail), cell(rec, col, colIDNumber))
	if err != nil {
		return gradeRow{}, false, err
	}
	g, err := gradebook.NewGrade(scores, cell(rec, col, gcNote), rubric)
	if err != nil {
		return gradeRow{}, false, err
	}
	if !who.essays[id].Submitted && !submit {
		return gradeRow{}, false, fmt.Errorf("the essay of %s was never recorded as submitted: check it was, then run again with --submit", id)
	}
	return gradeRow{id: id, grade: g}, true, nil
}

// find names the participant a line identifies; when it gives several
// identifiers, they must agree.
func (rs *records) find(id, email, number string) (store.ParticipantID, error) {
	var found []store.ParticipantID
	if id != "" {
		pid := store.ParticipantID(strings.ToLower(id))
		if _, ok := rs.essays[pid]; !ok {
			return "", fmt.Errorf("there is no participant %q", id)
		}
		found = append(found, pid)
	}
	for _, k := range []struct {
		what, value string
		index       map[string][]store.ParticipantID
	}{{"email", strings.ToLower(email), rs.byEmail}, {"ID number", number, rs.byIDNumber}} {
		if k.value == "" {
			continue
		}
		switch ids := k.index[k.value]; len(ids) {
		case 0:
			return "", fmt.Errorf("no participant has the %s %q", k.what, k.value)
		case 1:
			found = append(found, ids[0])
		default:
			return "", fmt.Errorf("several participants have the %s %q: give the participant's id instead", k.what, k.value)
		}
	}
	if len(found) == 0 {
		return "", errors.New("no participant, email or ID number")
	}
	for _, other := range found[1:] {
		if other != found[0] {
			return "", fmt.Errorf("the line names two participants, %s and %s", found[0], other)
		}
	}
	return found[0], nil
}
