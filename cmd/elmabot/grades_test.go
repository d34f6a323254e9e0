package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

const gradesNow = "2022-11-30T10:00"

// gradesClass is a Redis holding a roster of n people, each redeemed
// from Telegram chat 100+i, with an email; the first submitted of them
// have their essay recorded.
func gradesClass(t *testing.T, n, submitted int) (map[string]string, *store.Store, []store.ParticipantID) {
	t.Helper()
	env, st := rosterEnv(t)
	ctx := context.Background()
	var ids []store.ParticipantID
	at := time.Date(2022, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := range n {
		e := store.RosterEntry{Code: fmt.Sprintf("G%d", i), Name: fmt.Sprintf("Person %d", i), Lang: []locales.Lang{locales.ES, locales.EN}[i%2],
			Details: store.Details{Email: fmt.Sprintf("person%d@example.org", i), IDNumber: fmt.Sprintf("N%d", i)}}
		if _, err := st.LoadRoster(ctx, []store.RosterEntry{e}, store.RosterOptions{}); err != nil {
			t.Fatal(err)
		}
		chat := strconv.Itoa(100 + i)
		p, err := st.RedeemRosterCode(ctx, e.Code, store.Account{Platform: store.Telegram, UserID: chat, ChatID: chat, Reachable: true}, at)
		if err != nil {
			t.Fatal(err)
		}
		if i < submitted {
			if err := st.SubmitEssay(ctx, p.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, p.ID)
	}
	return env, st, ids
}

// inbox is the Telegram the running bot would send through: it keeps
// each chat's messages.
type inbox struct {
	mu  sync.Mutex
	got map[string][]string
}

func (i *inbox) Platform() bot.Platform { return bot.Telegram }

func (i *inbox) Send(_ context.Context, r bot.Reply) (bot.Sent, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.got[r.ChatID] = append(i.got[r.ChatID], r.Text)
	return bot.Sent{MessageID: "1"}, nil
}

// deliver is the running bot's delivery loop, once: it sends what the
// import queued and returns each chat's messages so far.
func deliver(t *testing.T, st *store.Store, in *inbox) map[string][]string {
	t.Helper()
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	g := &globals{env: Env{Getenv: func(string) string { return "" }}}
	b, err := g.noticeBot(c, st, clockwork.NewFakeClockAt(time.Date(2022, 11, 30, 9, 5, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Register(in)
	if err := b.DrainDeliveries(context.Background()); err != nil {
		t.Fatal(err)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string][]string{}
	for k, v := range in.got {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func TestGradesImportRecordsNotifiesAndRerunsIdempotently(t *testing.T) {
	env, st, ids := gradesClass(t, 4, 4)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "notas.csv")
	// Excel's "CSV UTF-8" in a Spanish locale: BOM, semicolons, Spanish headers.
	writeFile(t, path, "\ufeffParticipante;Correo;Nombre;Claridad del tema y del esquema;Alineación con el contenido del curso;Coherencia de las recomendaciones;Integración de la perspectiva de género;Comentario\n"+
		";PERSON0@example.org;Persona 0;8;25;24;7;\"Bien; claro\"\n"+
		string(ids[1])+";;;10;30;30;9;=Excellent\n"+
		";person2@example.org;Persona 2;;;;;\n")
	code, _, errOut := run(t, "", env, "--now", gradesNow, "grades", "import", path)
	if code != 0 || !strings.Contains(errOut, "2 grades recorded, 0 unchanged") || !strings.Contains(errOut, "notas.csv:2: "+string(ids[0])+" graded 64") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	e, err := st.Essay(ctx, ids[0])
	if err != nil || e.Grade == nil || e.Grade.Total != 64 || e.Grade.Note != "Bien; claro" || e.Grade.By != "grades import" || e.Grade.Parts["alignment"] != 25 {
		t.Fatalf("essay of %s: %+v, %v", ids[0], e, err)
	}
	if e, _ := st.Essay(ctx, ids[2]); e.Grade != nil {
		t.Errorf("a line without scores graded %s: %+v", ids[2], e.Grade)
	}
	in := &inbox{got: map[string][]string{}}
	got := deliver(t, st, in)
	ana, bo := strings.Join(got["100"], "\n"), strings.Join(got["101"], "\n")
	mustHave(t, ana, "Su ensayo final fue calificado: 64/80.", "• Alineación con el contenido del curso: 25/30", "Comentario de la persona evaluadora: Bien; claro", "Su total es ahora de 64 puntos.")
	mustHave(t, bo, "Your final essay was graded: 79/80.", "• Mainstreaming a gender perspective: 9/10", "Note from the grader: =Excellent")

	// The same file again: nothing changes, nobody hears twice.
	code, _, errOut = run(t, "", env, "--now", gradesNow, "grades", "import", path)
	if code != 0 || !strings.Contains(errOut, "0 grades recorded, 2 unchanged") {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	if e, _ := st.Essay(ctx, ids[0]); len(e.History) != 0 {
		t.Errorf("the second run regraded: %+v", e)
	}
	again := deliver(t, st, in)
	if len(again["100"]) != len(got["100"]) || len(again["101"]) != len(got["101"]) {
		t.Errorf("told again: %q", again)
	}

	// A revised grade is recorded over the first, and announced as such.
	writeFile(t, path, "email,clarity,alignment,coherence,gender,note\nperson0@example.org,9,26,24,7,Revisado\n")
	if code, _, errOut := run(t, "", env, "--now", gradesNow, "grades", "import", path); code != 0 {
		t.Fatalf("regrade: exit %d: %s", code, errOut)
	}
	if e, _ := st.Essay(ctx, ids[0]); e.Grade.Total != 66 || len(e.History) != 1 {
		t.Errorf("after the regrade: %+v", e)
	}
	mustHave(t, strings.Join(deliver(t, st, in)["100"], "\n"), "La calificación de su ensayo final fue revisada: 66/80.", "Su total es ahora de 66 puntos.")
}

func mustHave(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q; got:\n%s", w, got)
		}
	}
}

func TestGradesImportErrorsHaveLineNumbers(t *testing.T) {
	env, st, ids := gradesClass(t, 4, 3) // person 3's essay was never recorded
	dir := t.TempDir()
	path := filepath.Join(dir, "grades.csv")
	writeFile(t, path, "participant,email,id number,clarity,alignment,coherence,gender,note\n"+
		",nobody@example.org,,8,25,24,7,\n"+
		string(ids[0])+",,,8,31,24,7,\n"+
		string(ids[1])+",,,8,25,24,7,\n"+
		",person1@example.org,,8,25,24,7,\n"+
		",,N3,8,25,24,7,\n"+
		string(ids[2])+",person0@example.org,,8,25,24,7,\n"+
		"p999,,,1,1,1,1,\n"+
		","+"person2@example.org"+",,8,25,,7,\n")
	code, _, errOut := run(t, "", env, "--now", gradesNow, "grades", "import", path)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mustHave(t, errOut,
		"grades.csv:2: no participant has the email \"nobody@example.org\"",
		"grades.csv:3: alignment: \"31\" is not a whole number from 0 to 30",
		"grades.csv:5: "+string(ids[1])+" is graded on line 4 too",
		"grades.csv:6: the essay of "+string(ids[3])+" was never recorded as submitted: check it was, then run again with --submit",
		"grades.csv:7: the line names two participants, "+string(ids[2])+" and "+string(ids[0]),
		"grades.csv:8: there is no participant \"p999\"",
		"grades.csv:9: coherence: \"\" is not a whole number")
	for _, id := range ids {
		if e, _ := st.Essay(context.Background(), id); e.Grade != nil {
			t.Errorf("%s graded although the file was refused", id)
		}
	}

	// --submit records the submission along with the grade.
	writeFile(t, path, "id number;clarity;alignment;coherence;gender\nN3;1;2;3;4\n")
	if code, _, errOut := run(t, "", env, "--now", gradesNow, "grades", "import", "--submit", path); code != 0 {
		t.Fatalf("--submit: exit %d: %s", code, errOut)
	}
	if e, _ := st.Essay(context.Background(), ids[3]); !e.Submitted || e.Grade == nil || e.Grade.Total != 10 {
		t.Errorf("with --submit: %+v", e)
	}

	for _, bad := range []struct{ content, want string }{
		{"email,clarity,alignment\nperson0@example.org,1,2\n", "grades.csv:1: the header has \"email\", \"clarity\", \"alignment\"; want participant, email or id number, then one column per rubric part (clarity, alignment, coherence, gender"},
		{"clarity,alignment,coherence,gender\n1,2,3,4\n", "grades.csv:1: the header has"},
		{"email,clarity,alignment,coherence,gender\n\"person0@example.org\"x,1,2,3,4\n", "grades.csv:2: column"},
	} {
		writeFile(t, path, bad.content)
		code, _, errOut := run(t, "", env, "--now", gradesNow, "grades", "import", path)
		if code != 1 || !strings.Contains(errOut, bad.want) || strings.Contains(errOut, "panic") {
			t.Errorf("%q: exit %d: %s", bad.content, code, errOut)
		}
	}
	if code, _, _ := run(t, "", env, "grades", "export", path); code != 2 {
		t.Errorf("grades export: exit %d, want 2", code)
	}
}

func TestExportCommand(t *testing.T) {
	env, st, ids := gradesClass(t, 3, 1)
	ctx := context.Background()
	if _, err := st.GradeEssay(ctx, ids[0], store.Grade{Total: 70, By: "chris", At: time.Date(2022, 11, 29, 9, 0, 0, 0, time.UTC), Note: "Good"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "moodle.csv")
	code, stdout, errOut := run(t, "", env, "--now", gradesNow, "export", "grades", "--format", "csv", "--out", out)
	if code != 0 || stdout != "" || !strings.Contains(errOut, "grades: 3 lines") {
		t.Fatalf("exit %d: %s%s", code, stdout, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs := readOutput(t, string(data))
	if len(recs) != 4 || recs[0][0] != "email" || recs[0][len(recs[0])-1] != "certificate" {
		t.Fatalf("file:\n%s", data)
	}
	for _, r := range recs[1:] {
		if r[2] == string(ids[0]) && (r[len(r)-4] != "70" || r[len(r)-3] != "Good" || r[len(r)-2] != "70" || r[len(r)-1] != "participation") {
			t.Errorf("graded row %q", r)
		}
	}
	code, stdout, errOut = run(t, "", env, "--now", gradesNow, "export", "--key", "idnumber", "participants")
	if code != 0 || len(readOutput(t, stdout)) != 4 || !strings.Contains(stdout, "G1,"+string(ids[1])+",Person 1,en,,participant,person1@example.org,N1") {
		t.Errorf("participants: exit %d:\n%s%s", code, stdout, errOut)
	}
	for _, args := range [][]string{{"export", "--format", "xlsx", "grades"}, {"export", "marks"}, {"export", "--key", "phone", "grades"}, {"export"}} {
		if code, _, _ := run(t, "", env, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := run(t, "", nil, "export", "grades"); code != 1 || !strings.Contains(errOut, "REDIS_URL is not set") {
		t.Errorf("without Redis: exit %d: %s", code, errOut)
	}
}
