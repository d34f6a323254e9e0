package bot

import (
	"context"
	"slices"
	"time"

	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// quietHours are p's own quiet hours, else the course's.
func (b *Bot) quietHours(p *store.Participant) schedule.QuietHours {
	if p.QuietHours != "" {
		if q, err := schedule.ParseQuietHours(p.QuietHours); err == nil {
			return q
		}
	}
	return b.Course().Reminders.Quiet
}

// slotFor decides when wave s reaches p: at, and no later than expires;
// ok is false when p is to get no message of it at all.
//
// A wave is due at its instant, or at its local hour in p's zone (the
// digest, the nudge, the summary). A send due inside p's quiet hours
// waits for their end if it is still worth sending then; if not, the
// thing it announces is itself inside the quiet hours (a session at
// 06:00, a quiz closing at night), and the message goes at its own time:
// p asked to be told before it. A session reminder gives way to the next
// reminder p chose for the same session, so when both would wait for the
// same morning, only the later one (the nearer to the start) is sent.
// A send that is late (the bot was down) is judged by now, the hour it
// would arrive at. Coordinators' announcements are not held: they may be
// urgent.
func (b *Bot) slotFor(p *store.Participant, s *schedule.Send, now time.Time) (at, expires time.Time, ok bool) {
	own := b.zoneOf(p)
	at, expires = s.DueIn(own), s.ExpiresIn(own)
	if s.Kind == schedule.Broadcast {
		return at, expires, true
	}
	if at.Before(now) {
		at = now // late (downtime): the hour it would arrive at is what counts
	}
	worthUntil := expires
	if s.Kind == schedule.Reminder {
		expires, worthUntil = b.nextReminder(p, s), s.Event.Start
	}
	end, quiet := b.quietHours(p).End(at, own)
	switch {
	case !quiet:
	case end.Before(expires):
		at = end
	case end.Before(worthUntil):
		return at, expires, false // a later reminder p chose goes at end
	}
	return at, expires, true
}

// nextReminder is when the next reminder p chose for the session of s
// comes due, or the session's start: s is not worth sending after it.
func (b *Bot) nextReminder(p *store.Participant, s *schedule.Send) time.Time {
	next := s.Event.Start
	for _, off := range b.offsetsOf(p) {
		if off < s.Offset && s.Event.Start.Add(-off).Before(next) {
			next = s.Event.Start.Add(-off)
		}
	}
	return next
}

// offsetsOf is the reminder offsets p gets: their choice, else the
// course's.
func (b *Bot) offsetsOf(p *store.Participant) []time.Duration {
	if p.ReminderOffsets == nil {
		return b.Course().Reminders.Offsets
	}
	return p.ReminderOffsets
}

// wantsOffset: the participant's chosen offsets, else the course's.
func (b *Bot) wantsOffset(p *store.Participant, off time.Duration) bool {
	return slices.Contains(b.offsetsOf(p), off)
}

// joinOpenWaves queues for a newcomer the sends at a local hour (the
// digest, the nudge, the summary) whose wave went into the queue before
// they came, at the earliest hour on Earth, but whose hour has not come
// for them: someone who registers in the evening still gets the next
// morning's digest. Queuing is once per recipient, so a wave queued
// after this changes nothing for them.
func (b *Bot) joinOpenWaves(ctx context.Context, p *store.Participant, now time.Time) error {
	own := b.zoneOf(p)
	for _, s := range b.planIndex().local {
		if s.At.After(now) || !now.Before(s.DueIn(own)) || !now.Before(s.ExpiresIn(own)) {
			continue
		}
		if _, err := b.cfg.Store.Enqueue(ctx, s.ID, []string{string(p.ID)}, now, s.Expires, nil); err != nil {
			return err
		}
	}
	b.poke()
	return nil
}
