package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// stashFor is how long an answered question waits for its "Ask a person"
// button: long enough to read the answer and try it, short enough that
// Redis does not fill up with questions nobody escalates.
const stashFor = 48 * time.Hour

// answerFAQ says a matched entry's answer, as its kind asks (see the head
// of faq.yaml).
func (r *request) answerFAQ(e *course.FAQEntry) error {
	switch e.Kind {
	case course.KindSmallTalk:
		return r.say(e.Answer.In(r.pr.Lang))
	case course.KindHuman:
		if r.p == nil {
			return r.say(r.pr.T("faq_human_unregistered"))
		}
		if err := r.keepQuestion(r.u.Text, r.u.ID); err != nil {
			return err
		}
		return r.say(e.Answer.In(r.pr.Lang))
	}
	text, err := r.liveAnswer(e)
	if err != nil {
		return err
	}
	rows, err := r.faqButtons()
	if err != nil {
		return err
	}
	return r.say(text, rows...)
}

// faqButtons offer "That helped" and "Ask a person". The question waits
// in the store under a short id, as button data is too small to carry
// it. Unregistered people get no buttons: nothing can be passed on for
// them.
func (r *request) faqButtons() ([][]Button, error) {
	if r.p == nil {
		return nil, nil
	}
	id, err := r.b.cfg.Store.StashQuestion(r.ctx, store.StashedQuestion{Participant: r.p.ID, Lang: string(r.pr.Lang), Text: clip(r.u.Text)}, stashFor)
	if err != nil {
		return nil, err
	}
	return [][]Button{{
		{Label: r.pr.T("button_faq_helped"), Data: "faq:ok"},
		{Label: r.pr.T("button_faq_ask"), Data: "faq:ask:" + id},
	}}, nil
}

// faqChoice handles the two buttons under an FAQ answer.
func (r *request) faqChoice(value string) error {
	id, ask := strings.CutPrefix(value, "ask:")
	if !ask {
		return r.say(r.pr.T("faq_glad"))
	}
	q, err := r.b.cfg.Store.StashedQuestion(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && q.Participant != r.p.ID {
		return r.say(r.pr.T("faq_ask_gone"))
	}
	if err != nil {
		return err
	}
	// Named by the stash id, the question is stored once however often
	// the button is pressed or the press is delivered.
	if err := r.keepQuestion(q.Text, "faq:"+id); err != nil {
		return err
	}
	if err := r.b.cfg.Store.DropStashedQuestion(r.ctx, id); err != nil {
		return err
	}
	return r.say(r.pr.T("faq_asked", "Question", q.Text))
}

// liveAnswer is the entry's answer followed by the live data it names.
func (r *request) liveAnswer(e *course.FAQEntry) (string, error) {
	text := e.Answer.In(r.pr.Lang)
	var live string
	switch e.Live {
	case course.LiveProgress:
		if r.p == nil {
			return r.pr.T("need_registration"), nil
		}
		p, err := r.progress()
		if err != nil {
			return "", err
		}
		live = r.renderProgress(p)
	case course.LiveNextSession:
		live = r.nextSessionText()
	case course.LiveRecordings:
		live = r.recentSessionsText()
	case course.LiveCourseEnd:
		live = r.courseEndText()
	case course.LiveEssayDue:
		var err error
		if live, err = r.essayDueText(); err != nil {
			return "", err
		}
	}
	if live == "" {
		return text, nil
	}
	return text + "\n\n" + live, nil
}

// essayDueText is when the sender's essay is due: the course's deadline,
// or a later one a coordinator gave them or everyone (/extend).
func (r *request) essayDueText() (string, error) {
	t, err := r.terms()
	if err != nil {
		return "", err
	}
	d := t.rules.Essay.Deadline
	switch {
	case d.IsZero():
		return "", nil
	case !r.now.Before(d):
		return r.pr.T("faq_essay_was_due", "When", r.face().instant(d)), nil
	}
	return r.pr.T("faq_essay_due", "When", r.face().instant(d),
		"Left", timeLeft(r.pr, d.Sub(r.now))), nil
}

// webinar reports whether ev is a live session for this person: quiz
// releases and the platform opening are in the agenda but are not
// webinars.
func (r *request) webinar(ev *schedule.Event) bool {
	if ev.Kind == schedule.Quizzes || ev.Kind == schedule.Opening {
		return false
	}
	if r.p == nil {
		return ev.Kind != schedule.ElectiveSession
	}
	return r.concerns(ev)
}

// nextSessionText is the next webinar for the sender, with its link.
func (r *request) nextSessionText() string {
	for i := range r.course().Agenda.Events {
		ev := &r.course().Agenda.Events[i]
		if ev.End.After(r.now) && r.webinar(ev) {
			text := r.sessionLine(ev)
			if ev.Link != "" {
				text += "\n" + ev.Link
			}
			return text
		}
	}
	return r.pr.T("next_none")
}

// recentWindow and recentMax bound the sessions listed with the
// recordings: "yesterday's webinar" is rarely the very last one.
const (
	recentWindow = 7 * 24 * time.Hour
	recentMax    = 3
)

// recentSessionsText lists the webinars held for the sender lately, most
// recent first (at least the last one, however old), so they can find
// the recording they missed.
func (r *request) recentSessionsText() string {
	events := r.course().Agenda.Events
	var lines []string
	for i := len(events) - 1; i >= 0 && len(lines) < recentMax; i-- {
		ev := &events[i]
		if ev.End.After(r.now) || !r.webinar(ev) {
			continue
		}
		if len(lines) > 0 && r.now.Sub(ev.End) > recentWindow {
			break
		}
		lines = append(lines, r.briefSession(ev))
	}
	if len(lines) == 0 {
		return r.pr.T("faq_no_session_yet")
	}
	return r.pr.T("faq_recent_sessions", "Sessions", strings.Join(lines, "\n"))
}

// briefSession is one line: the title and when, in Turin time.
func (r *request) briefSession(ev *schedule.Event) string {
	loc := r.course().Location
	s, e := ev.Start.In(loc), ev.End.In(loc)
	when := r.pr.T("session_when_course", "Day", r.pr.Date(s), "Start", r.pr.Clock(s), "End", r.pr.Clock(e))
	return "• " + ev.Title.In(r.pr.Lang) + " (" + when + ")"
}

// courseEndText is the course's last day and the days left, counted in
// the course's calendar.
func (r *request) courseEndText() string {
	c := r.course()
	last := c.End.Add(-time.Nanosecond).In(c.Location)
	day := r.pr.Date(last) + " " + last.Format("2006")
	if !r.now.Before(c.End) {
		return r.pr.T("faq_course_ended", "Day", day)
	}
	left := calendarDays(r.now.In(c.Location), last)
	if left == 0 {
		return r.pr.T("faq_course_ends_today", "Day", day)
	}
	return r.pr.N("faq_course_ends", left, "Day", day)
}

// calendarDays counts the days from a's date to b's date.
func calendarDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
