package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// An FAQ answer carries an "Ask a person" button. Button data is short
// (64 bytes on Telegram), so the question itself waits here under a short
// random id until the button is pressed or the stash expires:
//
//	<prefix>:faqq:<id>   string with expiry, JSON {p, l, t}

// StashedQuestion is a question the FAQ answered, kept for the button.
type StashedQuestion struct {
	Participant ParticipantID
	Lang        string
	Text        string
}

type stashJSON struct {
	Participant ParticipantID `json:"p"`
	Lang        string        `json:"l"`
	Text        string        `json:"t"`
}

// stashIDLen is the length of a stash id: 8 random bytes, unpadded
// base64url.
const stashIDLen = 11

func (s *Store) stashKey(id string) string { return s.prefix + ":faqq:" + id }

// StashQuestion keeps q for ttl and returns its id, for button data.
func (s *Store) StashQuestion(ctx context.Context, q StashedQuestion, ttl time.Duration) (string, error) {
	switch {
	case q.Text == "" || len(q.Text) > maxQuestionLength:
		return "", fmt.Errorf("store: stashed question of %d bytes: want 1 to %d", len(q.Text), maxQuestionLength)
	case ttl <= 0:
		return "", fmt.Errorf("store: stash ttl %v: must be positive", ttl)
	}
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	b, err := json.Marshal(stashJSON(q))
	if err != nil {
		return "", err
	}
	if err := s.client.Set(ctx, s.stashKey(id), b, ttl).Err(); err != nil {
		return "", s.fail(ctx, "stash question", err)
	}
	return id, nil
}

// StashedQuestion returns the question kept under id, or ErrNotFound once
// it expired or was dropped (and for an id the store never made).
func (s *Store) StashedQuestion(ctx context.Context, id string) (StashedQuestion, error) {
	if !validStashID(id) {
		return StashedQuestion{}, fmt.Errorf("store: stashed question %q: %w", id, ErrNotFound)
	}
	j, err := readJSON[stashJSON](ctx, s, s.client.Get(ctx, s.stashKey(id)), fmt.Sprintf("stashed question %q", id))
	if err != nil {
		return StashedQuestion{}, err
	}
	return StashedQuestion(j), nil
}

// DropStashedQuestion forgets the question under id; dropping it again
// does nothing.
func (s *Store) DropStashedQuestion(ctx context.Context, id string) error {
	if !validStashID(id) {
		return nil
	}
	if err := s.client.Del(ctx, s.stashKey(id)).Err(); err != nil {
		return s.fail(ctx, "drop stashed question", err)
	}
	return nil
}

// validStashID keeps caller text (button data) out of the key space.
func validStashID(id string) bool {
	if len(id) != stashIDLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(id)
	return err == nil
}
