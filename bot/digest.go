package bot

import (
	"strings"
	"time"

	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// digestSessions lists the sessions the digest s shows p: those from
// its hour in p's zone (or from, if later) until p's next digest, that
// p follows; all of them if p chose the digest, else only the elective
// sessions while p has chosen no elective (their reminders come this
// way, see remindsOf).
func (b *Bot) digestSessions(p *store.Participant, s *schedule.Send, from time.Time) []*schedule.Event {
	own := b.zoneOf(p)
	if due := s.DueIn(own); from.Before(due) {
		from = due
	}
	until := s.ExpiresIn(own)
	if end, quiet := b.quietHours(p).End(until, own); quiet {
		until = end // the next digest waits for the quiet hours too
	}
	var out []*schedule.Event
	for i := range b.Course().Agenda.Events {
		ev := &b.Course().Agenda.Events[i]
		if ev.Kind == schedule.Quizzes || ev.Start.Before(from) || !ev.Start.Before(until) || !b.follows(p, ev) {
			continue
		}
		if p.Digest || !b.remindsOf(p, ev) {
			out = append(out, ev)
		}
	}
	return out
}

// digestText is the morning digest for p, or "" when their day holds no
// session for it (or none still ahead).
func (b *Bot) digestText(p *store.Participant, f face, s *schedule.Send, now time.Time) string {
	pr := f.pr
	evs := b.digestSessions(p, s, now)
	if len(evs) == 0 {
		return ""
	}
	parts := []string{pr.N("digest_header", len(evs))}
	electivesOnly := !p.Digest
	for _, ev := range evs {
		part := describeSession(f, ev)
		if ev.Link != "" {
			part += "\n" + ev.Link
		}
		parts = append(parts, part)
	}
	if electivesOnly {
		parts = append(parts, pr.T("digest_choose_electives"))
	}
	return strings.Join(parts, "\n\n")
}
