package schedule

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// SendKind is what a planned send is about.
type SendKind string

// The kinds of message the bot sends unprompted.
const (
	Reminder      SendKind = "reminder"   // a session starts soon
	QuizOpens     SendKind = "quiz-opens" // a quiz can be taken
	QuizNudge     SendKind = "quiz-nudge" // quizzes close soon and are unfinished
	CourseSummary SendKind = "summary"    // the course is over: where you stand
	Digest        SendKind = "digest"     // the morning list of the day's sessions
	Broadcast     SendKind = "broadcast"  // a coordinator's announcement
	// EvaluationOpens invites participants to the final evaluation.
	EvaluationOpens SendKind = "evaluation"
)

// Send is one planned message wave. ID is stable across replans, so the
// per-recipient "sent" markers recognise it after a restart or an edit.
type Send struct {
	ID      string
	Kind    SendKind
	At      time.Time     // when it is due (UTC)
	Expires time.Time     // after this it is not worth sending any more
	Event   *Event        // Reminder: the session
	Offset  time.Duration // Reminder: how long before the start
	Quizzes []*quiz.Quiz  // QuizOpens: one quiz; QuizNudge: those closing together
	Text    locales.Text  // Broadcast: the announcement
	// Local is, for a Digest, a QuizNudge or a CourseSummary, the
	// wall-clock time each recipient gets it at in their own zone (see
	// DueIn); At is then the earliest such instant anywhere.
	Local time.Duration
	Day   time.Time // Digest: the date whose sessions it lists (00:00 UTC)
	Ends  time.Time // CourseSummary: when the course ended
}

// DueIn is when s is due for a recipient in loc.
func (s *Send) DueIn(loc *time.Location) time.Time {
	switch s.Kind {
	case Digest:
		y, m, d := s.Day.Date()
		return clockOn(y, m, d, s.Local, loc)
	case QuizNudge:
		return NudgeAt(s.Expires, s.Local, loc)
	case CourseSummary:
		return NextClock(s.Ends, s.Local, loc)
	}
	return s.At
}

// ExpiresIn is when s stops being worth sending to a recipient in loc:
// a digest when the next day's comes due there, anything else at
// Expires.
func (s *Send) ExpiresIn(loc *time.Location) time.Time {
	if s.Kind == Digest {
		y, m, d := s.Day.Date()
		return clockOn(y, m, d+1, s.Local, loc)
	}
	return s.Expires
}

// PlanSettings tune the plan beyond the course's reminder settings.
type PlanSettings struct {
	Reminders ReminderSettings
	// CourseEnd is when the course ends: its summary goes out at the
	// first Reminders.Hours.Summary after it, in each recipient's zone.
	CourseEnd time.Time
}

// Plan lists every send of the course in due order.
func Plan(a *Agenda, bank *quiz.Bank, s PlanSettings) []Send {
	var out []Send
	for i := range a.Events {
		ev := &a.Events[i]
		if ev.Kind == Quizzes {
			continue // announced by the quiz itself when it opens
		}
		out = append(out, reminders(ev, s.Reminders.Offsets)...)
	}
	out = append(out, quizSends(bank, s)...)
	out = append(out, digests(a, s.Reminders.Hours.Digest)...)
	if !s.CourseEnd.IsZero() {
		sum := Send{ID: "summary", Kind: CourseSummary, Expires: s.CourseEnd.Add(7 * 24 * time.Hour), Local: s.Reminders.Hours.Summary, Ends: s.CourseEnd}
		sum.At, _ = spread(sum.DueIn)
		out = append(out, sum)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// reminders plans one send per offset, each worth sending until the
// session starts. Which of them a recipient still gets after downtime
// depends on the offsets they chose (a reminder gives way to the next
// one they chose), so the bot decides that per recipient. The id holds
// the session's start: an unchanged session keeps its ids across agenda
// reloads (no repeats), a rescheduled one gets new reminders.
func reminders(ev *Event, offsets []time.Duration) []Send {
	offs := slices.Clone(offsets)
	slices.Sort(offs)
	var out []Send
	for _, off := range offs {
		out = append(out, Send{
			ID:   fmt.Sprintf("rem:%s:%s:%s", ev.ID, off, ev.Start.UTC().Format("20060102T1504Z")),
			Kind: Reminder, At: ev.Start.Add(-off), Expires: ev.Start,
			Event: ev, Offset: off,
		})
	}
	return out
}

// digests plans a morning digest for every date whose digest, somewhere
// on Earth, covers a session. A digest covers the sessions from its hour
// until the next day's: a session at 07:00 is in the day before's, not
// announced after it began.
func digests(a *Agenda, at time.Duration) []Send {
	days := map[time.Time]bool{}
	for i := range a.Events {
		ev := &a.Events[i]
		if ev.Kind == Quizzes {
			continue
		}
		lo, hi := spread(func(loc *time.Location) time.Time { return civilDay(ev.Start.In(loc).Add(-at), loc) })
		for d := lo; !d.After(hi); d = d.AddDate(0, 0, 1) {
			days[d] = true
		}
	}
	var out []Send
	for day := range days {
		s := Send{ID: "digest:" + day.Format("20060102"), Kind: Digest, Local: at, Day: day}
		s.At, _ = spread(s.DueIn)
		_, s.Expires = spread(s.ExpiresIn)
		out = append(out, s)
	}
	return out
}

// civilDay is t's wall-clock date in loc, as 00:00 UTC of that date.
func civilDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// announceFor is how long a quiz's opening is news: a bot back from
// downtime does not announce quizzes that opened days ago.
const announceFor = 24 * time.Hour

// quizSends announces each quiz when it opens, and nudges once for all
// the quizzes that close at the same instant, at a local hour on the day
// before (see nudgeSend).
func quizSends(bank *quiz.Bank, s PlanSettings) []Send {
	var out []Send
	closing := map[time.Time][]*quiz.Quiz{}
	for i := range bank.Quizzes {
		q := &bank.Quizzes[i]
		expires := q.Opens.Add(announceFor)
		if q.Closes.Before(expires) {
			expires = q.Closes
		}
		out = append(out, Send{ID: "open:" + string(q.ID), Kind: QuizOpens, At: q.Opens, Expires: expires, Quizzes: []*quiz.Quiz{q}})
		closing[q.Closes] = append(closing[q.Closes], q)
	}
	for closes, qs := range closing {
		if n, ok := NudgeSend(closes, qs, s.Reminders.Hours.Nudge); ok {
			out = append(out, n)
		}
	}
	return out
}

// NudgeSend is the nudge for quizzes qs closing at closes: at wall-clock
// time c, in each recipient's zone, on the day before the day they
// close. A quiz that opens after the earliest of those instants gets no
// nudge: it is new.
func NudgeSend(closes time.Time, qs []*quiz.Quiz, c time.Duration) (Send, bool) {
	s := Send{ID: "nudge:" + closes.UTC().Format("20060102T1504Z"), Kind: QuizNudge, Expires: closes, Local: c}
	s.At, _ = spread(s.DueIn)
	for _, q := range qs {
		if q.Opens.Before(s.At) {
			s.Quizzes = append(s.Quizzes, q)
		}
	}
	return s, len(s.Quizzes) > 0
}

// Due reports whether s should go out at now: its instant has come and
// it has not expired (a reminder whose session has started is dropped).
func (s *Send) Due(now time.Time) bool {
	return !now.Before(s.At) && now.Before(s.Expires)
}

// Between returns the sends due in [from, to).
func Between(plan []Send, from, to time.Time) []Send {
	var out []Send
	for _, s := range plan {
		if !s.At.Before(from) && s.At.Before(to) {
			out = append(out, s)
		}
	}
	return out
}
