package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

var _ schedule.Deliverer = (*Bot)(nil)

// WaveStats counts where one wave's deliveries stand.
type WaveStats struct{ Due, Sent, Unreachable, Failed, Expired, Skipped int }

func waveStats(c store.WaveCounts) WaveStats {
	return WaveStats{Due: c.Due, Sent: c.Sent, Unreachable: c.Unreachable, Failed: c.Failed, Expired: c.Expired, Skipped: c.Skipped}
}

// Deliver queues planned wave s for every participant, each at most
// once: queueing it again (a restart, a second replica, a retried job)
// adds only those who have never had it. The delivery loop sends it.
func (b *Bot) Deliver(ctx context.Context, s schedule.Send) error {
	_, err := b.enqueueWave(ctx, s)
	b.poke()
	return err
}

// DeliverStats queues s, sends everything due in this goroutine's time
// (see DrainDeliveries) and reports where s stands.
func (b *Bot) DeliverStats(ctx context.Context, s schedule.Send) (WaveStats, error) {
	if _, err := b.enqueueWave(ctx, s); err != nil {
		return WaveStats{}, err
	}
	if err := b.DrainDeliveries(ctx); err != nil {
		return WaveStats{}, err
	}
	c, err := b.cfg.Store.WaveCounts(ctx, s.ID)
	return waveStats(c), err
}

// enqueueWave queues s for every participant, a page of the
// participant set at a time, so that neither this process nor one
// script holds the whole course; it returns how many were new to it.
func (b *Bot) enqueueWave(ctx context.Context, s schedule.Send) (int, error) {
	return b.enqueueWaveAt(ctx, s, b.cfg.Clock.Now())
}

// enqueueWaveAt is enqueueWave with the wave due at due, not now.
func (b *Bot) enqueueWaveAt(ctx context.Context, s schedule.Send, due time.Time) (int, error) {
	now := b.cfg.Clock.Now()
	if !now.Before(s.Expires) {
		return 0, nil
	}
	added := 0
	err := b.cfg.Store.ScanParticipantIDs(ctx, wavePage, func(ids []store.ParticipantID) error {
		to := make([]string, len(ids))
		for i, id := range ids {
			to[i] = string(id)
		}
		got, err := b.cfg.Store.Enqueue(ctx, s.ID, to, due, s.Expires, nil)
		added += len(got)
		return err
	})
	if added > 0 {
		b.log.Info("wave queued", "send", s.ID, "recipients", added)
	}
	if err == nil {
		err = b.enqueueChannels(ctx, s)
	}
	return added, err
}

// wavePage is how many recipients one Enqueue takes: one script that
// keeps Redis busy for about a millisecond.
const wavePage = 1000

// attemptWave composes wave d.Item for its recipient, now, and sends it;
// or, before the recipient's own instant for it (slotFor), returns Wait
// and that instant.
func (b *Bot) attemptWave(ctx context.Context, d store.Delivery) (store.Outcome, time.Time, error) {
	s, ok, err := b.wave(ctx, d.Item)
	if err != nil || !ok {
		return outcomeIf(err, store.Expired), time.Time{}, err
	}
	now := b.cfg.Clock.Now()
	if !now.Before(s.Expires) {
		return store.Expired, s.Expires, nil
	}
	p, err := b.cfg.Store.Participant(ctx, store.ParticipantID(d.Recipient))
	if errors.Is(err, store.ErrNotFound) {
		return store.Skipped, s.Expires, nil
	}
	if err != nil {
		return store.Retry, s.Expires, err
	}
	at, expires, ok := b.slotFor(&p, &s, now)
	switch {
	case !ok:
		return store.Skipped, expires, nil
	case now.Before(at):
		return store.Wait, at, nil
	case !now.Before(expires):
		return store.Expired, expires, nil
	}
	o, err := b.sendWave(ctx, &p, s, now)
	return o, expires, err
}

// sendWave composes s for p on the platform it goes out on, since times
// are written in that platform's way (see TimeMarkup), and sends it.
func (b *Bot) sendWave(ctx context.Context, p *store.Participant, s schedule.Send, now time.Time) (store.Outcome, error) {
	_, err := b.eachAccount(ctx, p, func(m Messenger, chat string) (Sent, error) {
		text, err := b.compose(ctx, p, s, now, m)
		if err == nil && text == "" {
			err = errSkip
		}
		if err != nil {
			return Sent{}, err
		}
		return m.Send(ctx, Reply{ChatID: chat, Text: text})
	})
	if errors.Is(err, errNowhere) {
		// Nowhere to write: counted unreachable only if it concerned them.
		if text, cerr := b.compose(ctx, p, s, now, nil); cerr != nil || text == "" {
			return outcomeIf(cerr, store.Skipped), cerr
		}
	}
	if errors.Is(err, errSkip) {
		return store.Skipped, nil
	}
	return outcomeOf(err), err
}

// outcomeIf is o, or Retry when err says the question could not be
// answered for now.
func outcomeIf(err error, o store.Outcome) store.Outcome {
	if err != nil {
		return store.Retry
	}
	return o
}

// wave finds the send a queued wave item names: an extension's news,
// or a send of the course's plan (announcements take their own path:
// attemptBroadcast). ok is false when it is gone (the course was
// edited).
func (b *Bot) wave(_ context.Context, item string) (schedule.Send, bool, error) {
	if s, ok := b.extensionWave(item); ok {
		return s, true, nil
	}
	s, ok := b.planned(item)
	return s, ok, nil
}

// Audience counts the participants s would be sent to now, marking and
// sending nothing: the coordinators' preview.
func (b *Bot) Audience(ctx context.Context, s schedule.Send) (int, error) {
	n, err := b.Audiences(ctx, []schedule.Send{s})
	if err != nil {
		return 0, err
	}
	return n[0], nil
}

// Audiences counts the recipients of each send in one paged pass over
// the participants, deciding from each profile alone (concerns) what
// compose would decide: the preview of a whole course costs one read of
// each participant, not one per send.
func (b *Bot) Audiences(ctx context.Context, sends []schedule.Send) ([]int, error) {
	counts := make([]int, len(sends))
	err := b.cfg.Store.EachParticipants(ctx, func(ps []store.Participant) error {
		for i := range ps {
			for j := range sends {
				if b.concerns(&ps[i], &sends[j]) {
					counts[j]++
				}
			}
		}
		return nil
	})
	return counts, err
}

// concerns reports whether compose would write s for p: the same rules,
// with the quizzes p started and finished read from the profile's marks
// instead of the answers.
func (b *Bot) concerns(p *store.Participant, s *schedule.Send) bool {
	if s.Kind == schedule.Broadcast || s.Kind == schedule.CourseSummary {
		return true
	}
	if s.Kind == schedule.EvaluationOpens {
		// Reminders on or off, like the course summary; the answers
		// are not read here, so who already answered is counted too.
		return !p.Created.After(s.At) && !p.Coordinator
	}
	if p.Created.After(s.At) || !p.Reminders {
		return false
	}
	switch s.Kind {
	case schedule.Reminder:
		return b.wantsOffset(p, s.Offset) && b.remindsOf(p, s.Event)
	case schedule.Digest:
		return len(b.digestSessions(p, s, time.Time{})) > 0
	case schedule.QuizOpens:
		q := s.Quizzes[0]
		return b.announcesQuiz(p, q) && p.Marks[store.QuizCode(q.ID)].Answered == 0
	case schedule.QuizNudge:
		return slices.ContainsFunc(s.Quizzes, func(q *quiz.Quiz) bool {
			return p.Marks[store.QuizCode(q.ID)].Answered < len(q.Questions) && b.followsQuiz(p, q)
		})
	}
	return false
}

// errNowhere: the participant has no account the bot can write to.
var errNowhere = errors.New("bot: no reachable account")

// errSkip: what was composed does not concern the participant.
var errSkip = errors.New("bot: nothing to send")

// sendTo writes text to the participant: see eachAccount.
func (b *Bot) sendTo(ctx context.Context, p *store.Participant, text string) error {
	_, err := b.sendReply(ctx, p, Reply{Text: text})
	return err
}

// sendReply writes rep to the participant: see eachAccount.
func (b *Bot) sendReply(ctx context.Context, p *store.Participant, rep Reply) (Sent, error) {
	return b.eachAccount(ctx, p, func(m Messenger, chat string) (Sent, error) {
		rep.ChatID = chat
		return m.Send(ctx, rep)
	})
}

// eachAccount sends through the participant's first reachable account
// on a platform the bot serves; an account that blocked the bot is
// marked and the next one is tried. Nobody gets the same message in two
// apps. The error wraps errNowhere when no account could take it.
func (b *Bot) eachAccount(ctx context.Context, p *store.Participant, send func(m Messenger, chat string) (Sent, error)) (Sent, error) {
	for _, acct := range p.Accounts {
		if !acct.Reachable {
			continue
		}
		m, err := b.messenger(Platform(acct.Platform))
		if err != nil {
			continue
		}
		sent, err := send(m, acct.ChatID)
		if errors.Is(err, ErrUnreachable) {
			if err := b.cfg.Store.SetReachable(ctx, acct.Platform, acct.UserID, false); err != nil {
				return Sent{}, err
			}
			continue
		}
		return sent, err
	}
	return Sent{}, fmt.Errorf("participant %s: %w", p.ID, errNowhere)
}

// compose writes s for p, or returns "" when s does not concern p.
func (b *Bot) compose(ctx context.Context, p *store.Participant, s schedule.Send, now time.Time, m Messenger) (string, error) {
	pr := b.cfg.Catalog.Printer(langOf(p))
	own := b.zoneOf(p)
	f := faceFor(m, pr, b.Course().Location, own)
	if s.Kind != schedule.Broadcast && s.Kind != schedule.CourseSummary && s.Kind != extensionNews && p.Created.After(s.DueIn(own)) {
		// Someone who joined after a reminder's instant gets only the
		// reminders still ahead of them; a send at a local hour is
		// judged by their own hour, not the earliest on Earth.
		return "", nil
	}
	switch s.Kind {
	case schedule.Reminder:
		if !p.Reminders || !b.wantsOffset(p, s.Offset) || !b.remindsOf(p, s.Event) {
			return "", nil
		}
		return b.reminderText(f, s.Event, now), nil
	case schedule.Digest:
		if !p.Reminders {
			return "", nil
		}
		return b.digestText(p, f, &s, now), nil
	case schedule.QuizOpens:
		q := s.Quizzes[0]
		if !p.Reminders || !b.announcesQuiz(p, q) {
			return "", nil
		}
		if started, err := b.started(ctx, p, q); started || err != nil {
			return "", err
		}
		t, err := b.termsFor(ctx, b.Course(), p.ID)
		if err != nil {
			return "", err
		}
		closes, _, _ := t.deadline(q.ID)
		when := f.instant(closes)
		return pr.T("notify_quiz_open", "Title", q.Title.In(pr.Lang), "Points", pr.N("count_points", q.Points), "When", when, "ID", string(q.ID)), nil
	case schedule.QuizNudge:
		if !p.Reminders {
			return "", nil
		}
		return b.nudgeText(ctx, p, f, s, now)
	case extensionNews:
		return b.extensionText(ctx, p, f, s)
	case schedule.Broadcast:
		// Announcements reach everyone, reminders on or off.
		return pr.T("broadcast_header") + "\n" + s.Text.In(pr.Lang), nil
	case schedule.EvaluationOpens:
		return b.evaluationInvite(ctx, p, f)
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

// started reports whether p answered any question of q: the news that q
// is open is no news to them.
func (b *Bot) started(ctx context.Context, p *store.Participant, q *quiz.Quiz) (bool, error) {
	answers, err := b.cfg.Store.Answers(ctx, p.ID, q.ID)
	return len(answers) > 0, err
}

func (b *Bot) reminderText(f face, ev *schedule.Event, now time.Time) string {
	text := f.reminder(ev.Start, now) + "\n" + describeSession(f, ev)
	if ev.Link != "" {
		text += "\n" + ev.Link
	}
	return text
}

// nudgeText lists the quizzes p has not finished among those closing.
func (b *Bot) nudgeText(ctx context.Context, p *store.Participant, f face, s schedule.Send, now time.Time) (string, error) {
	pr := f.pr
	answers, err := b.cfg.Store.AllAnswers(ctx, p.ID)
	if err != nil {
		return "", err
	}
	r := &request{b: b, c: b.Course(), ctx: ctx, now: now, p: p, pr: pr}
	t, err := r.terms()
	if err != nil {
		return "", err
	}
	var titles []string
	for _, q := range s.Quizzes {
		// A quiz whose deadline was extended for p is nudged before
		// the new deadline (see cmdExtend), not this one.
		closes, _, _ := t.deadline(q.ID)
		if len(answers[q.ID]) < len(q.Questions) && b.followsQuiz(p, q) && closes.Equal(s.Expires) {
			titles = append(titles, "• "+q.Title.In(pr.Lang))
		}
	}
	if len(titles) == 0 {
		return "", nil
	}
	rec, err := r.recordWith(answers)
	if err != nil {
		return "", err
	}
	prog := r.progressOf(rec)
	when := f.instant(s.Expires)
	return pr.T("notify_nudge", "When", when) + "\n" +
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

// follows reports whether ev concerns p: everything but elective
// sessions concerns everyone.
func (b *Bot) follows(p *store.Participant, ev *schedule.Event) bool {
	if ev.Kind != schedule.ElectiveSession {
		return true
	}
	return b.followsElective(p, ev.Elective)
}

// remindsOf reports whether ev gets reminders of its own for p: every
// session but those of electives p did not choose. Someone who chose
// none hears of every elective's sessions in the morning digest instead
// (see digestSessions), not in reminders of each.
func (b *Bot) remindsOf(p *store.Participant, ev *schedule.Event) bool {
	return ev.Kind != schedule.ElectiveSession || slices.Contains(p.Electives, ev.Elective)
}

// announcesQuiz reports whether a quiz's opening is news for p: weekly
// quizzes for everyone, elective ones for those who chose the elective.
func (b *Bot) announcesQuiz(p *store.Participant, q *quiz.Quiz) bool {
	return q.Kind != quiz.Elective || slices.Contains(p.Electives, q.Elective)
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
