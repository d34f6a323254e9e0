package store

import (
	"context"
	"fmt"
	"strings"
)

// CalendarRecord is what the bot remembers of an event it made in a
// platform's calendar (a Discord server's scheduled events) for one
// session: the event's id there, and a hash of what it last sent, so a
// sync that would send the same sends nothing.
type CalendarRecord struct {
	Event string
	Hash  string
}

// CalendarRecords returns the records kept for a calendar, by session id.
func (s *Store) CalendarRecords(ctx context.Context, calendar string) (map[string]CalendarRecord, error) {
	raw, err := s.client.HGetAll(ctx, s.calendarKey(calendar)).Result()
	if err != nil {
		return nil, s.fail(ctx, "read calendar records", err)
	}
	out := make(map[string]CalendarRecord, len(raw))
	for session, v := range raw {
		event, hash, _ := strings.Cut(v, " ")
		out[session] = CalendarRecord{Event: event, Hash: hash}
	}
	return out, nil
}

// SetCalendarRecord remembers the event made for a session.
func (s *Store) SetCalendarRecord(ctx context.Context, calendar, session string, r CalendarRecord) error {
	if r.Event == "" || strings.Contains(r.Event, " ") || strings.Contains(r.Hash, " ") {
		return fmt.Errorf("store: calendar record %+v: want an event id and a hash without spaces", r)
	}
	err := s.client.HSet(ctx, s.calendarKey(calendar), session, r.Event+" "+r.Hash).Err()
	return s.fail(ctx, "save calendar record", err)
}

// DropCalendarRecord forgets the event of a session.
func (s *Store) DropCalendarRecord(ctx context.Context, calendar, session string) error {
	return s.fail(ctx, "drop calendar record", s.client.HDel(ctx, s.calendarKey(calendar), session).Err())
}
