package gradebook

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// Key is the column by which Moodle's grade import finds each user.
type Key string

// The keys Moodle's grade import can map from the roster.
const (
	ByEmail    Key = "email"     // Moodle's "Email address"
	ByIDNumber Key = "id number" // Moodle's "ID number"
)

// ParseKey reads a --key flag or a chat argument.
func ParseKey(s string) (Key, bool) {
	switch store.NameKey(s) {
	case "", "email", "e mail", "correo":
		return ByEmail, true
	case "idnumber", "id number", "id", "dni", "numero de identificacion":
		return ByIDNumber, true
	}
	return "", false
}

// Source is the store as an export reads it.
type Source interface {
	EachRecords(ctx context.Context, fn func([]store.Record) error) error
}

// Summary tells what an export wrote and what it left out.
type Summary struct {
	Rows int
	// Unkeyed are participants left out of a grades export because the
	// roster gave them no value in the key column: Moodle's import stops
	// at a user it cannot find. The first few, in no order.
	Unkeyed      []store.ParticipantID
	UnkeyedCount int
}

// unkeyedShown bounds Summary.Unkeyed.
const unkeyedShown = 20

// Grade columns besides one per quiz.
const (
	colEmail     = "email"
	colIDNumber  = "id number"
	colID        = "participant"
	colName      = "name"
	colEssay     = "final essay"
	colFeedback  = "final essay feedback"
	colTotal     = "total"
	colTier      = "certificate"
	colCode      = "code"
	colLang      = "lang"
	colCohort    = "cohort"
	colRole      = "role"
	colPlatforms = "platforms"
	colReachable = "reachable"
	colJoined    = "registered"
)

// GradesHeader is the grades file's header: the keys, one column per
// quiz (its English title) and the essay, the total and the tier.
func GradesHeader(c *course.Course) []string {
	h := []string{colEmail, colIDNumber, colID, colName}
	for _, q := range c.Bank.Quizzes {
		h = append(h, q.Title.In(locales.EN))
	}
	return append(h, colEssay, colFeedback, colTotal, colTier)
}

// Grades writes the grades CSV of every participant but coordinators,
// at the instant now, to w: UTF-8, comma-separated, one participant a
// line. A cell is empty where there is no grade yet: a quiz not yet open
// to them, an essay not graded.
func Grades(ctx context.Context, src Source, c *course.Course, now time.Time, key Key, w io.Writer) (Summary, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(GradesHeader(c)); err != nil {
		return Summary{}, err
	}
	var sum Summary
	err := eachOnce(ctx, src, func(rec *store.Record) error {
		switch {
		case rec.Coordinator:
			return nil
		case keyOf(rec, key) == "":
			sum.unkeyed(rec.ID)
			return nil
		}
		sum.Rows++
		return writeSafe(cw, gradeRow(rec, c, now))
	})
	return sum, finish(cw, err)
}

// eachOnce calls fn with every participant's record once, though the
// store's pages may give one twice (SSCAN's guarantee is at least once).
func eachOnce(ctx context.Context, src Source, fn func(*store.Record) error) error {
	seen := map[store.ParticipantID]bool{}
	return src.EachRecords(ctx, func(recs []store.Record) error {
		for i := range recs {
			if seen[recs[i].ID] {
				continue
			}
			seen[recs[i].ID] = true
			if err := fn(&recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// finish flushes cw after a pass that ended with err.
func finish(cw *csv.Writer, err error) error {
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func (s *Summary) unkeyed(id store.ParticipantID) {
	s.UnkeyedCount++
	if len(s.Unkeyed) < unkeyedShown {
		s.Unkeyed = append(s.Unkeyed, id)
	}
}

func keyOf(rec *store.Record, key Key) string {
	if key == ByIDNumber {
		return rec.Details.IDNumber
	}
	return rec.Details.Email
}

// gradeRow is one participant's line of the grades file.
func gradeRow(rec *store.Record, c *course.Course, now time.Time) []string {
	row := []string{rec.Details.Email, rec.Details.IDNumber, string(rec.ID), rec.Name}
	scores := Scores(&c.Bank, rec.Answers)
	for i := range c.Bank.Quizzes {
		q := &c.Bank.Quizzes[i]
		row = append(row, quizCell(q, scores, rec.Electives, now))
	}
	essay, note := "", ""
	if g := rec.Essay.Grade; g != nil {
		essay, note = strconv.Itoa(g.Total), g.Note
	}
	p := c.Rules.Progress(Standing(rec.Points, rec.Essay, rec.Answers), &c.Bank, now)
	return append(row, essay, note, strconv.Itoa(p.Total), p.Tier.String())
}

// quizCell is a participant's points in q: empty while q is not open
// yet, and for an elective they neither chose nor answered.
func quizCell(q *quiz.Quiz, scores map[quiz.ID]QuizScore, electives []string, now time.Time) string {
	if s, ok := scores[q.ID]; ok {
		return strconv.Itoa(s.Points)
	}
	if now.Before(q.Opens) || (q.Kind == quiz.Elective && !slices.Contains(electives, q.Elective)) {
		return ""
	}
	return "0"
}

// writeSafe writes a line, every cell made safe to open in a spreadsheet.
func writeSafe(cw *csv.Writer, row []string) error {
	for i := range row {
		row[i] = SafeCell(row[i])
	}
	if err := cw.Write(row); err != nil {
		return fmt.Errorf("gradebook: %w", err)
	}
	return nil
}
