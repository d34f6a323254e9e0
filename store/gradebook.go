package store

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
)

// Record is everything the store holds on one participant: the profile,
// the roster's details, every answer and the essay.
type Record struct {
	Participant
	Details Details
	Answers map[quiz.ID]map[string]StoredAnswer
	Essay   EssayState
}

// EachRecords calls fn with every listed participant's whole record, a
// page at a time: one SSCAN and one pipeline per page, so an export of
// a large course holds one page in memory. As with ScanParticipantIDs, a
// participant may come twice.
func (s *Store) EachRecords(ctx context.Context, fn func([]Record) error) error {
	return s.ScanParticipantIDs(ctx, scanPage, func(ids []ParticipantID) error {
		recs, err := s.records(ctx, ids)
		if err != nil {
			return err
		}
		return fn(recs)
	})
}

// Record returns one participant's whole record, in one round trip.
func (s *Store) Record(ctx context.Context, id ParticipantID) (Record, error) {
	if !validID(id) {
		return Record{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	recs, err := s.records(ctx, []ParticipantID{id})
	if err != nil {
		return Record{}, err
	}
	if len(recs) == 0 {
		return Record{}, fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	return recs[0], nil
}

// records reads the given participants' records in one pipeline; ids
// that name nobody are left out.
func (s *Store) records(ctx context.Context, ids []ParticipantID) ([]Record, error) {
	type cmds struct {
		profile, answers *redis.MapStringStringCmd
		grades           *redis.StringSliceCmd
	}
	cs := make([]cmds, len(ids))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cs[i] = cmds{p.HGetAll(ctx, s.profileKey(id)), p.HGetAll(ctx, s.answersKey(id)), p.LRange(ctx, s.essayKey(id), 0, -1)}
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail(ctx, "read records", err)
	}
	out := make([]Record, 0, len(ids))
	for i, c := range cs {
		h := c.profile.Val()
		if len(h) == 0 {
			continue
		}
		rec, err := s.decodeRecord(ctx, ids[i], h, c.answers.Val(), c.grades.Val())
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func (s *Store) decodeRecord(ctx context.Context, id ParticipantID, profile, answers map[string]string, grades []string) (Record, error) {
	p, err := decodeParticipant(id, profile)
	if err != nil {
		return Record{}, err
	}
	rec := Record{Participant: p, Details: decodeDetails(profile)}
	if rec.Answers, err = s.decodeAnswers(ctx, answers); err != nil {
		return Record{}, err
	}
	rec.Essay, err = decodeEssay(profile[sSubmitted], grades)
	return rec, err
}

// RosterCode is one registration code of the roster, and who redeemed
// it.
type RosterCode struct {
	RosterEntry
	Participant ParticipantID // "" while not redeemed
}

// EachRosterCodes calls fn with the roster's codes, a page at a time:
// the codes LoadRoster gave, found through its name index (HSCAN), and
// their entries in one pipeline per page. Codes added without the name
// index (AddRosterCodes) are not listed.
func (s *Store) EachRosterCodes(ctx context.Context, fn func([]RosterCode) error) error {
	var cursor uint64
	for {
		kv, next, err := s.client.HScan(ctx, s.rosterNamesKey(), cursor, "", scanPage).Result()
		if err != nil {
			return s.fail(ctx, "list roster names", err)
		}
		page, err := s.rosterPage(ctx, kv)
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// rosterPage reads the entries of name index pairs (name key, code),
// leaving out codes that were dropped or went to another name since.
func (s *Store) rosterPage(ctx context.Context, kv []string) ([]RosterCode, error) {
	cmds := make([]*redis.MapStringStringCmd, len(kv)/2)
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range cmds {
			cmds[i] = p.HGetAll(ctx, s.rosterKey(kv[2*i+1]))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail(ctx, "read roster codes", err)
	}
	var out []RosterCode
	for i, c := range cmds {
		h := c.Val()
		if len(h) == 0 || NameKey(h[rName]) != kv[2*i] {
			continue
		}
		out = append(out, RosterCode{RosterEntry: decodeRosterEntry(kv[2*i+1], h), Participant: ParticipantID(h["p"])})
	}
	return out, nil
}

func decodeRosterEntry(code string, h map[string]string) RosterEntry {
	return RosterEntry{
		Code: code, Name: h[rName], Cohort: h[rCohort], Lang: locales.Lang(h[rLang]), Coordinator: h[rCoordinator] == "1",
		Electives: splitElectives(h[rElective]), Details: decodeDetails(h),
	}
}

// PendingGrade is a grade waiting for a coordinator's confirmation.
type PendingGrade struct {
	Participant ParticipantID
	By          ParticipantID // the coordinator who gave it
	Grade       Grade
}

type pendingJSON struct {
	Participant ParticipantID `json:"p"`
	By          ParticipantID `json:"b"`
	Grade       gradeJSON     `json:"g"`
}

// SavePendingGrade keeps g for ttl and returns the token that takes it.
func (s *Store) SavePendingGrade(ctx context.Context, g PendingGrade, ttl time.Duration) (string, error) {
	if err := s.validateGrade(g.Grade); err != nil {
		return "", err
	}
	b, err := json.Marshal(pendingJSON{Participant: g.Participant, By: g.By, Grade: encodeGrade(g.Grade)})
	if err != nil {
		return "", err
	}
	raw := make([]byte, 10)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := base32.StdEncoding.EncodeToString(raw)
	return token, s.fail(ctx, "save pending grade", s.client.Set(ctx, s.pendingGradeKey(token), b, ttl).Err())
}

// TakePendingGrade returns the pending grade and forgets it, in one
// step: of two presses of the same button, one gets it, the other
// ErrNotFound, as does a token that expired or never was.
func (s *Store) TakePendingGrade(ctx context.Context, token string) (PendingGrade, error) {
	j, err := readJSON[pendingJSON](ctx, s, s.client.GetDel(ctx, s.pendingGradeKey(token)), fmt.Sprintf("pending grade %q", token))
	if err != nil {
		return PendingGrade{}, err
	}
	return PendingGrade{Participant: j.Participant, By: j.By, Grade: j.Grade.decode()}, nil
}

func (s *Store) pendingGradeKey(token string) string { return s.prefix + ":gp:" + token }
