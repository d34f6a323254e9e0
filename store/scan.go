package store

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// scanPage is how many participants a pass reads per round trip: large
// enough that a pass over 100,000 costs about 200 round trips, small
// enough that no reply holds Redis up.
const scanPage = 500

// ScanParticipantIDs calls fn with every listed participant's id, a page
// at a time (SSCAN), so that no caller holds the whole course in memory.
// An id may come twice (SSCAN's guarantee is at least once); callers
// must not mind, as Enqueue does not.
func (s *Store) ScanParticipantIDs(ctx context.Context, page int, fn func([]ParticipantID) error) error {
	var cursor uint64
	for {
		keys, next, err := s.client.SScan(ctx, s.participantsKey(), cursor, "", int64(page)).Result()
		if err != nil {
			return s.fail(ctx, "list participants", err)
		}
		if len(keys) > 0 {
			ids := make([]ParticipantID, len(keys))
			for i, k := range keys {
				ids[i] = ParticipantID(k)
			}
			if err := fn(ids); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// ScanParticipants calls fn with every listed participant, a page at a
// time: one SSCAN and one pipelined HGETALL per page. raw holds each
// participant's profile hash as stored, for the index's repair.
func (s *Store) ScanParticipants(ctx context.Context, page int, fn func(ps []Participant, raw []map[string]string) error) error {
	return s.ScanParticipantIDs(ctx, page, func(ids []ParticipantID) error {
		ps, raw, err := s.participants(ctx, ids)
		if err != nil {
			return err
		}
		return fn(ps, raw)
	})
}

// EachParticipants is ScanParticipants for callers that need only the
// decoded participants.
func (s *Store) EachParticipants(ctx context.Context, fn func([]Participant) error) error {
	return s.ScanParticipants(ctx, scanPage, func(ps []Participant, _ []map[string]string) error {
		return fn(ps)
	})
}

// participants reads the given participants in one round trip; ids that
// name nobody are left out.
func (s *Store) participants(ctx context.Context, ids []ParticipantID) ([]Participant, []map[string]string, error) {
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, s.profileKey(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, s.fail(ctx, "read participants", err)
	}
	ps := make([]Participant, 0, len(ids))
	raw := make([]map[string]string, 0, len(ids))
	for i, c := range cmds {
		h := c.Val()
		if len(h) == 0 {
			continue
		}
		p, err := decodeParticipant(ids[i], h)
		if err != nil {
			return nil, nil, err
		}
		ps, raw = append(ps, p), append(raw, h)
	}
	return ps, raw, nil
}
