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

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// codeAlphabet leaves out characters people confuse (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// runRoster loads the course roster into Redis: one registration code
// per person, used once. It writes the roster back with the codes (and
// Telegram deep links when TELEGRAM_TOKEN is set) for mailing them out.
func runRoster(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args, 1)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(g.env.Stderr, "usage: elmabot roster ROSTER.csv > ROSTER-with-codes.csv\n(columns: name, cohort, lang, role, code; role is participant or coordinator; empty codes are generated)")
		return errUsage
	}
	url := g.env.Getenv("REDIS_URL")
	if url == "" {
		return errors.New("REDIS_URL is not set: the roster goes into the bot's Redis")
	}
	entries, err := readRoster(rest[0])
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.AddRosterCodes(ctx, entries); err != nil {
		return err
	}
	link := g.deepLink(ctx)
	if err := writeRoster(g.env.Stdout, entries, link); err != nil {
		return err
	}
	fmt.Fprintf(g.env.Stderr, "%d registration codes stored; keep this output as the roster, so re-running keeps the codes\n", len(entries))
	return nil
}

// readRoster reads and checks the CSV, naming the line of every problem.
func readRoster(path string) ([]store.RosterEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: no header line: %w", path, err)
	}
	col, err := rosterColumns(path, header)
	if err != nil {
		return nil, err
	}
	var entries []store.RosterEntry
	var problems []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		e, err := rosterEntry(rec, col)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", path, line, err))
			continue
		}
		entries = append(entries, e)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return entries, nil
}

func rosterColumns(path string, header []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["name"]; !ok {
		return nil, fmt.Errorf("%s:1: the header has no name column (columns: name, cohort, lang, role, code)", path)
	}
	return col, nil
}

func rosterEntry(rec []string, col map[string]int) (store.RosterEntry, error) {
	get := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	e := store.RosterEntry{Name: get("name"), Cohort: get("cohort"), Code: get("code"), Lang: locales.EN}
	if e.Name == "" {
		return e, errors.New("name is empty")
	}
	name, ok := bot.CleanName(e.Name)
	if !ok {
		return e, fmt.Errorf("name %q: 2 to 80 characters are needed, once invisible characters are removed", e.Name)
	}
	e.Name = name
	if tag := get("lang"); tag != "" {
		lang, ok := locales.ParseLang(tag)
		if !ok {
			return e, fmt.Errorf("lang %q is not en or es", tag)
		}
		e.Lang = lang
	}
	switch role := strings.ToLower(get("role")); role {
	case "", "participant":
	case "coordinator":
		e.Coordinator = true
	default:
		return e, fmt.Errorf("role %q is not participant or coordinator", role)
	}
	if e.Code == "" {
		code, err := newCode()
		if err != nil {
			return e, err
		}
		e.Code = code
	}
	return e, nil
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

func writeRoster(w io.Writer, entries []store.RosterEntry, link func(string) string) error {
	cw := csv.NewWriter(w)
	header := []string{"name", "cohort", "lang", "role", "code"}
	if link != nil {
		header = append(header, "telegram_link")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range entries {
		role := "participant"
		if e.Coordinator {
			role = "coordinator"
		}
		row := []string{e.Name, e.Cohort, string(e.Lang), role, e.Code}
		if link != nil {
			row = append(row, link(e.Code))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
