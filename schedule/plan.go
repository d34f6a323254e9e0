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
}

// PlanSettings tune the plan beyond the course's reminder settings.
type PlanSettings struct {
	Reminders ReminderSettings
	// NudgeBefore is how long before quizzes close the nudge goes out.
	NudgeBefore time.Duration
	// CourseEnd is when the end-of-course summary goes out.
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
	if !s.CourseEnd.IsZero() {
		out = append(out, Send{ID: "summary", Kind: CourseSummary, At: s.CourseEnd, Expires: s.CourseEnd.Add(7 * 24 * time.Hour)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// reminders plans one send per offset. Each expires when the next one
// comes due, so a bot back from downtime sends only the latest reminder
// of a session, never "in a day" and "in 15 minutes" together. The id
// holds the session's start: an unchanged session keeps its ids across
// agenda reloads (no repeats), a rescheduled one gets new reminders.
func reminders(ev *Event, offsets []time.Duration) []Send {
	offs := slices.Clone(offsets)
	slices.Sort(offs)
	var out []Send
	expires := ev.Start
	for _, off := range offs {
		at := ev.Start.Add(-off)
		out = append(out, Send{
			ID:   fmt.Sprintf("rem:%s:%s:%s", ev.ID, off, ev.Start.UTC().Format("20060102T1504Z")),
			Kind: Reminder, At: at, Expires: expires,
			Event: ev, Offset: off,
		})
		expires = at
	}
	return out
}

// announceFor is how long a quiz's opening is news: a bot back from
// downtime does not announce quizzes that opened days ago.
const announceFor = 24 * time.Hour

// quizSends announces each quiz when it opens, and nudges once for all
// the quizzes that close at the same instant.
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
	if s.NudgeBefore <= 0 {
		return out
	}
	for closes, qs := range closing {
		at := closes.Add(-s.NudgeBefore)
		// A quiz that opens after the nudge is due gets no nudge: it is new.
		var open []*quiz.Quiz
		for _, q := range qs {
			if q.Opens.Before(at) {
				open = append(open, q)
			}
		}
		if len(open) > 0 {
			out = append(out, Send{ID: "nudge:" + closes.UTC().Format("20060102T1504Z"), Kind: QuizNudge, At: at, Expires: closes, Quizzes: open})
		}
	}
	return out
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
