package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RatingScale is the number of points of a rating question (1 to 5),
// as course.ScaleSize.
const RatingScale = 5

// EvalAnswer is one answer to a question of the final evaluation: a
// rating, a typed text, or neither (the question was skipped).
type EvalAnswer struct {
	Participant ParticipantID
	Question    string
	Rating      int    // 1 to RatingScale for a rating question, else 0
	Text        string // an open question's answer; "" with Rating 0 is a skip
	Lang        string // the language it was written in
	At          time.Time
	// Questions is how many questions the evaluation has: whoever
	// answers their last one is counted as having completed it.
	Questions int
}

// EvalRecorded is what recording an answer did.
type EvalRecorded struct {
	New bool // false: the question had an answer, which stands
	// Prior is the answer that stands when New is false: its rating,
	// or 0 for a typed or skipped answer.
	Prior    int
	Answered int // questions the participant has answered so far
}

// maxEvalText bounds a typed answer, as a support question is bounded.
const maxEvalText = maxQuestionLength

type evalTextJSON struct {
	Participant ParticipantID `json:"p"`
	Question    string        `json:"q"`
	Lang        string        `json:"l"`
	Text        string        `json:"t"`
	At          int64         `json:"at"` // unix ms
}

// RecordEvaluation stores a once: a second answer to the same question
// by the same participant (a vote delivered again, a button pressed
// twice, another option chosen) changes nothing and reports the first.
// Recording the question the participant was awaited on ends the wait.
func (s *Store) RecordEvaluation(ctx context.Context, a EvalAnswer) (EvalRecorded, error) {
	value, payload, err := evalValue(a)
	if err != nil {
		return EvalRecorded{}, err
	}
	keys := []string{s.evAnswersKey(), s.evAnsweredKey(), s.evCountsKey(), s.evTextsKey(), s.evAwaitKey(a.Participant)}
	v, err := s.scripts.evalAnswer.Run(ctx, s.hot(ctx), keys, string(a.Participant), a.Question, value, payload, a.Questions).Result()
	if err != nil {
		return EvalRecorded{}, s.fail(ctx, "record evaluation answer", err)
	}
	r, err := asReply(v)
	if err != nil {
		return EvalRecorded{}, err
	}
	isNew, err1 := r.int(0)
	prior, err2 := r.str(1)
	answered, err3 := r.int(2)
	if err := errors.Join(err1, err2, err3); err != nil {
		return EvalRecorded{}, err
	}
	rating, _ := strconv.Atoi(prior) // "t" and "s" read as 0
	return EvalRecorded{New: isNew == 1, Prior: rating, Answered: int(answered)}, nil
}

// evalValue checks a and encodes it for the script: the stored value
// and, for a typed answer, its JSON.
func evalValue(a EvalAnswer) (string, string, error) {
	switch {
	case !validID(a.Participant):
		return "", "", fmt.Errorf("store: participant id %q: %w", a.Participant, ErrNotFound)
	case !validEvalQuestion(a.Question):
		return "", "", fmt.Errorf("store: evaluation question id %q is empty or holds ':'", a.Question)
	case a.Rating < 0 || a.Rating > RatingScale:
		return "", "", fmt.Errorf("store: rating %d is not between 1 and %d", a.Rating, RatingScale)
	case a.Rating > 0 && a.Text != "":
		return "", "", errors.New("store: an evaluation answer is a rating or a text, not both")
	case len(a.Text) > maxEvalText:
		return "", "", fmt.Errorf("store: evaluation answer of %d bytes: at most %d", len(a.Text), maxEvalText)
	case a.Questions <= 0 || a.At.IsZero():
		return "", "", errors.New("store: evaluation answer without its instant or question count")
	}
	if a.Rating > 0 {
		return strconv.Itoa(a.Rating), "", nil
	}
	if a.Text == "" {
		return "s", "", nil
	}
	b, err := json.Marshal(evalTextJSON{Participant: a.Participant, Question: a.Question, Lang: a.Lang, Text: a.Text, At: a.At.UnixMilli()})
	return "t", string(b), err
}

// validEvalQuestion keeps question ids out of the separators of the
// fields they are stored under ("<participant>:<question>").
func validEvalQuestion(q string) bool { return q != "" && !strings.Contains(q, ":") }

// EvaluationAnswered reports which of the questions the participant has
// answered (typed, rated or skipped), in one round trip.
func (s *Store) EvaluationAnswered(ctx context.Context, id ParticipantID, questions []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(questions) == 0 {
		return out, nil
	}
	fields := make([]string, len(questions))
	for i, q := range questions {
		fields[i] = string(id) + ":" + q
	}
	vals, err := s.hot(ctx).HMGet(ctx, s.evAnswersKey(), fields...).Result()
	if err != nil {
		return nil, s.fail(ctx, "read evaluation answers", err)
	}
	for i, v := range vals {
		if v != nil {
			out[questions[i]] = true
		}
	}
	return out, nil
}

// AwaitEvaluation notes that the participant's next typed message
// answers open question q, for ttl: the wait ends when the answer is
// recorded, or lapses, and their messages go to the support desk again.
func (s *Store) AwaitEvaluation(ctx context.Context, id ParticipantID, q string, ttl time.Duration) error {
	if !validID(id) || !validEvalQuestion(q) || ttl <= 0 {
		return fmt.Errorf("store: await evaluation question %q of %q for %v: bad arguments", q, id, ttl)
	}
	return s.fail(ctx, "await evaluation answer", s.hot(ctx).Set(ctx, s.evAwaitKey(id), q, ttl).Err())
}

// AwaitedEvaluation is the open question the participant's next typed
// message answers, or "" when none is awaited.
func (s *Store) AwaitedEvaluation(ctx context.Context, id ParticipantID) (string, error) {
	q, err := s.hot(ctx).Get(ctx, s.evAwaitKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return q, s.fail(ctx, "read awaited evaluation question", err)
}

// EndEvaluationWait ends the participant's wait for a typed answer.
func (s *Store) EndEvaluationWait(ctx context.Context, id ParticipantID) error {
	return s.fail(ctx, "end evaluation wait", s.hot(ctx).Del(ctx, s.evAwaitKey(id)).Err())
}

// EvaluationCounts are the final evaluation's numbers, read from the
// counters the answer script keeps: one round trip, whatever the number
// of participants.
type EvaluationCounts struct {
	Respondents int // answered at least one question
	Completed   int // answered or skipped every question
	// Ratings counts, per question id, how many chose each point:
	// Ratings[q][0] chose 1, Ratings[q][RatingScale-1] chose 5.
	Ratings map[string][RatingScale]int
	Written map[string]int // open answers typed, per question id
	Skipped map[string]int // open questions skipped, per question id
}

// EvaluationResults are the counts and every typed answer.
type EvaluationResults struct {
	EvaluationCounts
	// Open holds the typed answers per question id, oldest first.
	Open map[string][]OpenAnswer
}

// OpenAnswer is one typed answer to an open question.
type OpenAnswer struct {
	Participant ParticipantID
	Lang        string
	Text        string
	At          time.Time
}

// EvaluationCounts reads the evaluation's counters.
func (s *Store) EvaluationCounts(ctx context.Context) (EvaluationCounts, error) {
	pipe := s.client.Pipeline()
	counts := pipe.HGetAll(ctx, s.evCountsKey())
	respondents := pipe.HLen(ctx, s.evAnsweredKey())
	if _, err := pipe.Exec(ctx); err != nil {
		return EvaluationCounts{}, s.fail(ctx, "read evaluation counts", err)
	}
	c := EvaluationCounts{
		Respondents: int(respondents.Val()),
		Ratings:     map[string][RatingScale]int{},
		Written:     map[string]int{}, Skipped: map[string]int{},
	}
	for field, v := range counts.Val() {
		n, err := strconv.Atoi(v)
		if err != nil {
			return EvaluationCounts{}, fmt.Errorf("store: evaluation counter %s=%q: %w", field, v, err)
		}
		c.add(field, n)
	}
	return c, nil
}

// add files one counter: "done", or "<question>:<value>".
func (c *EvaluationCounts) add(field string, n int) {
	q, value, ok := strings.Cut(field, ":")
	switch {
	case field == "done":
		c.Completed = n
	case !ok:
	case value == "t":
		c.Written[q] = n
	case value == "s":
		c.Skipped[q] = n
	default:
		if r, err := strconv.Atoi(value); err == nil && r >= 1 && r <= RatingScale {
			points := c.Ratings[q]
			points[r-1] = n
			c.Ratings[q] = points
		}
	}
}

// EvaluationResults reads the counts and the typed answers.
func (s *Store) EvaluationResults(ctx context.Context) (EvaluationResults, error) {
	c, err := s.EvaluationCounts(ctx)
	if err != nil {
		return EvaluationResults{}, err
	}
	raw, err := s.client.LRange(ctx, s.evTextsKey(), 0, -1).Result()
	if err != nil {
		return EvaluationResults{}, s.fail(ctx, "read evaluation answers", err)
	}
	res := EvaluationResults{EvaluationCounts: c, Open: map[string][]OpenAnswer{}}
	for _, r := range raw {
		var j evalTextJSON
		if err := json.Unmarshal([]byte(r), &j); err != nil {
			return EvaluationResults{}, fmt.Errorf("store: malformed evaluation answer: %w", err)
		}
		res.Open[j.Question] = append(res.Open[j.Question], OpenAnswer{Participant: j.Participant, Lang: j.Lang, Text: j.Text, At: time.UnixMilli(j.At).UTC()})
	}
	return res, nil
}
