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

// Grade is a staff member's grade of the final essay.
type Grade struct {
	Parts map[string]int // rubric part id -> points; may be empty
	Total int
	By    string // who graded
	At    time.Time
	Note  string
}

// EssayState is where a participant's final essay stands.
type EssayState struct {
	Submitted   bool
	SubmittedAt time.Time
	Grade       *Grade  // the current grade; nil when not graded
	History     []Grade // grades replaced by a regrade, oldest first
}

// gradeJSON is a Grade as kept in the grades list.
type gradeJSON struct {
	Parts map[string]int `json:"parts,omitempty"`
	Total int            `json:"total"`
	By    string         `json:"by"`
	At    int64          `json:"at"` // unix ms
	Note  string         `json:"note,omitempty"`
}

func (s *Store) validateGrade(g Grade) error {
	if g.Total < 0 || g.Total > s.essayMax {
		return fmt.Errorf("store: essay grade %d: must be 0-%d", g.Total, s.essayMax)
	}
	sum := 0
	for part, n := range g.Parts {
		if n < 0 {
			return fmt.Errorf("store: essay grade part %q: %d is negative", part, n)
		}
		sum += n
	}
	if len(g.Parts) > 0 && sum != g.Total {
		return fmt.Errorf("store: essay grade parts add up to %d, total is %d", sum, g.Total)
	}
	if g.By == "" {
		return errors.New("store: essay grade without grader")
	}
	if g.At.IsZero() {
		return errors.New("store: essay grade without instant")
	}
	return nil
}

// SubmitEssay records that the participant handed in the final essay.
// The first submission's instant is kept.
func (s *Store) SubmitEssay(ctx context.Context, id ParticipantID, at time.Time) error {
	if !validID(id) {
		return fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	if at.IsZero() {
		return errors.New("store: essay submission without instant")
	}
	v, err := s.scripts.submitEssay.Run(ctx, s.client, []string{s.profileKey(id)},
		strconv.FormatInt(at.UnixMilli(), 10)).Result()
	if err != nil {
		return s.fail(ctx, "submit essay", err)
	}
	return s.indexProfile(ctx, id, "submit essay", v)
}

// GradeEssay sets the essay grade. A regrade replaces the current grade
// and its points in the totals, in one script, and keeps the replaced
// grade in the history. It returns the new totals.
func (s *Store) GradeEssay(ctx context.Context, id ParticipantID, g Grade) (Totals, error) {
	if !validID(id) {
		return Totals{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	if err := s.validateGrade(g); err != nil {
		return Totals{}, err
	}
	b, err := json.Marshal(encodeGrade(g))
	if err != nil {
		return Totals{}, err
	}
	v, err := s.scripts.gradeEssay.Run(ctx, s.client, []string{s.profileKey(id), s.essayKey(id)},
		string(b), g.Total).Result()
	if err != nil {
		return Totals{}, s.fail(ctx, "grade essay", err)
	}
	r, err := asReply(v)
	if err != nil {
		return Totals{}, err
	}
	if found, err := r.int(0); err != nil || found == 0 {
		return Totals{}, errors.Join(err, fmt.Errorf("store: participant %s: %w", id, ErrNotFound))
	}
	if err := s.indexReply(ctx, id, r, 5); err != nil {
		return Totals{}, err
	}
	return totalsFrom(r, 1)
}

// Essay returns the essay's submission and grades, in one round trip.
func (s *Store) Essay(ctx context.Context, id ParticipantID) (EssayState, error) {
	if !validID(id) {
		return EssayState{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	var totals *redis.SliceCmd
	var grades *redis.StringSliceCmd
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		totals = p.HMGet(ctx, s.profileKey(id), sWeekly, sSubmitted)
		grades = p.LRange(ctx, s.essayKey(id), 0, -1)
		return nil
	})
	if err != nil {
		return EssayState{}, s.fail(ctx, "read essay", err)
	}
	v := totals.Val()
	if v[0] == nil {
		return EssayState{}, fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	submitted, _ := v[1].(string)
	return decodeEssay(submitted, grades.Val())
}

// decodeEssay reads the essay's state from the profile's submission
// instant ("" when not submitted) and the grades list.
func decodeEssay(submitted string, grades []string) (EssayState, error) {
	var st EssayState
	if submitted != "" {
		ms, err := strconv.ParseInt(submitted, 10, 64)
		if err != nil {
			return EssayState{}, fmt.Errorf("store: malformed essay submission %q: %w", submitted, err)
		}
		st.Submitted, st.SubmittedAt = true, time.UnixMilli(ms).UTC()
	}
	for _, raw := range grades {
		g, err := decodeGrade(raw)
		if err != nil {
			return EssayState{}, err
		}
		st.History = append(st.History, g)
	}
	if n := len(st.History); n > 0 {
		st.Grade = &st.History[n-1]
		st.History = st.History[: n-1 : n-1]
		if len(st.History) == 0 {
			st.History = nil
		}
	}
	return st, nil
}

func encodeGrade(g Grade) gradeJSON {
	return gradeJSON{Parts: g.Parts, Total: g.Total, By: g.By, At: g.At.UnixMilli(), Note: g.Note}
}

func (j gradeJSON) decode() Grade {
	return Grade{Parts: j.Parts, Total: j.Total, By: j.By, At: time.UnixMilli(j.At).UTC(), Note: j.Note}
}

func decodeGrade(raw string) (Grade, error) {
	var j gradeJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return Grade{}, fmt.Errorf("store: malformed essay grade: %w", err)
	}
	return j.decode(), nil
}
