package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/elmabot/elmabot/locales"
)

// Broadcast is an announcement a coordinator wrote, kept between the
// preview and the confirmation so the confirm button carries only its id.
type Broadcast struct {
	ID   string
	Text locales.Text
	By   ParticipantID
	At   time.Time
	// Audience is who it is for, in the bot's own notation; "" is
	// everyone. Kept with the text, so that whoever sends it (another
	// replica, a restarted process) picks the same people.
	Audience string
	// Due is when a scheduled announcement goes out; zero: when confirmed.
	Due time.Time
	// Reminder marks a message written as a reminder: it goes only to
	// those who keep reminders on.
	Reminder bool
	// Report is the caller's note (JSON) of who hears how it went, for
	// an announcement sent later by whichever process runs then.
	Report string
}

type broadcastJSON struct {
	EN       string          `json:"en"`
	ES       string          `json:"es"`
	By       ParticipantID   `json:"by"`
	At       int64           `json:"at"`
	Audience string          `json:"au,omitempty"`
	Due      int64           `json:"due,omitempty"`
	Reminder bool            `json:"rem,omitempty"`
	Report   json.RawMessage `json:"rp,omitempty"`
}

// broadcastTTL is how long a draft waits for its confirmation.
const broadcastTTL = 7 * 24 * time.Hour

// SaveBroadcast stores a draft announcement and returns its new id.
func (s *Store) SaveBroadcast(ctx context.Context, b Broadcast) (string, error) {
	if b.Text.EN == "" && b.Text.ES == "" {
		return "", errors.New("store: empty broadcast")
	}
	j := broadcastJSON{EN: b.Text.EN, ES: b.Text.ES, By: b.By, At: b.At.UnixMilli(), Audience: b.Audience, Reminder: b.Reminder}
	if b.Report != "" {
		j.Report = json.RawMessage(b.Report)
	}
	if !b.Due.IsZero() {
		j.Due = b.Due.UnixMilli()
	}
	raw, err := json.Marshal(j)
	if err != nil {
		return "", err
	}
	for range 5 {
		id, err := randomCode()
		if err != nil {
			return "", err
		}
		ok, err := s.client.SetNX(ctx, s.broadcastKey(id), raw, broadcastTTL).Result()
		if err != nil {
			return "", s.fail(ctx, "save broadcast", err)
		}
		if ok {
			return id, nil
		}
	}
	return "", errors.New("store: no free broadcast id after 5 tries")
}

// Broadcast returns a draft announcement, or ErrNotFound once expired.
func (s *Store) Broadcast(ctx context.Context, id string) (Broadcast, error) {
	j, err := readJSON[broadcastJSON](ctx, s, s.client.Get(ctx, s.broadcastKey(id)), fmt.Sprintf("broadcast %q", id))
	if err != nil {
		return Broadcast{}, err
	}
	b := Broadcast{ID: id, Text: locales.Text{EN: j.EN, ES: j.ES}, By: j.By, At: time.UnixMilli(j.At).UTC(), Audience: j.Audience, Report: string(j.Report), Reminder: j.Reminder}
	if j.Due != 0 {
		b.Due = time.UnixMilli(j.Due).UTC()
	}
	return b, nil
}

func (s *Store) broadcastKey(id string) string { return s.prefix + ":bc:" + id }

// KeepBroadcast keeps a confirmed announcement for ttl from now, for as
// long as its wave may still go out.
func (s *Store) KeepBroadcast(ctx context.Context, id string, ttl time.Duration) error {
	ok, err := s.client.Expire(ctx, s.broadcastKey(id), ttl).Result()
	if err == nil && !ok {
		return fmt.Errorf("store: broadcast %q: %w", id, ErrNotFound)
	}
	return s.fail(ctx, "keep broadcast", err)
}

// DeleteBroadcast drops a draft announcement, so that its Send button
// sends nothing any more. deleted is false when there was none.
func (s *Store) DeleteBroadcast(ctx context.Context, id string) (deleted bool, err error) {
	n, err := s.client.Del(ctx, s.broadcastKey(id)).Result()
	return n == 1, s.fail(ctx, "delete broadcast", err)
}
