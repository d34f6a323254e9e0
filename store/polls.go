package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/elmabot/elmabot/quiz"
)

// PollRef is what a platform's native quiz poll asks and of whom: a vote
// names only the poll, so the bot keeps this to route it.
type PollRef struct {
	Participant ParticipantID
	Quiz        quiz.ID
	Question    string
}

type pollJSON struct {
	Participant ParticipantID `json:"p"`
	Quiz        quiz.ID       `json:"q"`
	Question    string        `json:"k"`
}

// SavePoll keeps what the poll with the platform's id pollID asks, for
// ttl (until the quiz closes, say).
func (s *Store) SavePoll(ctx context.Context, pollID string, ref PollRef, ttl time.Duration) error {
	if pollID == "" {
		return errors.New("store: poll without id")
	}
	if ttl <= 0 {
		return fmt.Errorf("store: poll ttl %v: must be positive", ttl)
	}
	b, err := json.Marshal(pollJSON(ref))
	if err != nil {
		return err
	}
	if err := s.hot(ctx).Set(ctx, s.pollKey(pollID), b, ttl).Err(); err != nil {
		return s.fail(ctx, "save poll", err)
	}
	s.polls.put(pollID, ref)
	return nil
}

// Poll returns what a poll asks, or ErrNotFound once it expired.
// A poll never changes what it asks, so a replica that saved it answers
// from memory; another replica asks Redis.
func (s *Store) Poll(ctx context.Context, pollID string) (PollRef, error) {
	if ref, ok := s.polls.get(pollID); ok {
		return ref, nil
	}
	j, err := readJSON[pollJSON](ctx, s, s.client.Get(ctx, s.pollKey(pollID)), fmt.Sprintf("poll %q", pollID))
	if err != nil {
		return PollRef{}, err
	}
	return PollRef(j), nil
}
