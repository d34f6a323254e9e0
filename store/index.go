package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/redis/go-redis/v9"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// The course index: counters and a name index that let coordinator
// commands answer without reading every participant (see doc.go,
// "Index"). A participant's scripts cannot reach the {ix} keys on
// Cluster, so every script that changes a profile returns it, and the
// store applies the participant's state to the index with a second
// command. The apply is idempotent and ordered by the profile's change
// counter (kv), so a lost apply (a crash in between) is made good by the
// participant's next change or by Reindex, and never counted twice.

// Profile fields the index reads, besides those of participants.go.
const (
	fVersion  = "kv" // changes to the profile, the state's version
	fAnswered = "ap" // points of every answered question, right or wrong
	fGraded   = "xg" // 1 once the essay is graded
	fMark     = "q"  // + quiz code: questions answered, "c" once complete
)

func (s *Store) ixStatesKey() string   { return s.prefix + ":{ix}:c" }
func (s *Store) ixCountersKey() string { return s.prefix + ":{ix}:n" }
func (s *Store) ixNamesKey() string    { return s.prefix + ":{ix}:w" }

// Counter names in the counters hash.
const (
	cEveryone     = "P"   // listed participants, coordinators included
	cEveryoneOK   = "R"   // ... with a reachable account
	cLearners     = "n"   // listed participants who are not coordinators
	cLearnersOK   = "r"   // ... with a reachable account
	cLang         = "l:"  // + language
	cCohort       = "co:" // + cohort
	cStanding     = "t:"  // + total:submitted:graded:answered points
	cSubmitted    = "xs"
	cGraded       = "xg"
	cGradeSum     = "xsum"
	cCompleted    = "q:"  // + quiz code
	cPlatforms    = "pl:" // + the participant's platforms, sorted, joined by "+"
	cOrgType      = "ot:" // + the roster's organization type ("" not given)
	cGender       = "g:"  // + the roster's gender ("" not given)
	cCountry      = "cc:" // + the roster's country ("" not given)
	wordToken     = "w:"
	weightedToken = "="
)

// stateTokens is what participant id counts for in the index, read from
// its profile hash. A profile without an account is not listed yet (see
// linkFirst) and counts for nothing.
func stateTokens(h map[string]string) []string {
	reachable, listed := false, false
	for f, v := range h {
		if strings.HasPrefix(f, fAccount) {
			listed = true
			reachable = reachable || strings.HasPrefix(v, "+")
		}
	}
	if !listed {
		return nil
	}
	t := []string{cEveryone}
	if reachable {
		t = append(t, cEveryoneOK)
	}
	for _, w := range NameWords(h[fName]) {
		t = append(t, wordToken+w)
	}
	if h[fCoordinator] == "1" {
		return t
	}
	return append(t, learnerTokens(h, reachable)...)
}

// learnerTokens are the /stats counters a participant who is not a
// coordinator counts for.
func learnerTokens(h map[string]string, reachable bool) []string {
	t := []string{cLearners, cLang + h[fLang], cCohort + oneLine(h[fCohort]), cPlatforms + platformSet(h),
		cOrgType + oneLine(h[dOrgType]), cGender + oneLine(h[dGender]), cCountry + oneLine(h[dCountry])}
	if reachable {
		t = append(t, cLearnersOK)
	}
	total := atoi(h[sWeekly]) + atoi(h[sElective]) + atoi(h[sEssay])
	t = append(t, fmt.Sprintf("%s%d:%s:%s:%d", cStanding, total, flag(h[sSubmitted] != ""), flag(h[fGraded] == "1"), atoi(h[fAnswered])))
	if h[sSubmitted] != "" {
		t = append(t, cSubmitted)
	}
	if h[fGraded] == "1" {
		t = append(t, cGraded, weightedToken+strconv.Itoa(atoi(h[sEssay]))+" "+cGradeSum)
	}
	for f, v := range h {
		if code, ok := strings.CutPrefix(f, fMark); ok && len(code) == quizCodeLength && strings.HasSuffix(v, "c") {
			t = append(t, cCompleted+code)
		}
	}
	return t
}

// platformSet names the platforms of a profile's accounts, sorted and
// joined by "+" ("discord+telegram"): the counters then split the
// course into disjoint groups, people using both apps counted once.
func platformSet(h map[string]string) string {
	var ps []string
	for f := range h {
		if ref, ok := strings.CutPrefix(f, fAccount); ok {
			platform, _, _ := strings.Cut(ref, ":")
			ps = append(ps, platform)
		}
	}
	slices.Sort(ps)
	return strings.Join(slices.Compact(ps), "+")
}

// oneLine keeps a token free of the separator the index stores them with.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// NameWords folds a name into the words /find matches: lower case,
// without accents, split at anything that is not a letter or a digit,
// each word once.
func NameWords(name string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, name)
	if err != nil {
		folded = name
	}
	words := strings.FieldsFunc(strings.ToLower(folded), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsNumber(c)
	})
	slices.Sort(words)
	return slices.Compact(words)
}

// indexCall is the apply command for participant id in profile state h.
func (s *Store) indexArgs(id ParticipantID, h map[string]string) []any {
	args := []any{string(id), atoi(h[fVersion])}
	for _, t := range stateTokens(h) {
		args = append(args, t)
	}
	return args
}

func (s *Store) indexKeys() []string {
	return []string{s.ixStatesKey(), s.ixCountersKey(), s.ixNamesKey()}
}

// index applies participant id's profile, as a script returned it, to
// the course index. Through the pipeliner on the answer path: see hot.
func (s *Store) index(ctx context.Context, id ParticipantID, h map[string]string) error {
	err := s.scripts.ixApply.Run(ctx, s.hot(ctx), s.indexKeys(), s.indexArgs(id, h)...).Err()
	return s.fail(ctx, "index participant", err)
}

// indexReply indexes the profile a script returned as element i of r.
func (s *Store) indexReply(ctx context.Context, id ParticipantID, r reply, i int) error {
	h, err := r.strMap(i)
	if err != nil {
		return err
	}
	return s.index(ctx, id, h)
}

// Reindex re-applies every listed participant to the course index, in
// pages: the repair after a crash lost an apply, or after an upgrade
// from a version without the index. Safe while the bot runs, since an
// apply never replaces a newer state.
func (s *Store) Reindex(ctx context.Context) (int, error) {
	// A pipeline cannot fall back from EVALSHA to EVAL: load it first.
	if err := s.scripts.ixApply.Load(ctx, s.client).Err(); err != nil {
		return 0, s.fail(ctx, "load index script", err)
	}
	n := 0
	err := s.ScanParticipants(ctx, scanPage, func(page []Participant, raw []map[string]string) error {
		_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, h := range raw {
				s.scripts.ixApply.EvalSha(ctx, p, s.indexKeys(), s.indexArgs(page[i].ID, h)...)
			}
			return nil
		})
		n += len(page)
		return s.fail(ctx, "reindex", err)
	})
	return n, err
}
