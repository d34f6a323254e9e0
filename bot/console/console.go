// Package console is a terminal adapter: one line of input is one
// message, buttons are numbered and chosen by typing their number. With
// no token and no server it lets anyone try the whole conversation, and
// scripts and tests can drive it through stdin and stdout.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/elmabot/elmabot/bot"
)

// Adapter talks to one person through a reader and a writer.
type Adapter struct {
	user string
	lang string

	mu      sync.Mutex
	out     io.Writer
	choices []string // data of the buttons last shown, numbered from 1
	seq     int
	// files is where files sent to the person are written; made in the
	// system's temporary directory at the first file when not set.
	files string
}

var _ bot.Messenger = (*Adapter)(nil)

// New returns an adapter writing to out for the person user; lang is the
// locale hint passed with every update (like a phone's language).
func New(out io.Writer, user, lang string) *Adapter {
	return &Adapter{out: out, user: user, lang: lang}
}

// SaveFilesIn makes files sent to the person (an export, a chart, a
// calendar) land in dir, which must exist.
func (a *Adapter) SaveFilesIn(dir string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.files = dir
}

// Platform reports bot.Console.
func (a *Adapter) Platform() bot.Platform { return bot.Console }

// Send prints a reply. Buttons, and a quiz question's options, are
// numbered; the numbers stay valid until the next reply with buttons.
// A reply for another person's chat is not printed: with a shared
// REDIS_URL several consoles serve one course, each its own person, and
// bot.ErrElsewhere leaves the reply for that person's console.
func (a *Adapter) Send(_ context.Context, r bot.Reply) (bot.Sent, error) {
	if r.ChatID != "" && r.ChatID != a.user {
		return bot.Sent{}, bot.ErrElsewhere
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	var b strings.Builder
	text, rows := r.Text, r.Buttons
	if r.Quiz != nil {
		text, rows = r.Quiz.Question, [][]bot.Button{r.Quiz.Buttons}
		if strings.TrimSpace(r.Text) != "" {
			text = r.Text + "\n" + text
		}
	}
	b.WriteString("bot> " + strings.ReplaceAll(text, "\n", "\n     ") + "\n")
	if len(rows) > 0 {
		a.choices = a.choices[:0]
		for _, row := range rows {
			for _, btn := range row {
				a.choices = append(a.choices, btn.Data)
				fmt.Fprintf(&b, "     [%d] %s\n", len(a.choices), btn.Label)
			}
		}
	}
	for _, f := range r.Files {
		b.WriteString(a.saveFile(f) + "\n")
	}
	_, err := io.WriteString(a.out, b.String())
	return bot.Sent{MessageID: strconv.Itoa(a.seq)}, err
}

// saveFile writes a file where the person can open it and says where,
// or why it could not. The caller holds a.mu.
func (a *Adapter) saveFile(f bot.File) string {
	name := filepath.Base(f.Name)
	if name == "." || name == string(filepath.Separator) {
		name = "file"
	}
	if a.files == "" {
		dir, err := os.MkdirTemp("", "elmabot-files-")
		if err != nil {
			return fmt.Sprintf("     [file] %s (%d bytes), not saved: %v", name, len(f.Data), err)
		}
		a.files = dir
	}
	path := filepath.Join(a.files, name)
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		return fmt.Sprintf("     [file] %s (%d bytes), not saved: %v", name, len(f.Data), err)
	}
	return fmt.Sprintf("     [file] %s (%d bytes): %s", name, len(f.Data), path)
}

// Run reads lines from in until EOF or ctx ends, handing each to h. A
// line holding just the number of a shown button presses that button.
func (a *Adapter) Run(ctx context.Context, in io.Reader, h bot.Handler) error {
	lines := make(chan string)
	errs := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errs <- sc.Err()
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return <-errs
			}
			a.handleLine(ctx, h, line)
		}
	}
}

func (a *Adapter) handleLine(ctx context.Context, h bot.Handler, line string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return // blank lines and comments make scripts readable
	}
	a.echo(line)
	u := bot.Update{Platform: bot.Console, UserID: a.user, ChatID: a.user, Name: a.user, LangHint: a.lang}
	if data, ok := a.choice(line); ok {
		u.Choice = data
	} else {
		u.Text = line
	}
	if err := h.Handle(ctx, u); err != nil {
		a.mu.Lock()
		fmt.Fprintf(a.out, "!!   not handled (%v); type it again\n", err)
		a.mu.Unlock()
	}
}

// echo shows the input in the transcript, so a scripted run reads as a
// conversation.
func (a *Adapter) echo(line string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(a.out, "%s> %s\n", a.user, line)
}

// choice maps "2" to the data of button 2, if buttons are showing.
func (a *Adapter) choice(line string) (string, bool) {
	n, err := strconv.Atoi(line)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil || n < 1 || n > len(a.choices) {
		return "", false
	}
	return a.choices[n-1], true
}
