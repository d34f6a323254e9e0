package main

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/store"
)

// codeAlphabet leaves out characters people confuse (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// runRoster loads the course roster into Redis: one registration code
// per person, used once. It writes the roster back with the codes (and
// Telegram deep links when TELEGRAM_TOKEN is set) for mailing them out.
// Nothing is stored when any line has a problem.
func runRoster(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	replace := fs.Bool("replace", false, "let a line take a code that belongs to another name, or give a person a new code (a redeemed code is never given away)")
	rest, err := parseFlags(fs, args, 1)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(g.env.Stderr, "usage: elmabot roster [--replace] ROSTER.csv > ROSTER-with-codes.csv\n(columns: name, cohort, lang, role, code, and optionally email, id number, organization type, gender, country, electives; English or Spanish headers; role is participant or coordinator; empty codes are generated)")
		return errUsage
	}
	url := g.env.Getenv("REDIS_URL")
	if url == "" {
		return errors.New("REDIS_URL is not set: the roster goes into the bot's Redis")
	}
	rows, present, err := g.rosterFile(rest[0])
	if err != nil {
		return err
	}
	rows, err = dedupeRoster(g.env.Stderr, rest[0], rows, *replace)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	return loadRoster(ctx, g, st, rest[0], rows, present, *replace)
}

// rosterFile reads the roster, checking electives against the course.
func (g *globals) rosterFile(path string) ([]rosterRow, []string, error) {
	c, err := g.loadCourse()
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return readRoster(path, f, func(id string) bool { _, ok := c.Agenda.Elective(id); return ok })
}

// dedupeRoster refuses two lines with the same code or the same name
// (compared as store.NameKey does); with replace, the later line wins.
func dedupeRoster(stderr io.Writer, path string, rows []rosterRow, replace bool) ([]rosterRow, error) {
	byCode, byName := map[string]int{}, map[string]int{}
	drop := map[int]bool{}
	var problems []error
	for i, r := range rows {
		for _, k := range []struct {
			what, key string
			seen      map[string]int
		}{
			{"code", normalizedCode(r.entry.Code), byCode}, {"name", store.NameKey(r.entry.Name), byName},
		} {
			j, dup := k.seen[k.key]
			if k.key != "" {
				k.seen[k.key] = i
			}
			if !dup || k.key == "" || drop[j] {
				continue
			}
			if !replace {
				problems = append(problems, fmt.Errorf("%s:%d: the same %s as line %d (use --replace to keep only the later line)", path, r.line, k.what, rows[j].line))
				continue
			}
			drop[j] = true
			fmt.Fprintf(stderr, "%s:%d: replaces line %d (the same %s)\n", path, r.line, rows[j].line, k.what)
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	var out []rosterRow
	for i, r := range rows {
		if !drop[i] {
			out = append(out, r)
		}
	}
	return out, nil
}

// normalizedCode is a code as the store compares it.
func normalizedCode(code string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
}

// loadRoster stores the rows, reports per line what changed hands, and
// prints the roster with its codes.
func loadRoster(ctx context.Context, g *globals, st *store.Store, path string, rows []rosterRow, present []string, replace bool) error {
	entries := make([]store.RosterEntry, len(rows))
	for i, r := range rows {
		entries[i] = r.entry
	}
	outcomes, err := st.LoadRoster(ctx, entries, store.RosterOptions{Replace: replace, NewCode: newCode})
	if err != nil {
		return err
	}
	counts, refused := map[store.RosterAction]int{}, false
	for i, o := range outcomes {
		counts[o.Action]++
		switch o.Action {
		case store.RosterRefused:
			refused = true
			fmt.Fprintf(g.env.Stderr, "%s:%d: refused: %s\n", path, rows[i].line, o.Reason)
		case store.RosterReplaced:
			fmt.Fprintf(g.env.Stderr, "%s:%d: replaced: %s\n", path, rows[i].line, o.Reason)
		}
		rows[i].entry.Code = displayCode(rows[i].code, o.Code)
	}
	if refused {
		return fmt.Errorf("%d line(s) refused; nothing was stored", counts[store.RosterRefused])
	}
	if err := writeRoster(g.env.Stdout, rows, present, g.deepLink(ctx)); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stderr, "%d registration codes: %d added, %d kept, %d replaced; keep this output as the roster\n",
		len(rows), counts[store.RosterAdded], counts[store.RosterKept], counts[store.RosterReplaced])
	return nil
}

// displayCode is the code as the file wrote it, or the stored one in
// groups of four (ELMA-7Q2K-M4XD) when the file had none or another.
func displayCode(written, stored string) string {
	if written != "" && normalizedCode(written) == stored {
		return written
	}
	var b strings.Builder
	for i, c := range stored {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// newCode makes a code such as ELMA-7Q2K-M4XD: 40 bits of randomness,
// easy to read aloud, valid in a Telegram deep link.
func newCode() (string, error) {
	var b strings.Builder
	b.WriteString("ELMA")
	for i := range 8 {
		if i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			return "", err
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// deepLink returns a function making the t.me link for a code, or nil
// when the bot's username cannot be asked (no token, no network).
func (g *globals) deepLink(ctx context.Context) func(code string) string {
	token := g.env.Getenv("TELEGRAM_TOKEN")
	if token == "" {
		return nil
	}
	tg, err := telegram.New(telegram.Config{Token: token, APIURL: g.env.Getenv("TELEGRAM_API_URL")})
	if err != nil {
		return nil
	}
	name, err := tg.Username(ctx)
	if err != nil {
		fmt.Fprintf(g.env.Stderr, "no Telegram links: %v\n", err)
		return nil
	}
	return func(code string) string { return "https://t.me/" + name + "?start=" + code }
}

// writeRoster prints the roster with its codes, every cell made safe to
// open in a spreadsheet.
func writeRoster(w io.Writer, rows []rosterRow, present []string, link func(string) string) error {
	cw := csv.NewWriter(w)
	header := append([]string{colName, colCohort, colLang, colRole, colCode}, present...)
	if link != nil {
		header = append(header, "telegram_link")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		row := append(rosterCells(r.entry), optionalCells(r.entry, present)...)
		if link != nil {
			row = append(row, link(linkCode(r.entry.Code)))
		}
		for i := range row {
			row[i] = gradebook.SafeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func rosterCells(e store.RosterEntry) []string {
	role := "participant"
	if e.Coordinator {
		role = "coordinator"
	}
	return []string{e.Name, e.Cohort, string(e.Lang), role, e.Code}
}

func optionalCells(e store.RosterEntry, present []string) []string {
	values := map[string]string{
		colEmail: e.Email, colIDNumber: e.IDNumber, colOrgType: e.OrgType, colGender: e.Gender,
		colCountry: e.Country, colElectives: strings.Join(e.Electives, " "),
	}
	out := make([]string, len(present))
	for i, c := range present {
		out[i] = values[c]
	}
	return out
}

// linkCode is a code as a deep link's start parameter carries it: no
// spaces, at most 64 characters.
func linkCode(code string) string {
	if strings.Contains(code, " ") || len(code) > 64 {
		return normalizedCode(code)
	}
	return code
}
