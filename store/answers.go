package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/quiz"
)

// Answer is one participant's answer to one quiz question. The caller
// grades it (quiz.Question.Grade) before it is recorded.
type Answer struct {
	Participant ParticipantID
	Quiz        quiz.ID
	Question    string
	Option      int // 0-99
	Correct     bool
	Points      int // what a correct answer earns
	Kind        quiz.Kind
	At          time.Time
	// Siblings are the quiz's question ids; the result's Answered tells
	// which of them are answered, so the bot picks the next question
	// without another round trip. May be empty.
	Siblings []string
}

// Totals are a participant's points per source.
type Totals struct {
	Weekly, Elective, Essay int
	Total                   int // the sum of the three
	EssaySubmitted          bool
}

// AnswerResult is what recording an answer did.
type AnswerResult struct {
	New     bool // false: the question was answered before, nothing changed
	Correct bool // the stored answer's
	Awarded int  // points added by this call
	Option  int  // the stored option, which may differ from the one sent
	Totals  Totals
	// Answered lists the Answer's Siblings that are answered, this
	// question included when it is among them, in Siblings order.
	Answered []string
	// Right lists those of Answered that were answered correctly.
	Right []string
	// Participant is the participant's record as it is after the answer.
	Participant Participant
}

// StoredAnswer is an answer as kept.
type StoredAnswer struct {
	Option  int
	Correct bool
	At      time.Time
}

// Limits on what an answer may carry. Longer ids would push the
// participant's hashes out of Redis's compact encoding, whose values are
// at most 64 bytes; an answer field is the quiz code and the question id.
const (
	maxIDLength = 64
	maxQuestion = maxIDLength - quizCodeLength
	maxOption   = 99
)

// Totals fields of the profile hash (see doc.go).
const (
	sWeekly    = "w"
	sElective  = "e"
	sEssay     = "x"
	sSubmitted = "xs"
)

func totalField(k quiz.Kind) (string, error) {
	switch k {
	case quiz.Weekly:
		return sWeekly, nil
	case quiz.Elective:
		return sElective, nil
	}
	return "", fmt.Errorf("store: unknown quiz kind %q", k)
}

func (a Answer) validate() error {
	switch {
	case !validID(a.Participant):
		return fmt.Errorf("store: participant %q: %w", a.Participant, ErrNotFound)
	case a.Quiz == "" || len(a.Quiz) > maxIDLength:
		return fmt.Errorf("store: quiz id %q: must be 1-%d bytes", a.Quiz, maxIDLength)
	case a.Question == "" || len(a.Question) > maxQuestion:
		return fmt.Errorf("store: question id %q: must be 1-%d bytes", a.Question, maxQuestion)
	case a.Option < 0 || a.Option > maxOption:
		return fmt.Errorf("store: option %d: must be 0-%d", a.Option, maxOption)
	case a.Points < 0:
		return fmt.Errorf("store: points %d: must not be negative", a.Points)
	case a.At.IsZero() || a.At.UnixMilli() < 0:
		return errors.New("store: answer without instant")
	}
	return nil
}

// RecordAnswer records an answer once per (participant, quiz, question),
// in one script and one round trip (plus one, once per quiz and process,
// to register the quiz's code). A repeat, with the same option or
// another, changes nothing and reports the stored outcome with New
// false. Only a correct new answer adds its points, to the total of its
// quiz's kind. Unknown participants give ErrNotFound.
func (s *Store) RecordAnswer(ctx context.Context, a Answer) (AnswerResult, error) {
	if err := a.validate(); err != nil {
		return AnswerResult{}, err
	}
	if _, err := s.registerQuiz(ctx, a.Quiz); err != nil {
		return AnswerResult{}, err
	}
	keys, args, err := s.answerCall(a)
	if err != nil {
		return AnswerResult{}, err
	}
	v, err := s.runAcked(ctx, s.scripts.recordAnswer, keys, args...)
	if err != nil {
		return AnswerResult{}, s.fail(ctx, "record answer", err)
	}
	r, err := asReply(v)
	if err != nil {
		return AnswerResult{}, err
	}
	res, err := decodeAnswerReply(a.Participant, r)
	if err != nil {
		return res, err
	}
	// A repeat is applied too: it changes nothing, unless the first
	// apply was lost, which it then makes good.
	return res, s.indexReply(ctx, a.Participant, r, 10)
}

func decodeAnswerReply(id ParticipantID, r reply) (AnswerResult, error) {
	if found, err := r.int(0); err != nil || found == 0 {
		return AnswerResult{}, errors.Join(err, fmt.Errorf("store: participant %s: %w", id, ErrNotFound))
	}
	isNew, err := r.int(1)
	if err != nil {
		return AnswerResult{}, err
	}
	awarded, err := r.int(2)
	if err != nil {
		return AnswerResult{}, err
	}
	raw, err := r.str(3)
	if err != nil {
		return AnswerResult{}, err
	}
	stored, err := decodeStored(raw)
	if err != nil {
		return AnswerResult{}, err
	}
	t, err := totalsFrom(r, 4)
	if err != nil {
		return AnswerResult{}, err
	}
	answered, err := r.strs(8)
	if err != nil {
		return AnswerResult{}, err
	}
	right, err := r.strs(9)
	if err != nil {
		return AnswerResult{}, err
	}
	profile, err := r.strMap(10)
	if err != nil {
		return AnswerResult{}, err
	}
	p, err := decodeParticipant(id, profile)
	if err != nil {
		return AnswerResult{}, err
	}
	return AnswerResult{
		New: isNew == 1, Correct: stored.Correct, Awarded: int(awarded), Option: stored.Option,
		Totals: t, Answered: answered, Right: right, Participant: p,
	}, nil
}

// decodeStored reads an answer value: "<unix ms><option, 2 digits><1|0>".
func decodeStored(v string) (StoredAnswer, error) {
	if len(v) < 4 {
		return StoredAnswer{}, fmt.Errorf("store: malformed answer %q", v)
	}
	ms, err := strconv.ParseInt(v[:len(v)-3], 10, 64)
	if err != nil {
		return StoredAnswer{}, fmt.Errorf("store: malformed answer %q: %w", v, err)
	}
	option, err := strconv.Atoi(v[len(v)-3 : len(v)-1])
	if err != nil {
		return StoredAnswer{}, fmt.Errorf("store: malformed answer %q: %w", v, err)
	}
	return StoredAnswer{Option: option, Correct: v[len(v)-1] == '1', At: time.UnixMilli(ms).UTC()}, nil
}

// totalsFrom reads w, e, x, xs from r starting at index i.
func totalsFrom(r reply, i int) (Totals, error) {
	var n [3]int64
	for j := range n {
		var err error
		if n[j], err = r.int(i + j); err != nil {
			return Totals{}, err
		}
	}
	submitted, err := r.str(i + 3)
	if err != nil {
		return Totals{}, err
	}
	return makeTotals(n[0], n[1], n[2], submitted != ""), nil
}

func makeTotals(weekly, elective, essay int64, submitted bool) Totals {
	return Totals{
		Weekly:         int(weekly),
		Elective:       int(elective),
		Essay:          int(essay),
		Total:          int(weekly + elective + essay),
		EssaySubmitted: submitted,
	}
}

// Totals returns a participant's points per source, in one round trip.
func (s *Store) Totals(ctx context.Context, id ParticipantID) (Totals, error) {
	if !validID(id) {
		return Totals{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	v, err := s.client.HMGet(ctx, s.profileKey(id), sWeekly, sElective, sEssay, sSubmitted).Result()
	if err != nil {
		return Totals{}, s.fail(ctx, "read totals", err)
	}
	if v[0] == nil {
		return Totals{}, fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	return totalsFrom(reply(v), 0)
}

// Answers returns a participant's answers to one quiz by question id, to
// resume it where they left off. No answers gives an empty map.
func (s *Store) Answers(ctx context.Context, id ParticipantID, q quiz.ID) (map[string]StoredAnswer, error) {
	all, err := s.AllAnswers(ctx, id)
	if err != nil {
		return nil, err
	}
	if got, ok := all[q]; ok {
		return got, nil
	}
	return map[string]StoredAnswer{}, nil
}

// AllAnswers returns every answer of a participant by quiz and question,
// in one round trip once this process knows the course's quiz codes.
func (s *Store) AllAnswers(ctx context.Context, id ParticipantID) (map[quiz.ID]map[string]StoredAnswer, error) {
	if !validID(id) {
		return nil, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	var exists *redis.IntCmd
	var answers *redis.MapStringStringCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		exists = p.Exists(ctx, s.profileKey(id))
		answers = p.HGetAll(ctx, s.answersKey(id))
		return nil
	})
	if err != nil {
		return nil, s.fail(ctx, "read answers", err)
	}
	if exists.Val() == 0 {
		return nil, fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	return s.decodeAnswers(ctx, answers.Val())
}

// decodeAnswers reads an answers hash by quiz and question.
func (s *Store) decodeAnswers(ctx context.Context, h map[string]string) (map[quiz.ID]map[string]StoredAnswer, error) {
	out := make(map[quiz.ID]map[string]StoredAnswer)
	for f, v := range h {
		if len(f) <= quizCodeLength {
			return nil, fmt.Errorf("store: malformed answer field %q", f)
		}
		q, err := s.quizByCode(ctx, f[:quizCodeLength])
		if err != nil {
			return nil, err
		}
		a, err := decodeStored(v)
		if err != nil {
			return nil, err
		}
		if out[q] == nil {
			out[q] = make(map[string]StoredAnswer)
		}
		out[q][f[quizCodeLength:]] = a
	}
	return out, nil
}
