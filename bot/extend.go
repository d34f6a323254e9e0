package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// cmdExtend moves a deadline later, for everyone or for one participant,
// as Moodle's quiz overrides do: "/extend week-7 until 2022-12-16" or
// "/extend essay until 2022-12-20T12:00 p12". A date alone means 23:59
// of that day in the course's time zone. The participant (or everyone
// concerned) is told, and reminded before the new deadline as before
// the old one.
func (r *request) cmdExtend(args string) error {
	what, until, who, ok := r.parseExtend(args)
	if !ok {
		return r.say(r.pr.T("extend_usage"))
	}
	t, exists, err := r.deadlineOf(what, "")
	if err != nil || !exists {
		return r.orSay(err, r.pr.T("extend_unknown", "ID", string(what)))
	}
	var p *store.Participant
	if who != "" {
		if p, _, ok, err = r.target(who, r.pr.T("extend_usage")); !ok {
			return err
		}
		if t, _, err = r.deadlineOf(what, p.ID); err != nil {
			return err
		}
	}
	if !until.After(t) || !until.After(r.now) {
		return r.say(r.pr.T("extend_not_later", "When", r.face().instant(t)))
	}
	if err := r.grantExtension(p, what, until); err != nil {
		return err
	}
	return r.say(r.extendDone(p, what, until))
}

// parseExtend reads "<quiz|essay> until <date>[T<hh:mm>] [<participant>]";
// "hasta" may stand for "until".
func (r *request) parseExtend(args string) (what quiz.ID, until time.Time, who string, ok bool) {
	f := strings.Fields(args)
	if len(f) < 3 || len(f) > 4 || (f[1] != "until" && f[1] != "hasta") {
		return "", time.Time{}, "", false
	}
	until, ok = parseDeadline(f[2], r.course().Location)
	if len(f) == 4 {
		who = f[3]
	}
	return quiz.ID(f[0]), until, who, ok
}

// parseDeadline reads "2022-12-09" (that day's 23:59) or
// "2022-12-09T18:00" in loc; a wall time the clocks skip is refused.
func parseDeadline(s string, loc *time.Location) (time.Time, bool) {
	if !strings.Contains(s, "T") {
		s += "T23:59"
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil || t.Format("2006-01-02T15:04") != s {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// deadlineOf is when what (a quiz, or the essay) closes for participant
// id, or for everyone when id is "". exists is false for an unknown quiz,
// and for the essay of a course that gives it no deadline.
func (r *request) deadlineOf(what quiz.ID, id store.ParticipantID) (time.Time, bool, error) {
	t, err := r.b.termsFor(r.ctx, r.course(), id)
	if err != nil {
		return time.Time{}, false, err
	}
	return t.deadline(what)
}

// deadline is when what closes under t.
func (t terms) deadline(what quiz.ID) (time.Time, bool, error) {
	if what == quiz.EssayID {
		d := t.rules.Essay.Deadline
		return d, !d.IsZero(), nil
	}
	q, ok := t.bank.Quiz(what)
	if !ok {
		return time.Time{}, false, nil
	}
	return q.Closes, true, nil
}

// orSay returns err, or says text when there is none.
func (r *request) orSay(err error, text string) error {
	if err != nil {
		return err
	}
	return r.say(text)
}

// grantExtension stores the extension for p (everyone when nil) and
// queues the news of it and, for a quiz, the nudge before it closes.
// Both are queued for those registered now: someone who joins later
// still gets the extended deadline, but no nudge for it.
func (r *request) grantExtension(p *store.Participant, what quiz.ID, until time.Time) error {
	var id store.ParticipantID
	notice := r.b.extensionSend(extendedForAll, what, until)
	if p != nil {
		id, notice = p.ID, r.b.extensionSend(extendedForOne, what, until)
	}
	if err := r.b.cfg.Store.SetExtension(r.ctx, id, string(what), until); err != nil {
		return err
	}
	sends := []schedule.Send{notice}
	if nudge := r.b.extensionSend(extendedNudge, what, until); what != quiz.EssayID && nudge.At.After(r.now) {
		sends = append(sends, nudge)
	}
	for _, s := range sends {
		if err := r.b.enqueueFor(r.ctx, s, p); err != nil {
			return err
		}
	}
	r.b.poke()
	return nil
}

// enqueueFor queues s for p, or for everyone when p is nil, due at its
// instant (now, if that has passed).
func (b *Bot) enqueueFor(ctx context.Context, s schedule.Send, p *store.Participant) error {
	due := b.cfg.Clock.Now()
	if s.At.After(due) {
		due = s.At
	}
	if p == nil {
		_, err := b.enqueueWaveAt(ctx, s, due)
		return err
	}
	_, err := b.cfg.Store.Enqueue(ctx, s.ID, []string{string(p.ID)}, due, s.Expires, nil)
	return err
}

// extendDone confirms an extension to the coordinator.
func (r *request) extendDone(p *store.Participant, what quiz.ID, until time.Time) string {
	when := r.face().instant(until)
	title := r.deadlineTitle(r.pr, what)
	if p == nil {
		return r.pr.T("extend_done_all", "Title", title, "When", when)
	}
	return r.pr.T("extend_done_one", "Title", title, "When", when, "Name", p.Name, "ID", string(p.ID))
}

// deadlineTitle names a quiz, or the final essay, in pr's language.
func (r *request) deadlineTitle(pr *locales.Printer, what quiz.ID) string {
	return r.b.deadlineTitle(pr, what)
}

func (b *Bot) deadlineTitle(pr *locales.Printer, what quiz.ID) string {
	if q, ok := b.Course().Bank.Quiz(what); ok {
		return q.Title.In(pr.Lang)
	}
	return pr.T("extend_essay")
}

// The sends an extension makes; their items name what was extended and
// until when: "<kind>:<quiz id or essay>:<unix ms>".
const (
	extendedForAll = "xa" // the news, to everyone it concerns
	extendedForOne = "xo" // the news, to the one participant
	extendedNudge  = "xn" // unfinished quiz, closing soon
)

// extensionNews is the send kind of an extension's news.
const extensionNews schedule.SendKind = "extension"

// extensionSend is the send of kind for what extended until then. The
// nudge comes as a course's own does: at the course's nudge hour, in
// each one's zone, on the day before the new deadline.
func (b *Bot) extensionSend(kind string, what quiz.ID, until time.Time) schedule.Send {
	id := fmt.Sprintf("%s:%s:%d", kind, what, until.UnixMilli())
	s := schedule.Send{ID: id, Kind: extensionNews, At: time.UnixMilli(0), Expires: until}
	if kind != extendedNudge {
		return s
	}
	// No nudge (its instant long past) for the essay, or for a quiz
	// opening after it would come.
	q, ok := b.Course().Bank.Quiz(what)
	if !ok {
		return s
	}
	n, ok := schedule.NudgeSend(until, []*quiz.Quiz{q}, b.Course().Reminders.Hours.Nudge)
	if !ok {
		return s
	}
	n.ID = id
	return n
}

// extensionWave is the send an extension's item names, if it is one.
func (b *Bot) extensionWave(item string) (schedule.Send, bool) {
	kind, what, until, ok := extensionOf(item)
	if !ok {
		return schedule.Send{}, false
	}
	s := b.extensionSend(kind, what, until)
	if kind == extendedNudge {
		q, ok := b.Course().Bank.Quiz(what)
		if !ok {
			return schedule.Send{}, false
		}
		s.Quizzes = []*quiz.Quiz{q}
	}
	return s, true
}

// extensionText is the news of an extension for p, or "" when it does
// not concern them: their deadline is not (or no longer) the one sent,
// or, sent to everyone, they have nothing left to hand in.
func (b *Bot) extensionText(ctx context.Context, p *store.Participant, f face, s schedule.Send) (string, error) {
	pr := f.pr
	kind, what, until, _ := extensionOf(s.ID)
	t, err := b.termsFor(ctx, b.Course(), p.ID)
	if err != nil {
		return "", err
	}
	if d, _, _ := t.deadline(what); !d.Equal(until) {
		return "", nil
	}
	key := "extend_notice_one"
	if kind == extendedForAll {
		key = "extend_notice_all"
		if pending, err := b.pending(ctx, p, what); !pending || err != nil {
			return "", err
		}
	}
	when := f.instant(until)
	return pr.T(key, "Title", b.deadlineTitle(pr, what), "When", when), nil
}

// pending reports whether p still has what to hand in: a quiz they follow
// and have not finished, or the essay not yet submitted.
func (b *Bot) pending(ctx context.Context, p *store.Participant, what quiz.ID) (bool, error) {
	if p.Coordinator {
		return false, nil
	}
	if what == quiz.EssayID {
		e, err := b.cfg.Store.Essay(ctx, p.ID)
		return !e.Submitted, err
	}
	q, ok := b.Course().Bank.Quiz(what)
	if !ok || !b.followsQuiz(p, q) {
		return false, nil
	}
	answers, err := b.cfg.Store.Answers(ctx, p.ID, q.ID)
	return len(answers) < len(q.Questions), err
}

// extensionOf reads an extension send's item back: its kind, what was
// extended and until when.
func extensionOf(item string) (kind string, what quiz.ID, until time.Time, ok bool) {
	parts := strings.Split(item, ":")
	if len(parts) != 3 || (parts[0] != extendedForAll && parts[0] != extendedForOne && parts[0] != extendedNudge) {
		return "", "", time.Time{}, false
	}
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", time.Time{}, false
	}
	return parts[0], quiz.ID(parts[1]), time.UnixMilli(ms).UTC(), true
}
