package bot

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/store"
)

func (r *request) cmdHelp(string) error {
	c := r.course()
	text := r.pr.T("help_header", "Course", c.Title.In(r.pr.Lang)) + "\n\n" +
		strings.Join(r.helpLines(), "\n") + "\n\n" +
		r.pr.T("help_footer", "ECampus", c.ECampus)
	return r.say(text)
}

// freeText answers a message that is not a command: from the FAQ when the
// matcher is confident, else the coordinators get it. Small talk and
// buttons typed by hand are answered here and never passed on.
func (r *request) freeText() error {
	m := r.course().Support.Match(r.u.Text, r.pr.Lang)
	switch {
	case m.Echo:
		return r.say(r.pr.T("faq_press_button"))
	case m.Entry == nil && r.p == nil:
		return r.say(r.pr.T("faq_no_match_unregistered"))
	case m.Entry == nil:
		return r.passOn(r.u.Text, "faq_no_match")
	}
	return r.answerFAQ(m.Entry)
}

// cmdHuman passes a message straight to the coordinators.
func (r *request) cmdHuman(msg string) error {
	if strings.TrimSpace(msg) == "" {
		return r.say(r.pr.T("human_usage"))
	}
	return r.passOn(msg, "human_sent")
}

// passOn keeps a question for the coordinators and confirms with msgID.
func (r *request) passOn(text, msgID string) error {
	if err := r.keepQuestion(text, r.u.ID); err != nil {
		return err
	}
	return r.say(r.pr.T(msgID, "Contact", r.course().Contact.In(r.pr.Lang)))
}

// keepQuestion stores a question for the coordinators. once names what
// asked it (the update, a stashed question): asking again under the same
// name stores nothing more.
func (r *request) keepQuestion(text, once string) error {
	_, err := r.b.cfg.Store.SaveQuestion(r.ctx, r.p.ID, string(r.pr.Lang), clip(text), r.now, once)
	return err
}

// clip bounds a kept question, on a rune boundary.
func clip(text string) string {
	const maxLen = 2000
	if len(text) <= maxLen {
		return text
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// cmdQuestions lists the open support questions (coordinators only).
func (r *request) cmdQuestions(string) error {
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return r.say(r.pr.T("questions_none"))
	}
	lines := []string{r.pr.N("questions_header", len(qs), "Example", qs[0].ID)}
	names := map[store.ParticipantID]string{}
	for _, q := range qs {
		name, err := r.nameOf(q.Participant, names)
		if err != nil {
			return err
		}
		lines = append(lines, fmt.Sprintf("%s · %s · %s (%s, %s)\n%s", q.ID, r.when(q.At), name, q.Participant, q.Lang, q.Text))
	}
	return r.say(strings.Join(lines, "\n\n"))
}

// nameOf is a participant's name, read once per listing.
func (r *request) nameOf(id store.ParticipantID, names map[store.ParticipantID]string) (string, error) {
	if name, ok := names[id]; ok {
		return name, nil
	}
	p, err := r.b.cfg.Store.Participant(r.ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	// A record that is gone shows as "-": the question still deserves an answer.
	names[id] = orDash(p.Name)
	return names[id], nil
}

// fold lowercases, strips accents and turns punctuation into spaces, so
// names compare as people type them; the FAQ matcher folds the same way.
func fold(s string) string { return course.Fold(s) }
