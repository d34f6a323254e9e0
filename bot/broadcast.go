package bot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// broadcastLife is how long a broadcast may still go out (to those a
// first run missed) after it was confirmed, or after its instant.
const broadcastLife = 7 * 24 * time.Hour

// waveReport is who hears how a watched wave went, kept with the watch
// so that the report survives a restart.
type waveReport struct {
	Platform Platform            `json:"pl"`
	Chat     string              `json:"c"`
	By       store.ParticipantID `json:"p"`
	Lang     string              `json:"l"`
}

// cmdBroadcast previews an announcement:
//
//	/broadcast [at 2022-10-24 09:00] [filters] English text [|| texto en español]
//
// (see audience.go for the filters). Nothing is sent, or scheduled,
// before the coordinator presses the button under the preview.
func (r *request) cmdBroadcast(args string) error { return r.announce(args, false) }

// cmdRemind is /broadcast for a reminder of the coordinators' own: it
// is headed as one, and goes only to those who keep reminders on.
func (r *request) cmdRemind(args string) error { return r.announce(args, true) }

// announce previews an announcement, or a reminder, for confirmation.
func (r *request) announce(args string, reminder bool) error {
	due, rest, err := r.takeWhen(args)
	if err != nil {
		return r.sayInputError(err)
	}
	words, rest := takeFilters(rest)
	a, err := r.readAudience(words)
	if err != nil {
		return r.sayInputError(err)
	}
	a.reminder = reminder
	text, ok := bilingual(rest)
	if !ok && reminder {
		return r.say(r.pr.T("remind_usage"))
	}
	if !ok {
		return r.say(r.pr.T("broadcast_usage"))
	}
	n, err := r.b.audienceSize(r.ctx, a, r.now)
	if err != nil {
		return err
	}
	if n.total == 0 && due.IsZero() {
		return r.say(r.pr.T("audience_empty", "Audience", a.describe(r.pr)))
	}
	note, err := r.reportNote()
	if err != nil {
		return err
	}
	bc := store.Broadcast{Text: text, By: r.p.ID, At: r.now, Audience: a.String(), Due: due, Report: note, Reminder: reminder}
	if bc.ID, err = r.b.cfg.Store.SaveBroadcast(r.ctx, bc); err != nil {
		return err
	}
	return r.previewBroadcast(bc, a, n)
}

// bilingual reads "English || español"; one text serves both languages.
func bilingual(args string) (locales.Text, bool) {
	en, es, found := strings.Cut(args, "||")
	en, es = strings.TrimSpace(en), strings.TrimSpace(es)
	if !found {
		es = en
	}
	return locales.Text{EN: en, ES: es}, en != "" && es != ""
}

// sayInputError shows a coordinator what in their command the bot could
// not take; other errors are returned.
func (r *request) sayInputError(err error) error {
	var bad *inputError
	if errors.As(err, &bad) {
		return r.say(r.pr.T(bad.Msg, bad.Args...))
	}
	return err
}

// readAudience checks filters against the course and, for cohorts, the
// cohorts people are in (one read of the course's counters).
func (r *request) readAudience(words []filterWord) (audience, error) {
	v := vocab{course: r.course(), cohorts: []string{}}
	if !slices.ContainsFunc(words, func(f filterWord) bool { return f.key == "cohort" }) {
		return v.read(words)
	}
	c, err := r.b.cfg.Store.Counts(r.ctx)
	if err != nil {
		return audience{}, err
	}
	for name := range c.ByCohort {
		if name != "" {
			v.cohorts = append(v.cohorts, name)
		}
	}
	slices.Sort(v.cohorts)
	return v.read(words)
}

// previewBroadcast shows the coordinator who an announcement is for, how
// many that is, and the text each language receives, with the buttons
// that send (or schedule) it or drop it.
func (r *request) previewBroadcast(bc store.Broadcast, a audience, n reach) error {
	pr := r.pr
	lines := []string{pr.T("broadcast_audience", "Audience", a.describe(pr))}
	if !bc.Due.IsZero() {
		lines = append(lines, pr.T("broadcast_when", "When", r.courseWhen(bc.Due), "Zone", r.zoneName()))
	}
	langs := a.langs
	if len(langs) == 0 {
		langs = r.course().Languages
	}
	for _, l := range langs {
		part := pr.T("broadcast_in_lang_all", "Lang", pr.T("lang_"+string(l)), "Text", bc.Text.In(l))
		if n.byLang != nil {
			part = pr.N("broadcast_in_lang", n.byLang[l], "Lang", pr.T("lang_"+string(l)), "Text", bc.Text.In(l))
		}
		lines = append(lines, "", part)
	}
	if len(langs) > 1 && bc.Text.EN == bc.Text.ES {
		lines = append(lines, "", pr.T("broadcast_same_text"))
	}
	lines = append(lines, "", pr.N("broadcast_total", n.total))
	send := pr.N("button_broadcast_send", n.total)
	if !bc.Due.IsZero() {
		if a.byStanding() {
			lines = append(lines, pr.T("broadcast_counted_now"))
		}
		send = pr.T("button_broadcast_schedule")
	}
	return r.say(strings.Join(lines, "\n"), []Button{
		{Label: send, Data: "bc:send:" + bc.ID},
		{Label: pr.T("button_cancel"), Data: "bc:cancel:" + bc.ID},
	})
}

// reportNote is who hears how an announcement went: the coordinator,
// in this chat and their language.
func (r *request) reportNote() (string, error) {
	raw, err := json.Marshal(waveReport{Platform: r.u.Platform, Chat: r.u.ChatID, By: r.p.ID, Lang: string(r.pr.Lang)})
	return string(raw), err
}

// broadcastChoice handles Send (or Schedule) and Cancel under a preview.
func (r *request) broadcastChoice(value string) error {
	action, id, _ := strings.Cut(value, ":")
	bc, err := r.b.cfg.Store.Broadcast(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		r.closePreview()
		return r.say(r.pr.T("broadcast_expired"))
	}
	if err != nil {
		return err
	}
	wave := broadcastSend(bc)
	counts, err := r.b.cfg.Store.WaveCounts(r.ctx, wave.ID)
	if err != nil {
		return err
	}
	begun := counts != (store.WaveCounts{})
	switch {
	case action == "send" && begun:
		return r.say(r.pr.T("broadcast_status", "Sent", counts.Sent, "Unreachable", counts.Unreachable, "Failed", counts.Failed+counts.Expired, "Due", counts.Due))
	case begun:
		return r.say(r.pr.T("broadcast_too_late"))
	case !bc.Due.IsZero():
		return r.scheduleChoice(action, bc)
	case action == "send":
		return r.sendBroadcast(bc)
	}
	return r.dropDraft(id)
}

// dropDraft deletes an announcement not yet confirmed, so that its Send
// button sends nothing any more.
func (r *request) dropDraft(id string) error {
	if _, err := r.b.cfg.Store.DeleteBroadcast(r.ctx, id); err != nil {
		return err
	}
	r.closePreview()
	return r.say(r.pr.T("broadcast_cancelled"))
}

// sendBroadcast queues a confirmed announcement for its audience and
// asks for a report once it is done. The wave goes through the delivery
// queue, so a restart resumes it and nobody gets it twice.
func (r *request) sendBroadcast(bc store.Broadcast) error {
	a, err := audienceOf(r.course(), bc)
	if err != nil {
		return r.sayInputError(err)
	}
	wave := broadcastSend(bc)
	wave.At, wave.Expires = r.now, r.now.Add(broadcastLife)
	if err := r.b.cfg.Store.KeepBroadcast(r.ctx, bc.ID, broadcastLife+keepItems); err != nil {
		return err
	}
	report, err := r.reportNote()
	if err != nil {
		return err
	}
	if err := r.b.cfg.Store.WatchWave(r.ctx, wave.ID, []byte(report)); err != nil {
		return err
	}
	n, err := r.b.enqueueAudience(r.ctx, wave, a, r.now)
	if err != nil {
		return err
	}
	r.b.poke()
	r.closePreview()
	// The wave is queued: a status message that fails changes nothing.
	if err := r.say(r.pr.N("broadcast_sending", n)); err != nil {
		r.b.log.Warn("telling a coordinator a broadcast started", "err", err)
	}
	return nil
}

// attemptBroadcast sends announcement id to d's recipient, in their
// language, on the platforms its audience names (else wherever they are
// reachable).
func (b *Bot) attemptBroadcast(ctx context.Context, d store.Delivery, id string) (store.Outcome, time.Time, error) {
	bc, err := b.cfg.Store.Broadcast(ctx, id)
	if err != nil {
		err = ignoreNotFound(err)
		return outcomeIf(err, store.Expired), b.cfg.Clock.Now().Add(broadcastLife), err
	}
	w := broadcastSend(bc)
	if !b.cfg.Clock.Now().Before(w.Expires) {
		return store.Expired, w.Expires, nil
	}
	p, err := b.cfg.Store.Participant(ctx, store.ParticipantID(d.Recipient))
	if err != nil {
		return outcomeIf(ignoreNotFound(err), store.Skipped), w.Expires, ignoreNotFound(err)
	}
	a, err := audienceOf(b.Course(), bc)
	if err != nil {
		return store.Failed, w.Expires, err
	}
	if end, quiet := b.quietHours(&p).End(b.cfg.Clock.Now(), b.zoneOf(&p)); bc.Reminder && quiet && end.Before(w.Expires) {
		return store.Wait, end, nil // a reminder keeps the person's quiet hours
	}
	p.Accounts = a.narrow(p.Accounts)
	pr := b.cfg.Catalog.Printer(langOf(&p))
	header := pr.T("broadcast_header")
	if bc.Reminder {
		header = pr.T("remind_header")
	}
	err = b.sendTo(ctx, &p, header+"\n"+w.Text.In(pr.Lang))
	return outcomeOf(err), w.Expires, err
}

// ignoreNotFound is err, unless it says the thing is gone. (A passing
// error reading an announcement is retried as long as one may live.)
func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// keepItems matches how long the store keeps a wave's states: the
// announcement must outlive them, or a repeated Send could not tell it
// was sent.
const keepItems = 30 * 24 * time.Hour

// closePreview takes the buttons off the preview the coordinator
// pressed, where the platform can edit messages.
func (r *request) closePreview() {
	m, err := r.b.messenger(r.u.Platform)
	if err != nil || r.u.MessageID == "" {
		return
	}
	if e, ok := m.(Editor); ok {
		if err := e.RemoveButtons(r.ctx, r.u.ChatID, r.u.MessageID); err != nil {
			r.b.log.Info("removing a preview's buttons", "err", err)
		}
	}
}

// reportWaves tells coordinators how their finished waves went, once: the
// report is itself a delivery, named after the wave.
func (b *Bot) reportWaves(ctx context.Context, force bool) {
	if !b.dlv.reportDue(b.cfg.Clock.Now()) && !force {
		return
	}
	watched, err := b.cfg.Store.WatchedWaves(ctx)
	if err != nil {
		b.log.Warn("reading watched waves", "err", err)
		return
	}
	for item, raw := range watched {
		if err := b.reportWave(ctx, item, raw); err != nil {
			b.log.Warn("reporting a wave", "item", item, "err", err)
		}
	}
}

func (b *Bot) reportWave(ctx context.Context, item string, raw []byte) error {
	c, err := b.cfg.Store.WaveCounts(ctx, item)
	if err != nil || !c.Done() {
		return err
	}
	var to waveReport
	if err := json.Unmarshal(raw, &to); err != nil {
		return errors.Join(err, b.cfg.Store.Unwatch(ctx, item))
	}
	pr := b.cfg.Catalog.Printer(hintLang(to.Lang))
	text := pr.T("broadcast_done", "Sent", c.Sent, "Unreachable", c.Unreachable, "Failed", c.Failed+c.Expired)
	msg := directMsg{Platform: to.Platform, Chat: to.Chat, Reply: Reply{Text: text}, Expires: b.cfg.Clock.Now().Add(broadcastLife).UnixMilli()}
	if _, _, err := b.sendOnce(ctx, "rp:"+item, string(to.By), msg); err != nil {
		return err
	}
	return b.cfg.Store.Unwatch(ctx, item)
}
