package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// request is one update being handled: who sent it, in which language to
// answer, and the instant it is handled at.
type request struct {
	b   *Bot
	c   *course.Course // the course as it was when the update arrived
	ctx context.Context
	u   Update
	now time.Time
	p   *store.Participant // nil until the person registers
	// partial is true while p holds only the id (see findVoter).
	partial bool
	pr      *locales.Printer
	t       *terms // the sender's deadlines, once read (see terms)
}

func (b *Bot) newRequest(ctx context.Context, u Update) (*request, error) {
	r := &request{b: b, c: b.Course(), ctx: ctx, u: u, now: b.cfg.Clock.Now()}
	if u.Poll != nil {
		return r, r.findVoter()
	}
	p, err := b.cfg.Store.ParticipantByAccount(ctx, store.Platform(u.Platform), u.UserID)
	switch {
	case err == nil:
		r.p = &p
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	r.setLang()
	return r, r.markReachable()
}

// markReachable notes that a participant whose account was marked
// unreachable (they had blocked the bot) writes again, so reminders and
// announcements reach them once more.
func (r *request) markReachable() error {
	if r.p == nil || r.partial || r.u.Blocked != nil {
		return nil
	}
	for _, a := range r.p.Accounts {
		if string(a.Platform) == string(r.u.Platform) && a.UserID == r.u.UserID && !a.Reachable {
			r.b.log.Info("account reachable again", "platform", r.u.Platform, "user", r.u.UserID)
			return r.b.cfg.Store.SetReachable(r.ctx, a.Platform, a.UserID, true)
		}
	}
	return nil
}

// blockChanged records that the person blocked or unblocked the bot, so
// that reminders and announcements skip them, or reach them again,
// without waiting for a send to fail or for them to write.
func (r *request) blockChanged() error {
	if r.p == nil {
		return nil
	}
	r.b.log.Info("bot blocked or unblocked", "platform", r.u.Platform, "user", r.u.UserID, "blocked", *r.u.Blocked)
	return r.b.cfg.Store.SetReachable(r.ctx, store.Platform(r.u.Platform), r.u.UserID, !*r.u.Blocked)
}

// findVoter starts a poll vote. The answer script returns the voter's
// record along with the answer, so here only their id is looked up (from
// memory once known), which spares every vote a round trip: r.p holds
// just the id until setRecord or loadRecord fills it in.
func (r *request) findVoter() error {
	id, err := r.b.cfg.Store.AccountOwner(r.ctx, store.Platform(r.u.Platform), r.u.UserID)
	switch {
	case err == nil:
		r.p, r.partial = &store.Participant{ID: id}, true
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	r.setLang()
	return nil
}

// loadRecord reads the whole record of a participant known only by id,
// before anything is said to them.
func (r *request) loadRecord() error {
	if r.p == nil || !r.partial {
		return nil
	}
	p, err := r.b.cfg.Store.Participant(r.ctx, r.p.ID)
	if err != nil {
		return err
	}
	return r.setRecord(p)
}

// setRecord makes p, read whole, the sender's record.
func (r *request) setRecord(p store.Participant) error {
	r.p, r.partial = &p, false
	r.setLang()
	return r.markReachable()
}

// course is the course this update is handled with.
func (r *request) course() *course.Course { return r.c }

// setLang picks the language: the participant's choice, else the
// platform's hint, else English.
func (r *request) setLang() {
	lang := hintLang(r.u.LangHint)
	if r.p != nil && r.p.Lang != "" {
		lang = r.p.Lang
	}
	r.pr = r.b.cfg.Catalog.Printer(lang)
}

// account is the sender's account as the store knows it: its chat is
// the private one, even when the update came from a shared channel.
func (r *request) account() store.Account {
	chat := r.u.ChatID
	if r.u.DirectChat != "" {
		chat = r.u.DirectChat
	}
	return store.Account{Platform: store.Platform(r.u.Platform), UserID: r.u.UserID, ChatID: chat, Reachable: true}
}

// send delivers a reply to the sender's chat. A recipient who blocked the
// bot is marked unreachable rather than treated as a failure.
func (r *request) send(rep Reply) (Sent, error) {
	m, err := r.b.messenger(r.u.Platform)
	if err != nil {
		return Sent{}, err
	}
	rep.ChatID = r.u.ChatID
	sent, err := m.Send(r.ctx, rep)
	if errors.Is(err, ErrUnreachable) {
		return sent, r.b.cfg.Store.SetReachable(r.ctx, store.Platform(r.u.Platform), r.u.UserID, false)
	}
	return sent, err
}

// say sends text with optional rows of buttons.
func (r *request) say(text string, rows ...[]Button) error {
	_, err := r.send(Reply{Text: text, Buttons: rows})
	return err
}

// dispatch routes the update to a command, a button or the support desk.
func (r *request) dispatch() error {
	switch {
	case r.u.Poll != nil:
		return r.pollAnswer()
	case r.u.Blocked != nil:
		return r.blockChanged()
	case r.u.Slowdown:
		return r.say(r.pr.T("slow_down"))
	case r.u.Choice != "":
		return r.choice()
	case strings.HasPrefix(strings.TrimSpace(r.u.Text), "/"):
		name, args := splitCommand(r.u.Text)
		return r.command(name, args)
	case strings.TrimSpace(r.u.Text) == "":
		return nil
	}
	if handled, err := r.evaluationText(); handled || err != nil {
		return err
	}
	return r.freeText()
}

// splitCommand reads "/quiz@elmabot week-1" as ("quiz", "week-1").
func splitCommand(text string) (name, args string) {
	text = strings.TrimSpace(text)
	head, args, _ := strings.Cut(text, " ")
	head = strings.TrimPrefix(head, "/")
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(args)
}
