package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// SupportQuestion is a question a participant asked that the FAQ did not
// answer, kept for the coordinators.
type SupportQuestion struct {
	ID          string
	Participant ParticipantID
	Lang        string
	Text        string
	At          time.Time
}

// maxQuestionLength bounds a kept question; chat apps allow a few
// thousand characters per message.
const maxQuestionLength = 8192

type questionJSON struct {
	Participant ParticipantID `json:"p"`
	Lang        string        `json:"l"`
	Text        string        `json:"t"`
	At          int64         `json:"at"` // unix ms
}

// SaveQuestion keeps a participant's question as open and returns its id.
func (s *Store) SaveQuestion(ctx context.Context, id ParticipantID, lang, text string, at time.Time, update string) (string, error) {
	switch {
	case text == "":
		return "", errors.New("store: empty support question")
	case len(text) > maxQuestionLength:
		return "", fmt.Errorf("store: support question of %d bytes: at most %d", len(text), maxQuestionLength)
	case at.IsZero():
		return "", errors.New("store: support question without instant")
	}
	b, err := json.Marshal(questionJSON{Participant: id, Lang: lang, Text: text, At: at.UnixMilli()})
	if err != nil {
		return "", err
	}
	qid, err := s.scripts.saveQuestion.Run(ctx, s.client,
		[]string{s.supportSeqKey(), s.supportKey(), s.supportOpenKey(), s.supportUpdateKey()},
		string(b), strconv.FormatInt(at.UnixMilli(), 10), update).Text()
	return qid, s.fail(ctx, "save question", err)
}

// OpenQuestions lists the questions not yet closed, oldest first.
func (s *Store) OpenQuestions(ctx context.Context) ([]SupportQuestion, error) {
	ids, err := s.client.ZRange(ctx, s.supportOpenKey(), 0, -1).Result()
	if err != nil {
		return nil, s.fail(ctx, "list open questions", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	raw, err := s.client.HMGet(ctx, s.supportKey(), ids...).Result()
	if err != nil {
		return nil, s.fail(ctx, "read open questions", err)
	}
	out := make([]SupportQuestion, 0, len(ids))
	for i, v := range raw {
		text, ok := v.(string)
		if !ok {
			continue // closed between the two reads
		}
		var j questionJSON
		if err := json.Unmarshal([]byte(text), &j); err != nil {
			return nil, fmt.Errorf("store: malformed support question %s: %w", ids[i], err)
		}
		out = append(out, SupportQuestion{ID: ids[i], Participant: j.Participant, Lang: j.Lang, Text: j.Text, At: time.UnixMilli(j.At).UTC()})
	}
	return out, nil
}

// CloseQuestion marks a question handled; it stays readable in the
// questions hash. Closing it again does nothing.
func (s *Store) CloseQuestion(ctx context.Context, qid string) error {
	var exists *redis.BoolCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.HExists(ctx, s.supportKey(), qid)
		p.ZRem(ctx, s.supportOpenKey(), qid)
		return nil
	})
	if err != nil {
		return s.fail(ctx, "close question", err)
	}
	if !exists.Val() {
		return fmt.Errorf("store: support question %q: %w", qid, ErrNotFound)
	}
	return nil
}
