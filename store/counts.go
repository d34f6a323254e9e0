package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Standing is one cell of the course's points histogram: how many
// participants (coordinators aside) have this total, essay state and
// number of answered points. /stats derives certificate tiers, and which
// are still possible, from it without reading anyone.
type Standing struct {
	Total     int // weekly + elective + essay points
	Submitted bool
	Graded    bool
	Answered  int // points of every answered question, right or wrong
	Count     int
}

// CourseCounts are the course's counters, kept by the index.
type CourseCounts struct {
	Everyone, EveryoneReachable int // listed participants, coordinators included
	// The rest leaves coordinators out.
	Participants, Reachable int
	ByLang                  map[string]int // "" is not chosen yet
	ByCohort                map[string]int // "" is none
	Standings               []Standing
	EssaysSubmitted         int
	EssaysGraded, GradeSum  int
	Completed               map[string]int // by quiz code (QuizCode)
	// ByPlatforms splits participants by the apps they use: a platform
	// name, or several joined by "+" in order ("discord+telegram").
	ByPlatforms map[string]int
	// The roster's details, "" where not given.
	ByOrgType, ByGender, ByCountry map[string]int
}

// Counts reads the course's counters in one round trip: its cost grows
// with the number of distinct cohorts, languages and standings, not
// with the number of participants.
func (s *Store) Counts(ctx context.Context) (CourseCounts, error) {
	h, err := s.client.HGetAll(ctx, s.ixCountersKey()).Result()
	if err != nil {
		return CourseCounts{}, s.fail(ctx, "read counters", err)
	}
	c := newCourseCounts()
	for f, v := range h {
		n := atoi(v)
		if err := c.add(f, n); err != nil {
			return CourseCounts{}, err
		}
	}
	return c, nil
}

func newCourseCounts() CourseCounts {
	return CourseCounts{ByLang: map[string]int{}, ByCohort: map[string]int{}, Completed: map[string]int{},
		ByPlatforms: map[string]int{}, ByOrgType: map[string]int{}, ByGender: map[string]int{}, ByCountry: map[string]int{}}
}

// add reads one counter into c.
func (c *CourseCounts) add(f string, n int) error {
	for _, m := range []struct {
		prefix string
		to     map[string]int
	}{
		{cLang, c.ByLang}, {cCohort, c.ByCohort}, {cCompleted, c.Completed},
		{cPlatforms, c.ByPlatforms}, {cOrgType, c.ByOrgType}, {cGender, c.ByGender}, {cCountry, c.ByCountry},
	} {
		if k, ok := strings.CutPrefix(f, m.prefix); ok {
			m.to[k] += n
			return nil
		}
	}
	if k, ok := strings.CutPrefix(f, cStanding); ok {
		st, err := parseStanding(k)
		st.Count = n
		c.Standings = append(c.Standings, st)
		return err
	}
	for name, to := range map[string]*int{
		cEveryone: &c.Everyone, cEveryoneOK: &c.EveryoneReachable, cLearners: &c.Participants,
		cLearnersOK: &c.Reachable, cSubmitted: &c.EssaysSubmitted, cGraded: &c.EssaysGraded, cGradeSum: &c.GradeSum,
	} {
		if f == name {
			*to += n
		}
	}
	return nil
}

// parseStanding reads "total:submitted:graded:answered".
func parseStanding(k string) (Standing, error) {
	parts := strings.Split(k, ":")
	if len(parts) != 4 {
		return Standing{}, fmt.Errorf("store: malformed standing counter %q", k)
	}
	total, err1 := strconv.Atoi(parts[0])
	answered, err2 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil {
		return Standing{}, fmt.Errorf("store: malformed standing counter %q", k)
	}
	return Standing{Total: total, Submitted: parts[1] == "1", Graded: parts[2] == "1", Answered: answered}, nil
}

// findCandidates bounds how many ids one word of a /find query may
// bring before the others narrow them down.
const findCandidates = 2000

// FindByName returns up to limit participants whose name has, for every
// word of the query, a word starting with it, ignoring case and accents
// (NameWords). It reads the name index by prefix (ZRANGEBYLEX) for the
// query's rarest word, then the profiles of at most findCandidates
// matches: its cost does not grow with the course.
func (s *Store) FindByName(ctx context.Context, query string, limit int) ([]Participant, error) {
	words := NameWords(query)
	if len(words) == 0 {
		return nil, nil
	}
	rarest, err := s.rarestWord(ctx, words)
	if err != nil {
		return nil, err
	}
	members, err := s.client.ZRangeByLex(ctx, s.ixNamesKey(), &redis.ZRangeBy{
		Min: "[" + rarest, Max: "(" + rarest + "\xff", Count: findCandidates,
	}).Result()
	if err != nil {
		return nil, s.fail(ctx, "find by name", err)
	}
	var ids []ParticipantID
	for _, m := range members {
		if _, id, ok := strings.Cut(m, " "); ok {
			ids = append(ids, ParticipantID(id))
		}
	}
	return s.matching(ctx, ids, words, limit)
}

// rarestWord is the query word that starts the fewest name words.
func (s *Store) rarestWord(ctx context.Context, words []string) (string, error) {
	cmds := make([]*redis.IntCmd, len(words))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, w := range words {
			cmds[i] = p.ZLexCount(ctx, s.ixNamesKey(), "["+w, "("+w+"\xff")
		}
		return nil
	})
	if err != nil {
		return "", s.fail(ctx, "find by name", err)
	}
	best := 0
	for i, c := range cmds {
		if c.Val() < cmds[best].Val() {
			best = i
		}
	}
	return words[best], nil
}

// matching reads ids (in pages) and keeps those whose name matches
// every word, up to limit, in the order given.
func (s *Store) matching(ctx context.Context, ids []ParticipantID, words []string, limit int) ([]Participant, error) {
	var out []Participant
	seen := map[ParticipantID]bool{}
	for start := 0; start < len(ids) && len(out) < limit; start += scanPage {
		ps, _, err := s.participants(ctx, ids[start:min(start+scanPage, len(ids))])
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if len(out) < limit && !seen[p.ID] && nameMatches(p.Name, words) {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// nameMatches: every query word starts some word of the name.
func nameMatches(name string, query []string) bool {
	have := NameWords(name)
	for _, q := range query {
		found := false
		for _, w := range have {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
