package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Extensions are deadlines a coordinator moved later, as Moodle's quiz
// overrides do: for everyone, or for one participant. Each maps what was
// extended (a quiz id, or "essay") to its new deadline. The store keeps
// them as given; which deadline applies is the caller's rule.
type Extensions struct {
	Everyone map[string]time.Time
	Own      map[string]time.Time
}

// SetExtension sets the deadline of what (a quiz id or "essay") to until:
// for participant id, or for everyone when id is "".
func (s *Store) SetExtension(ctx context.Context, id ParticipantID, what string, until time.Time) error {
	if what == "" || until.IsZero() {
		return fmt.Errorf("store: extension of %q until %v: both are needed", what, until)
	}
	key := s.extensionsKey()
	if id != "" {
		if !validID(id) {
			return fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
		}
		key = s.ownExtensionsKey(id)
	}
	err := s.client.HSet(ctx, key, what, strconv.FormatInt(until.UnixMilli(), 10)).Err()
	return s.fail(ctx, "set extension", err)
}

// Extensions reads the deadlines extended for everyone and, unless id is
// "", those of participant id, in one round trip.
func (s *Store) Extensions(ctx context.Context, id ParticipantID) (Extensions, error) {
	if id != "" && !validID(id) {
		return Extensions{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	var all, own *redis.MapStringStringCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HGetAll(ctx, s.extensionsKey())
		if id != "" {
			own = p.HGetAll(ctx, s.ownExtensionsKey(id))
		}
		return nil
	})
	if err != nil {
		return Extensions{}, s.fail(ctx, "read extensions", err)
	}
	var x Extensions
	if x.Everyone, err = instants(all.Val()); err != nil {
		return Extensions{}, err
	}
	if own != nil {
		x.Own, err = instants(own.Val())
	}
	return x, err
}

// instants decodes a hash of unix-millisecond instants.
func instants(h map[string]string) (map[string]time.Time, error) {
	out := make(map[string]time.Time, len(h))
	for k, v := range h {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: malformed extension %q: %q", k, v)
		}
		out[k] = time.UnixMilli(ms).UTC()
	}
	return out, nil
}
