package bot

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// channelItem prefixes the delivery of a wave's post in a platform's
// shared channel, "ch:<wave>"; its recipient is the platform. Kept apart
// from the wave's own item, so that the wave counts people only.
const channelItem = "ch:"

// enqueueChannels queues the posts of s in the platforms' shared
// channels (see Channels): an announcement in the announcements channel,
// a reminder of an elective's session in that elective's channel. Like
// the wave, each is queued once however often s is.
func (b *Bot) enqueueChannels(ctx context.Context, s schedule.Send) error {
	now := b.cfg.Clock.Now()
	for _, m := range b.channelMessengers() {
		chat := b.channelFor(m, s)
		if chat == "" {
			continue
		}
		msg := directMsg{Platform: m.Platform(), Chat: chat, Reply: Reply{Text: b.channelText(s, now)}, Expires: s.Expires.UnixMilli()}
		payload, err := json.Marshal(msg)
		if err != nil {
			return err
		}
		if _, err := b.cfg.Store.Enqueue(ctx, channelItem+s.ID, []string{string(m.Platform())}, now, s.Expires, payload); err != nil {
			return err
		}
	}
	return nil
}

// channelMessengers are the registered messengers with shared
// channels, in a fixed order.
func (b *Bot) channelMessengers() []Channels {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []Channels
	for _, m := range b.messengers {
		if c, ok := m.(Channels); ok {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y Channels) int { return strings.Compare(string(x.Platform()), string(y.Platform())) })
	return out
}

// channelFor is the chat s is posted in, "" for none: announcements go
// to the announcements channel; reminders of an elective's session, at
// the course's own reminder times (not each time a participant may
// pick), to the elective's channel.
func (b *Bot) channelFor(c Channels, s schedule.Send) string {
	switch {
	case s.Kind == schedule.Broadcast:
		return c.AnnounceChat()
	case s.Kind == schedule.Reminder && s.Event != nil && s.Event.Kind == schedule.ElectiveSession &&
		slices.Contains(b.Course().Reminders.Offsets, s.Offset):
		return c.ElectiveChat(s.Event.Elective)
	}
	return ""
}

// channelText writes s for a shared channel: in every course language,
// English first, with times in the course's zone.
func (b *Bot) channelText(s schedule.Send, now time.Time) string {
	var parts []string
	for _, lang := range []locales.Lang{locales.EN, locales.ES} {
		pr := b.cfg.Catalog.Printer(lang)
		text := pr.T("broadcast_header") + "\n" + s.Text.In(lang)
		if s.Kind == schedule.Reminder {
			// Channels are on Discord, whose markup shows each reader
			// their own time.
			m, _ := b.messenger(Discord)
			text = b.reminderText(faceFor(m, pr, b.Course().Location, b.Course().Location), s.Event, now)
		}
		if !slices.Contains(parts, text) {
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, "\n\n")
}

// mirrorElective tells the platforms that mirror electives (see
// ElectiveMirror) that p now follows elective, or no longer does, on
// each of p's accounts. A mirror left behind is a nuisance, not a
// failure: it is logged.
func (b *Bot) mirrorElective(ctx context.Context, p *store.Participant, elective string, on bool) {
	for _, acct := range p.Accounts {
		m, err := b.messenger(Platform(acct.Platform))
		if err != nil {
			continue
		}
		if em, ok := m.(ElectiveMirror); ok {
			if err := em.SetElective(ctx, acct.UserID, elective, on); err != nil {
				b.log.Warn("mirroring an elective", "platform", acct.Platform, "user", acct.UserID, "elective", elective, "on", on, "err", err)
			}
		}
	}
}
