package bot

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/elmabot/elmabot/store"
)

// Schedule is the storage of scheduled announcements (see store/doc.go).
type Schedule interface {
	ScheduleBroadcast(ctx context.Context, id string, due, expires time.Time) (bool, error)
	ScheduledBroadcasts(ctx context.Context) ([]store.Scheduled, error)
	ScheduledState(ctx context.Context, id string) (string, error)
	CancelScheduled(ctx context.Context, id string) (store.CancelOutcome, error)
	Unlist(ctx context.Context, id string) error
}

// scheduleAhead bounds how far ahead an announcement may be scheduled:
// further is surely a typo in the year.
const scheduleAhead = 366 * 24 * time.Hour

// takeWhen reads "at 2022-10-24 09:00" (or "at 24/10/2022 09:00") off
// the front of args, in the coordinator's time zone, Turin's unless
// they chose one. Without it, due is zero and args are left whole; "at"
// followed by no date is text ("at the plenary ...").
func (r *request) takeWhen(args string) (due time.Time, rest string, err error) {
	word, after := cutWord(strings.TrimSpace(args))
	date, after := cutWord(after)
	if !strings.EqualFold(word, "at") || date == "" || !unicode.IsDigit(rune(date[0])) {
		return time.Time{}, args, nil
	}
	clock := ""
	if d, c, found := strings.Cut(date, "T"); found {
		date, clock = d, c
	} else {
		clock, after = cutWord(after)
	}
	due, ok := parseInstant(date, clock, r.zone())
	switch {
	case !ok:
		return time.Time{}, "", &inputError{"schedule_bad_time", []any{"Input", strings.TrimSpace(date + " " + clock)}}
	case !due.After(r.now):
		return time.Time{}, "", &inputError{"schedule_past", []any{"When", r.courseWhen(due)}}
	case due.Sub(r.now) > scheduleAhead:
		return time.Time{}, "", &inputError{"schedule_too_far", []any{"When", r.courseWhen(due)}}
	}
	return due, after, nil
}

// parseInstant reads a day and a 24-hour time in loc.
func parseInstant(date, clock string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006-1-2 15:04", "2/1/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, date+" "+clock, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// courseWhen names an instant for the coordinator: Turin time, and theirs
// when it differs.
func (r *request) courseWhen(t time.Time) string {
	return r.face().instant(t)
}

// zoneName says which clock the times a coordinator types are read on.
func (r *request) zoneName() string {
	if own := r.zone(); own.String() != r.course().Location.String() {
		return r.pr.T("zone_own", "Zone", zoneLabel(own))
	}
	return r.pr.T("zone_course")
}

// scheduleChoice handles the buttons under a scheduled announcement's
// preview: Schedule queues it for its instant, Cancel drops the draft
// or, once scheduled, cancels it.
func (r *request) scheduleChoice(action string, bc store.Broadcast) error {
	if action == "send" {
		return r.scheduleBroadcast(bc)
	}
	state, err := r.b.cfg.Store.ScheduledState(r.ctx, bc.ID)
	if err != nil {
		return err
	}
	if state == "" {
		return r.dropDraft(bc.ID)
	}
	r.closePreview()
	return r.cancelScheduled(bc.ID)
}

// scheduleBroadcast queues the announcement's trigger, due at its
// instant, in the delivery queue; pressing again changes nothing.
func (r *request) scheduleBroadcast(bc store.Broadcast) error {
	if !r.now.Before(bc.Due) {
		r.closePreview()
		return r.say(r.pr.T("schedule_past", "When", r.courseWhen(bc.Due)))
	}
	// Kept until its wave can no longer go out, and its states expire.
	if err := r.b.cfg.Store.KeepBroadcast(r.ctx, bc.ID, bc.Due.Sub(r.now)+broadcastLife+keepItems); err != nil {
		return err
	}
	listed, err := r.b.cfg.Store.ScheduleBroadcast(r.ctx, bc.ID, bc.Due, bc.Due.Add(broadcastLife))
	if err != nil {
		return err
	}
	r.closePreview()
	if !listed {
		return r.say(r.pr.T("scheduled_gone", "ID", bc.ID))
	}
	return r.say(r.pr.T("broadcast_scheduled", "ID", bc.ID, "When", r.courseWhen(bc.Due)))
}

// cmdScheduled lists the announcements waiting for their instant, each
// with a Cancel button, or cancels one: "/scheduled cancel ID".
func (r *request) cmdScheduled(args string) error {
	verb, id := cutWord(strings.TrimSpace(args))
	switch strings.ToLower(verb) {
	case "":
		return r.listScheduled()
	case "cancel", "cancelar":
		if id == "" {
			break
		}
		return r.cancelScheduled(strings.ToUpper(id))
	}
	return r.say(r.pr.T("scheduled_usage"))
}

// listScheduled shows what waits, soonest first.
func (r *request) listScheduled() error {
	list, err := r.b.cfg.Store.ScheduledBroadcasts(r.ctx)
	if err != nil {
		return err
	}
	var entries []string
	var rows [][]Button
	for _, sc := range list {
		bc, err := r.b.cfg.Store.Broadcast(r.ctx, sc.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		entries = append(entries, r.pr.T("scheduled_entry", "ID", sc.ID, "When", r.courseWhen(sc.Due),
			"Audience", r.describeStored(bc), "Text", excerpt(bc.Text.In(r.pr.Lang), excerptLen)))
		rows = append(rows, []Button{{Label: r.pr.T("button_scheduled_cancel", "ID", sc.ID), Data: "sc:cancel:" + sc.ID}})
	}
	if len(entries) == 0 {
		return r.say(r.pr.T("scheduled_none"))
	}
	return r.say(r.pr.N("scheduled_header", len(entries))+"\n\n"+strings.Join(entries, "\n\n"), rows...)
}

// describeStored names a stored audience; one the course no longer
// knows shows as stored.
func (r *request) describeStored(bc store.Broadcast) string {
	a, err := audienceOf(r.course(), bc)
	if err != nil {
		return bc.Audience
	}
	return a.describe(r.pr)
}

// excerptLen is how much of an announcement /scheduled shows.
const excerptLen = 80

// excerpt is the start of s, at most n characters.
func excerpt(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return strings.TrimSpace(string(rs[:n])) + "…"
}

// scheduledChoice handles a Cancel button of /scheduled.
func (r *request) scheduledChoice(value string) error {
	action, id, _ := strings.Cut(value, ":")
	if action != "cancel" {
		return r.say(r.pr.T("answer_forged"))
	}
	return r.cancelScheduled(id)
}

// cancelScheduled keeps a scheduled announcement from going out, unless
// it has begun to.
func (r *request) cancelScheduled(id string) error {
	if !validCode(id) {
		return r.say(r.pr.T("scheduled_unknown", "ID", id))
	}
	out, err := r.b.cfg.Store.CancelScheduled(r.ctx, id)
	if err != nil {
		return err
	}
	switch out {
	case store.Cancelled, store.AlreadyCancelled:
		if _, err := r.b.cfg.Store.DeleteBroadcast(r.ctx, id); err != nil {
			return err
		}
		return r.say(r.pr.T("scheduled_cancelled", "ID", id))
	case store.Begun:
		return r.say(r.pr.T("scheduled_too_late", "ID", id))
	}
	return r.say(r.pr.T("scheduled_unknown", "ID", id))
}

// validCode: letters and digits only, as the store's ids are; anything
// else names nothing and stays out of the store's keys.
func validCode(id string) bool {
	return id != "" && strings.IndexFunc(id, func(c rune) bool { return !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') }) < 0
}

// fireScheduled queues the wave of announcement id, now that its instant
// has come: the delivery of its trigger, run by whichever process took
// it. The audience is judged at the announcement's instant. A crash
// part-way leaves the trigger to be taken again, which queues only who
// is missing; the report is asked for last, so it cannot come before
// everyone is queued.
func (b *Bot) fireScheduled(ctx context.Context, id string) (store.Outcome, time.Time, error) {
	bc, err := b.cfg.Store.Broadcast(ctx, id)
	if err != nil {
		err = ignoreNotFound(err)
		return outcomeIf(err, store.Skipped), b.cfg.Clock.Now().Add(broadcastLife), err
	}
	w := broadcastSend(bc)
	a, err := audienceOf(b.Course(), bc)
	if err != nil {
		return store.Failed, w.Expires, err
	}
	if err := b.cfg.Store.Unlist(ctx, id); err != nil {
		return store.Retry, w.Expires, err
	}
	if _, err := b.enqueueAudience(ctx, w, a, w.At); err != nil {
		return store.Retry, w.Expires, err
	}
	if bc.Report != "" {
		if err := b.cfg.Store.WatchWave(ctx, w.ID, []byte(bc.Report)); err != nil {
			return store.Retry, w.Expires, err
		}
	}
	b.poke()
	return store.Sent, w.Expires, nil
}
