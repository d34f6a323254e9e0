package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// listed returns the text and button labels of message id in chat, as
// the person sees it now.
func (s *staff) listed(chat int64, id string) (string, []string) {
	for _, o := range s.api.Outgoing(chat) {
		if strconv.Itoa(o.MessageID) != id {
			continue
		}
		var labels []string
		for _, row := range o.Buttons {
			for _, b := range row {
				labels = append(labels, b.Text)
			}
		}
		return o.Text, labels
	}
	s.t.Fatalf("no message %s in chat %d", id, chat)
	return "", nil
}

// On Telegram, pressing an elective updates the list where it was
// pressed (mark and count) and sends nothing else.
func TestElectivePressUpdatesTheListInPlace(t *testing.T) {
	s := newStaff(t, "2022-10-24T08:00")
	const ana, luis = 9301, 9302
	anaID := s.join(ana, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "Europe/Rome", nil, true)

	mustContain(t, s.from(ana, "/electives"), "You follow 0 electives")
	list := s.messageWith(ana, "el:skills")
	sent := len(s.api.Outgoing(ana))
	if got := s.from(ana, "press:el:skills"); got != "" {
		t.Errorf("the press sent %q; the list should change instead", got)
	}
	if n := len(s.api.Outgoing(ana)); n != sent {
		t.Errorf("%d messages after the press, want %d", n, sent)
	}
	text, labels := s.listed(ana, list)
	mustContain(t, text, "You follow 1 elective.")
	mustContain(t, strings.Join(labels, "\n"), "✓ Skills dimension of labour migration", "○ Communicating on labour migration")

	s.from(ana, "press:el:skills")
	text, labels = s.listed(ana, list)
	mustContain(t, text, "You follow 0 electives")
	mustContain(t, strings.Join(labels, "\n"), "○ Skills dimension of labour migration")
	if p, err := s.store.Participant(context.Background(), anaID); err != nil || len(p.Electives) != 0 {
		t.Errorf("electives %v (%v) after two presses, want none", p.Electives, err)
	}

	s.from(luis, "/electives")
	list = s.messageWith(luis, "el:skills")
	if got := s.from(luis, "press:el:skills"); got != "" {
		t.Errorf("the press sent %q", got)
	}
	text, _ = s.listed(luis, list)
	mustContain(t, text, "Sigue 1 curso electivo.")
}
