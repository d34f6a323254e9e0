package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

var _ schedule.Deliverer = (*Bot)(nil)

// deliverWorkers send one wave concurrently; the platform outboxes pace
// them, so this only needs to keep the outboxes busy.
const deliverWorkers = 64

// WaveStats counts what one Deliver call did.
type WaveStats struct{ Sent, Skipped, Failed int64 }

// Deliver sends planned wave s to everyone it concerns, each recipient at
// most once: the marker is set before the message leaves, and removed
// again only when the platform refused it for a passing reason.
func (b *Bot) Deliver(ctx context.Context, s schedule.Send) error {
	_, err := b.DeliverStats(ctx, s)
	return err
}

// DeliverStats is Deliver, reporting counts.
func (b *Bot) DeliverStats(ctx context.Context, s schedule.Send) (WaveStats, error) {
	st := b.cfg.Store
	ids, err := st.ParticipantIDs(ctx)
	if err != nil {
		return WaveStats{}, err
	}
	var stats WaveStats
	work := make(chan store.ParticipantID)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range min(deliverWorkers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if ctx.Err() != nil {
					continue // shutting down: start no new send
				}
				if err := b.deliverOne(ctx, st, s, id, &stats); err != nil {
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	for _, id := range ids {
		select {
		case work <- id:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	b.log.Info("wave delivered", "send", s.ID, "sent", stats.Sent, "skipped", stats.Skipped, "failed", stats.Failed)
	if err, ok := firstErr.Load().(error); ok {
		return stats, err
	}
	return stats, ctx.Err()
}

// sendGrace bounds how long a send already begun may take to finish
// after a shutdown was asked for.
const sendGrace = time.Minute

// deliverOne sends s to one participant. Once begun, a send is finished
// even if ctx is cancelled meanwhile (bounded by sendGrace): a message
// cut off mid-request might have arrived or not, and unmarking it could
// repeat it, marking it could lose it. Finishing leaves no doubt.
func (b *Bot) deliverOne(parent context.Context, st Store, s schedule.Send, id store.ParticipantID, stats *WaveStats) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), sendGrace)
	defer cancel()
	p, err := st.Participant(ctx, id)
	if err != nil {
		atomic.AddInt64(&stats.Failed, 1)
		return err
	}
	now := b.cfg.Clock.Now()
	text, err := b.compose(ctx, &p, s, now)
	if err != nil || text == "" {
		atomic.AddInt64(&stats.Skipped, 1)
		return err
	}
	first, err := st.MarkSent(ctx, s.ID, id, max(s.Expires.Sub(now), 0)+30*24*time.Hour)
	if err != nil || !first {
		atomic.AddInt64(&stats.Skipped, 1)
		return err
	}
	if err := b.sendTo(ctx, &p, text); err != nil {
		// The platform refused it: the next run must still send it.
		atomic.AddInt64(&stats.Failed, 1)
		if uerr := st.UnmarkSent(ctx, s.ID, id); uerr != nil {
			return errors.Join(err, uerr)
		}
		return err
	}
	atomic.AddInt64(&stats.Sent, 1)
	return nil
}

// Audience counts the participants s would be sent to now, marking and
// sending nothing: the coordinators' preview.
func (b *Bot) Audience(ctx context.Context, s schedule.Send) (int, error) {
	st := b.cfg.Store
	ids, err := st.ParticipantIDs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		p, err := st.Participant(ctx, id)
		if err != nil {
			return 0, err
		}
		text, err := b.compose(ctx, &p, s, b.cfg.Clock.Now())
		if err != nil {
			return 0, err
		}
		if text != "" {
			n++
		}
	}
	return n, nil
}

// sendTo writes to the participant's first reachable account on a
// platform the bot serves; an account that blocked the bot is marked and
// the next one is tried. Nobody gets the same message in two apps.
func (b *Bot) sendTo(ctx context.Context, p *store.Participant, text string) error {
	for _, acct := range p.Accounts {
		if !acct.Reachable {
			continue
		}
		m, err := b.messenger(Platform(acct.Platform))
		if err != nil {
			continue
		}
		_, err = m.Send(ctx, Reply{ChatID: acct.ChatID, Text: text})
		if errors.Is(err, ErrUnreachable) {
			if err := b.cfg.Store.SetReachable(ctx, acct.Platform, acct.UserID, false); err != nil {
				return err
			}
			continue
		}
		return err
	}
	return nil // nowhere to write: nothing to retry
}

// compose writes s for p, or returns "" when s does not concern p.
func (b *Bot) compose(ctx context.Context, p *store.Participant, s schedule.Send, now time.Time) (string, error) {
	pr := b.cfg.Catalog.Printer(langOf(p))
	own := b.zoneOf(p)
	switch s.Kind {
	case schedule.Reminder:
		if !p.Reminders || !b.wantsOffset(p, s.Offset) || !b.follows(p, s.Event) {
			return "", nil
		}
		return b.reminderText(pr, s.Event, own, now), nil
	case schedule.QuizOpens:
		q := s.Quizzes[0]
		if !p.Reminders || !b.followsQuiz(p, q) {
			return "", nil
		}
		closes := q.Closes.In(own)
		return pr.T("notify_quiz_open", "Title", q.Title.In(pr.Lang), "Points", q.Points, "Day", pr.Date(closes), "Time", pr.Clock(closes), "ID", string(q.ID)), nil
	case schedule.QuizNudge:
		if !p.Reminders {
			return "", nil
		}
		return b.nudgeText(ctx, p, pr, s, own, now)
	case schedule.Broadcast:
		// Announcements reach everyone, reminders on or off.
		return pr.T("broadcast_header") + "\n" + s.Text.In(pr.Lang), nil
	case schedule.CourseSummary:
		r := &request{b: b, c: b.Course(), ctx: ctx, now: now, p: p, pr: pr}
		prog, err := r.progress()
		if err != nil {
			return "", err
		}
		return pr.T("notify_summary") + "\n" + r.renderProgress(prog), nil
	}
	return "", fmt.Errorf("bot: unknown send kind %q", s.Kind)
}

func (b *Bot) reminderText(pr *locales.Printer, ev *schedule.Event, own *time.Location, now time.Time) string {
	text := pr.T("notify_reminder", "Left", timeLeft(pr, ev.Start.Sub(now))) + "\n" +
		describeSession(pr, ev, b.Course().Location, own)
	if ev.Link != "" {
		text += "\n" + ev.Link
	}
	return text
}

// nudgeText lists the quizzes p has not finished among those closing.
func (b *Bot) nudgeText(ctx context.Context, p *store.Participant, pr *locales.Printer, s schedule.Send, own *time.Location, now time.Time) (string, error) {
	answers, err := b.cfg.Store.AllAnswers(ctx, p.ID)
	if err != nil {
		return "", err
	}
	var titles []string
	for _, q := range s.Quizzes {
		if len(answers[q.ID]) < len(q.Questions) && b.followsQuiz(p, q) {
			titles = append(titles, "• "+q.Title.In(pr.Lang))
		}
	}
	if len(titles) == 0 {
		return "", nil
	}
	r := &request{b: b, c: b.Course(), ctx: ctx, now: now, p: p, pr: pr}
	rec, err := r.recordWith(answers)
	if err != nil {
		return "", err
	}
	prog := r.progressOf(rec)
	closes := s.Expires.In(own)
	return pr.T("notify_nudge", "Day", pr.Date(closes), "Time", pr.Clock(closes)) + "\n" +
		strings.Join(titles, "\n") + "\n\n" + r.renderProgress(prog), nil
}

// timeLeft renders a duration the way people say it: "2 days",
// "3 hours 10 minutes", "15 minutes".
func timeLeft(pr *locales.Printer, d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, pr.N("left_days", days))
	}
	if hours > 0 {
		parts = append(parts, pr.N("left_hours", hours))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, pr.N("left_minutes", mins))
	}
	if len(parts) == 0 {
		return pr.N("left_minutes", 0)
	}
	return strings.Join(parts, " ")
}

func langOf(p *store.Participant) locales.Lang {
	if p.Lang != "" {
		return p.Lang
	}
	return locales.EN
}

func (b *Bot) zoneOf(p *store.Participant) *time.Location {
	if loc, err := time.LoadLocation(p.TimeZone); err == nil && p.TimeZone != "" {
		return loc
	}
	return b.Course().Location
}

// wantsOffset: the participant's chosen offsets, else the course's.
func (b *Bot) wantsOffset(p *store.Participant, off time.Duration) bool {
	if len(p.ReminderOffsets) == 0 {
		return slices.Contains(b.Course().Reminders.Offsets, off)
	}
	return slices.Contains(p.ReminderOffsets, off)
}

// follows reports whether ev concerns p: everything but elective
// sessions concerns everyone.
func (b *Bot) follows(p *store.Participant, ev *schedule.Event) bool {
	if ev.Kind != schedule.ElectiveSession {
		return true
	}
	return b.followsElective(p, ev.Elective)
}

// followsQuiz: weekly quizzes are for everyone.
func (b *Bot) followsQuiz(p *store.Participant, q *quiz.Quiz) bool {
	if q.Kind != quiz.Elective {
		return true
	}
	return b.followsElective(p, q.Elective)
}

// followsElective: the electives p chose, or all of them while p has
// chosen none, when the course says so.
func (b *Bot) followsElective(p *store.Participant, elective string) bool {
	if len(p.Electives) == 0 {
		return b.Course().Reminders.NoChoiceGetsAll
	}
	return slices.Contains(p.Electives, elective)
}
