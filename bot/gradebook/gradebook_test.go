package gradebook_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// class is a course in a real Redis, and what the test gave each
// participant, to check the exports against.
type class struct {
	t     *testing.T
	st    *store.Store
	c     *course.Course
	now   time.Time
	want  map[store.ParticipantID]map[quiz.ID]int // points by quiz
	codes map[string]store.ParticipantID          // redeemed roster codes
}

func newClass(t *testing.T) *class {
	t.Helper()
	srv := storetest.Start(t)
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 11, 30, 9, 0, 0, 0, time.UTC)
	return &class{t: t, st: store.New(srv.Client(), store.WithPrefix(srv.Prefix)), c: c, now: now,
		want: map[store.ParticipantID]map[quiz.ID]int{}, codes: map[string]store.ParticipantID{}}
}

// enrol loads a roster of n people and redeems the codes of the first
// redeemed of them; person i has an email unless i%50 == 7.
func (k *class) enrol(n, redeemed int) []store.ParticipantID {
	k.t.Helper()
	ctx := context.Background()
	entries := make([]store.RosterEntry, n)
	for i := range entries {
		entries[i] = store.RosterEntry{Code: fmt.Sprintf("C%04d", i), Name: fmt.Sprintf("Person %d", i), Lang: locales.EN,
			Electives: []string{"skills"}, Details: store.Details{IDNumber: fmt.Sprintf("ID-%d", i)}}
		if i%50 != 7 {
			entries[i].Email = fmt.Sprintf("person%d@example.org", i)
		}
	}
	entries[1].Name = "=HYPERLINK(\"http://evil\")"
	if _, err := k.st.LoadRoster(ctx, entries, store.RosterOptions{}); err != nil {
		k.t.Fatal(err)
	}
	var ids []store.ParticipantID
	for i := range redeemed {
		p, err := k.st.RedeemRosterCode(ctx, entries[i].Code, store.Account{Platform: store.Telegram, UserID: strconv.Itoa(1000 + i), ChatID: strconv.Itoa(1000 + i), Reachable: true}, k.now)
		if err != nil {
			k.t.Fatal(err)
		}
		ids = append(ids, p.ID)
		k.codes[entries[i].Code] = p.ID
	}
	return ids
}

// answer has p answer every question of quiz q, the first right ones
// correctly.
func (k *class) answer(p store.ParticipantID, q quiz.ID, right int) {
	k.t.Helper()
	qz, _ := k.c.Bank.Quiz(q)
	if k.want[p] == nil {
		k.want[p] = map[quiz.ID]int{}
	}
	for i, qu := range qz.Questions {
		option := qu.Correct
		if i >= right {
			option = (qu.Correct + 1) % len(qu.Options)
		}
		correct, points := qu.Grade(option)
		_, err := k.st.RecordAnswer(context.Background(), store.Answer{Participant: p, Quiz: q, Question: qu.ID, Option: option,
			Correct: correct, Points: points, Kind: qz.Kind, At: k.now})
		if err != nil {
			k.t.Fatal(err)
		}
		k.want[p][q] += points
	}
}

func (k *class) grade(p store.ParticipantID, total int, note string) {
	k.t.Helper()
	ctx := context.Background()
	if err := k.st.SubmitEssay(ctx, p, k.now); err != nil {
		k.t.Fatal(err)
	}
	if _, err := k.st.GradeEssay(ctx, p, store.Grade{Total: total, By: "chris", At: k.now, Note: note}); err != nil {
		k.t.Fatal(err)
	}
}

func parse(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	return recs
}

// The grades file of more participants than one page holds parses back
// and matches, cell by cell, what each participant earned.
func TestGradesParseBackAndMatchThePoints(t *testing.T) {
	k := newClass(t)
	ids := k.enrol(530, 520) // 10 codes never redeemed
	ctx := context.Background()
	for i, id := range ids[:60] {
		k.answer(id, "week-1", i%6)
		k.answer(id, "week-3", (i+2)%6)
		k.answer(id, "elective-skills", i%4)
	}
	k.grade(ids[2], 64, "Clear, =but short")
	k.grade(ids[3], 0, "")
	if err := k.st.SetCoordinator(ctx, ids[4], true); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	sum, err := gradebook.Grades(ctx, k.st, k.c, k.now, gradebook.ByEmail, &buf)
	if err != nil {
		t.Fatal(err)
	}
	recs := parse(t, buf.Bytes())
	header := recs[0]
	if !slices.Equal(header, gradebook.GradesHeader(k.c)) || header[0] != "email" || header[len(header)-1] != "certificate" {
		t.Fatalf("header %q", header)
	}
	// Without an email: 7, 57, ... 507 (11 of the 520); the coordinator is left out too.
	if sum.UnkeyedCount != 11 || sum.Rows != 520-11-1 || len(recs) != sum.Rows+1 {
		t.Fatalf("summary %+v, %d lines", sum, len(recs))
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	seen := map[string]bool{}
	for _, row := range recs[1:] {
		id := store.ParticipantID(row[col["participant"]])
		if seen[string(id)] {
			t.Fatalf("%s twice", id)
		}
		seen[string(id)] = true
		k.checkRow(id, row, col)
	}
	if seen[string(ids[4])] || seen[string(ids[7])] {
		t.Error("the coordinator or a participant without email is in the file")
	}
	if row := recs[1:][slices.IndexFunc(recs[1:], func(r []string) bool { return r[col["participant"]] == string(ids[1]) })]; row[col["name"]] != "'=HYPERLINK(\"http://evil\")" {
		t.Errorf("formula-like name written as %q", row[col["name"]])
	}
}

// checkRow compares one line with the store and with what was given.
func (k *class) checkRow(id store.ParticipantID, row []string, col map[string]int) {
	k.t.Helper()
	tot, err := k.st.Totals(context.Background(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	sum := 0
	for _, q := range k.c.Bank.Quizzes {
		cell := row[col[q.Title.In(locales.EN)]]
		want := strconv.Itoa(k.want[id][q.ID])
		switch {
		case q.ID == "week-7" || (q.Kind == quiz.Elective && q.Elective != "skills"):
			want = "" // not open yet at the export; an elective not chosen
		}
		if cell != want {
			k.t.Errorf("%s %s: %q, want %q", id, q.ID, cell, want)
		}
		n, _ := strconv.Atoi(cell)
		sum += n
	}
	essay, _ := strconv.Atoi(row[col["final essay"]])
	if total := row[col["total"]]; total != strconv.Itoa(tot.Total) || sum+essay != tot.Total {
		k.t.Errorf("%s: total %s, quizzes %d + essay %d; the store says %d", id, total, sum, essay, tot.Total)
	}
	tier := "none"
	if tot.Total >= k.c.Rules.Participation {
		tier = "participation"
	}
	if row[col["certificate"]] != tier {
		k.t.Errorf("%s: certificate %q, want %q", id, row[col["certificate"]], tier)
	}
}

func TestGradesCarryTheEssayAndItsNote(t *testing.T) {
	k := newClass(t)
	ids := k.enrol(3, 3)
	k.grade(ids[0], 64, "=Clear but short")
	k.answer(ids[0], "week-1", 5)
	var buf bytes.Buffer
	if _, err := gradebook.Grades(context.Background(), k.st, k.c, k.now, gradebook.ByIDNumber, &buf); err != nil {
		t.Fatal(err)
	}
	recs := parse(t, buf.Bytes())
	n := len(recs[0])
	for _, row := range recs[1:] {
		switch store.ParticipantID(row[2]) {
		case ids[0]:
			if row[1] != "ID-0" || row[n-4] != "64" || row[n-3] != "'=Clear but short" || row[n-2] != "69" {
				t.Errorf("graded row %q", row)
			}
		default:
			if row[n-4] != "" || row[n-3] != "" {
				t.Errorf("ungraded row %q", row)
			}
		}
	}
}

// The participant list holds the codes nobody redeemed, then everyone
// with the code they redeemed, their platforms and reachability.
func TestParticipantsListCodesPlatformsAndTiers(t *testing.T) {
	k := newClass(t)
	ids := k.enrol(5, 3)
	ctx := context.Background()
	if err := k.st.LinkAccount(ctx, ids[0], store.Account{Platform: store.Discord, UserID: "d1", ChatID: "dc1", Reachable: true}); err != nil {
		t.Fatal(err)
	}
	if err := k.st.SetReachable(ctx, store.Telegram, "1001", false); err != nil {
		t.Fatal(err)
	}
	self, err := k.st.CreateParticipant(ctx, store.Participant{Name: "Walk In", Created: k.now}, store.Account{Platform: store.Console, UserID: "w", Reachable: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []quiz.ID{"week-1", "week-2", "week-3", "week-4", "week-5", "week-6"} {
		k.answer(ids[2], q, 5)
	}
	k.answer(ids[2], "elective-skills", 5)
	k.answer(ids[2], "elective-policy", 5)
	var buf bytes.Buffer
	sum, err := gradebook.Participants(ctx, k.st, k.c, k.now, &buf)
	if err != nil {
		t.Fatal(err)
	}
	recs := parse(t, buf.Bytes())
	if sum.Rows != 6 || len(recs) != 7 || !slices.Equal(recs[0], gradebook.ParticipantsHeader()) {
		t.Fatalf("%+v:\n%q", sum, recs)
	}
	// The two codes nobody redeemed come first, without participant.
	for _, row := range recs[1:3] {
		if row[1] != "" || (row[0] != "C0003" && row[0] != "C0004") || row[12] != "" {
			t.Errorf("unredeemed row %q", row)
		}
	}
	byID := map[string][]string{}
	for _, row := range recs[3:] {
		byID[row[1]] = row
	}
	checks := []struct {
		id                                   store.ParticipantID
		code, platforms, reachable, tierCell string
	}{
		{ids[0], "C0000", "discord telegram", "yes", "none"},
		{ids[1], "C0001", "telegram", "no", "none"},
		{ids[2], "C0002", "telegram", "yes", "participation"},
		{self.ID, "", "console", "yes", "none"},
	}
	for _, c := range checks {
		row := byID[string(c.id)]
		if row == nil || row[0] != c.code || row[12] != c.platforms || row[13] != c.reachable || row[16] != c.tierCell {
			t.Errorf("%s: %q, want code %q platforms %q reachable %q tier %q", c.id, row, c.code, c.platforms, c.reachable, c.tierCell)
		}
	}
	if row := byID[string(ids[1])]; row[2] != "'=HYPERLINK(\"http://evil\")" || row[6] != "person1@example.org" {
		t.Errorf("name or email of %s: %q", ids[1], row)
	}
}

func TestNewGradeChecksEachPart(t *testing.T) {
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	rubric := c.Rules.Essay.Rubric
	g, err := gradebook.NewGrade([]string{"8", " 25", "24", "7"}, " fine ", rubric)
	if err != nil || g.Total != 64 || g.Parts["alignment"] != 25 || g.Note != "fine" {
		t.Errorf("%+v, %v", g, err)
	}
	for _, bad := range [][]string{{"8", "31", "24", "7"}, {"8", "25", "24"}, {"8", "x", "24", "7"}, {"-1", "25", "24", "7"}} {
		if _, err := gradebook.NewGrade(bad, "", rubric); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !gradebook.SameGrade(g, store.Grade{Parts: map[string]int{"clarity": 8, "alignment": 25, "coherence": 24, "gender": 7}, Total: 64, Note: "fine", By: "other"}) {
		t.Error("the same scores and note by another grader are not the same grade")
	}
	if gradebook.SameGrade(g, store.Grade{Parts: g.Parts, Total: 64, Note: "other"}) {
		t.Error("another note is the same grade")
	}
}
