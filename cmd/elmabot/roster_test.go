package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// rosterEnv is a Redis for the roster command, and its store.
func rosterEnv(t *testing.T) (map[string]string, *store.Store) {
	t.Helper()
	srv := storetest.Start(t)
	return map[string]string{"REDIS_URL": srv.URL}, store.New(srv.Client(), store.WithPrefix(store.DefaultPrefix))
}

func readOutput(t *testing.T, out string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	return recs
}

func TestRosterExampleFile(t *testing.T) {
	env, st := rosterEnv(t)
	code, out, errOut := run(t, "", env, "roster", "../../examples/roster.csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := readOutput(t, out)
	if len(recs) != 7 || !slices.Equal(recs[0][:6], []string{"name", "cohort", "lang", "role", "code", "email"}) {
		t.Fatalf("output:\n%s", out)
	}
	ana := recs[1]
	p, err := st.RedeemRosterCode(context.Background(), ana[4], store.Account{Platform: "telegram", UserID: "1", ChatID: "1"}, time.Now())
	if err != nil || p.Name != "Ana Lima" || p.Lang != locales.ES || !slices.Equal(p.Electives, []string{"gender", "skills"}) {
		t.Fatalf("Ana: %+v, %v", p, err)
	}
	d, err := st.ParticipantDetails(context.Background(), p.ID)
	if err != nil || d.Email != "ana.lima@example.org" || d.Country != "Peru" {
		t.Errorf("Ana's details: %+v, %v", d, err)
	}
	// Loading the same file again keeps every code, Ana's redeemed one too.
	code, again, errOut := run(t, "", env, "roster", "../../examples/roster.csv")
	if code != 0 || again != out || !strings.Contains(errOut, "0 added, 6 kept, 0 replaced") {
		t.Fatalf("second run: exit %d\n%s\n%s\nfirst:\n%s", code, errOut, again, out)
	}
}

func TestRosterSpanishSemicolonsAndBOM(t *testing.T) {
	env, st := rosterEnv(t)
	path := filepath.Join(t.TempDir(), "lista.csv")
	writeFile(t, path, "\ufeffNombre;Cohorte;Idioma;Rol;Código;Correo;País\n"+
		"José Núñez;SAMM;español;coordinadora;JN-1;jose@example.org;Chile\n"+
		"\"Smith; Jane\";;en;participante;;;\n")
	code, out, errOut := run(t, "", env, "roster", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := readOutput(t, out)
	if len(recs) != 3 || recs[1][4] != "JN-1" || recs[2][0] != "Smith; Jane" || recs[0][6] != "country" {
		t.Fatalf("output:\n%s", out)
	}
	p, err := st.RedeemRosterCode(context.Background(), "jn1", store.Account{Platform: "telegram", UserID: "1", ChatID: "1"}, time.Now())
	if err != nil || !p.Coordinator || p.Lang != locales.ES {
		t.Fatalf("José: %+v, %v", p, err)
	}
}

func TestRosterRefusesDuplicatesAndGivenAwayCodes(t *testing.T) {
	env, _ := rosterEnv(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "first.csv")
	writeFile(t, first, "name,code\nAna Lima,A-1\n")
	if code, _, errOut := run(t, "", env, "roster", first); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dups := filepath.Join(dir, "dups.csv")
	writeFile(t, dups, "name,code\nBob,B-1\nCarla,b1\nbob,\n")
	code, _, errOut := run(t, "", env, "roster", dups)
	if code != 1 || !strings.Contains(errOut, dups+":3: the same code as line 2") || !strings.Contains(errOut, dups+":4: the same name as line 2") {
		t.Fatalf("duplicates: exit %d\n%s", code, errOut)
	}
	taken := filepath.Join(dir, "taken.csv")
	writeFile(t, taken, "name,code\nDina,D-1\nBob,A-1\n")
	code, _, errOut = run(t, "", env, "roster", taken)
	if code != 1 || !strings.Contains(errOut, taken+":3: refused: code A1 belongs to Ana Lima") || !strings.Contains(errOut, "nothing was stored") {
		t.Fatalf("taken code: exit %d\n%s", code, errOut)
	}
	code, out, errOut := run(t, "", env, "roster", "--replace", taken)
	if code != 0 || !strings.Contains(errOut, taken+":3: replaced: code A1 was Ana Lima's") || !strings.Contains(out, "Bob,,en,participant,A-1") {
		t.Fatalf("--replace: exit %d\n%s\n%s", code, errOut, out)
	}
}

func TestRosterReportsSyntaxAndNameErrors(t *testing.T) {
	env, _ := rosterEnv(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	writeFile(t, bad, "name,code\nA,\n"+strings.Repeat("x", 81)+",\n\"Bo\"b,\n")
	code, _, errOut := run(t, "", env, "roster", bad)
	for _, want := range []string{
		bad + `:2: name "A" must be 2-80 printable characters`,
		bad + ":3: name",
		bad + `:4: column 4: extraneous or missing " in quoted-field`,
	} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d; stderr lacks %q:\n%s", code, want, errOut)
		}
	}
	noName := filepath.Join(dir, "noname.csv")
	writeFile(t, noName, "who;cohort\nAna;SAMM\n")
	if code, _, errOut := run(t, "", env, "roster", noName); code != 1 || !strings.Contains(errOut, `it has "who", "cohort", separated by ';'`) {
		t.Errorf("no name column: exit %d\n%s", code, errOut)
	}
}

func TestRosterOutputDefusesFormulas(t *testing.T) {
	env, _ := rosterEnv(t)
	path := filepath.Join(t.TempDir(), "evil.csv")
	writeFile(t, path, "name,cohort\n=cmd|' /C calc'!A0,@SUM(1)\n\"@HYPERLINK(\"\"http://x\"\")\",+1\n")
	code, out, errOut := run(t, "", env, "roster", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := readOutput(t, out)
	for _, r := range recs[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q starts a formula", c)
			}
		}
	}
	// The output read back is the same roster: the quote is dropped.
	again := filepath.Join(t.TempDir(), "again.csv")
	writeFile(t, again, out)
	if code, _, errOut := run(t, "", env, "roster", again); code != 0 || !strings.Contains(errOut, "0 added, 2 kept") {
		t.Fatalf("reading the output back: exit %d\n%s", code, errOut)
	}
}

func FuzzReadRoster(f *testing.F) {
	for _, seed := range []string{
		"name,code\nAna,A\n", "\ufeffNombre;Código\nAna;A\n", "name\n\"Bo\"b\n", "name,electives\nAna,\"gender, skills\"\n", "",
	} {
		f.Add([]byte(seed))
	}
	if data, err := os.ReadFile("../../examples/roster.csv"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, err := readRoster("f.csv", strings.NewReader(string(data)), nil)
		if err != nil && rows != nil && len(rows) > 0 && strings.Contains(err.Error(), "column") {
			t.Fatalf("rows returned with a syntax error: %v", err)
		}
		for _, r := range rows {
			if _, ok := store.CleanName(r.entry.Name); !ok {
				t.Fatalf("row with a bad name %q", r.entry.Name)
			}
		}
	})
}
