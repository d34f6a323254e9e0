package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/elmabot/elmabot/store"
)

// waveReport is who hears how a watched wave went, kept with the watch
// so that the report survives a restart.
type waveReport struct {
	Platform Platform            `json:"pl"`
	Chat     string              `json:"c"`
	By       store.ParticipantID `json:"p"`
	Lang     string              `json:"l"`
}

// broadcastChoice handles Send and Cancel under a preview.
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
	case action == "send":
		return r.sendBroadcast(bc)
	case begun:
		return r.say(r.pr.T("broadcast_too_late"))
	}
	if _, err := r.b.cfg.Store.DeleteBroadcast(r.ctx, id); err != nil {
		return err
	}
	r.closePreview()
	return r.say(r.pr.T("broadcast_cancelled"))
}

// sendBroadcast queues a confirmed announcement for everyone and asks
// for a report once it is done. The wave goes through the delivery
// queue, so a restart resumes it and nobody gets it twice.
func (r *request) sendBroadcast(bc store.Broadcast) error {
	wave := broadcastSend(bc)
	wave.At, wave.Expires = r.now, r.now.Add(broadcastLife)
	if err := r.b.cfg.Store.KeepBroadcast(r.ctx, bc.ID, broadcastLife+keepItems); err != nil {
		return err
	}
	report, err := json.Marshal(waveReport{Platform: r.u.Platform, Chat: r.u.ChatID, By: r.p.ID, Lang: string(r.pr.Lang)})
	if err != nil {
		return err
	}
	if err := r.b.cfg.Store.WatchWave(r.ctx, wave.ID, report); err != nil {
		return err
	}
	n, err := r.b.enqueueWave(r.ctx, wave)
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
