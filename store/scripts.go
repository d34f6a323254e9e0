package store

import (
	_ "embed"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts, one file each under lua/. Every script touches only
// keys of one hash tag (see doc.go), so it runs unchanged on Cluster.
var (
	//go:embed lua/record_answer.lua
	recordAnswerLua string
	//go:embed lua/create_participant.lua
	createParticipantLua string
	//go:embed lua/set_fields.lua
	setFieldsLua string
	//go:embed lua/claim.lua
	claimLua string
	//go:embed lua/claim_field.lua
	claimFieldLua string
	//go:embed lua/set_reachable.lua
	setReachableLua string
	//go:embed lua/redeem_roster.lua
	redeemRosterLua string
	//go:embed lua/use_link_code.lua
	useLinkCodeLua string
	//go:embed lua/submit_essay.lua
	submitEssayLua string
	//go:embed lua/grade_essay.lua
	gradeEssayLua string
	//go:embed lua/save_question.lua
	saveQuestionLua string
	//go:embed lua/dlv_enqueue.lua
	dlvEnqueueLua string
	//go:embed lua/dlv_claim.lua
	dlvClaimLua string
	//go:embed lua/dlv_settle.lua
	dlvSettleLua string
	//go:embed lua/lease_acquire.lua
	leaseAcquireLua string
	//go:embed lua/lease_renew.lua
	leaseRenewLua string
	//go:embed lua/lease_release.lua
	leaseReleaseLua string
	//go:embed lua/handling_claim.lua
	handlingClaimLua string
	//go:embed lua/handling_release.lua
	handlingReleaseLua string
	//go:embed lua/ix_apply.lua
	ixApplyLua string
	//go:embed lua/eval_answer.lua
	evalAnswerLua string
)

// scripts holds one redis.Script per Lua file. Run sends EVALSHA and
// falls back to EVAL when the server lost its script cache (a restart),
// so the common case is one round trip.
type scripts struct {
	recordAnswer      *redis.Script
	createParticipant *redis.Script
	setFields         *redis.Script
	claim             *redis.Script
	claimField        *redis.Script
	setReachable      *redis.Script
	redeemRoster      *redis.Script
	useLinkCode       *redis.Script
	submitEssay       *redis.Script
	gradeEssay        *redis.Script
	saveQuestion      *redis.Script
	dlvEnqueue        *redis.Script
	dlvClaim          *redis.Script
	dlvSettle         *redis.Script
	leaseAcquire      *redis.Script
	leaseRenew        *redis.Script
	leaseRelease      *redis.Script
	handlingClaim     *redis.Script
	handlingRelease   *redis.Script
	ixApply           *redis.Script
	evalAnswer        *redis.Script
}

func loadScripts() scripts {
	return scripts{
		recordAnswer:      redis.NewScript(recordAnswerLua),
		createParticipant: redis.NewScript(createParticipantLua),
		setFields:         redis.NewScript(setFieldsLua),
		claim:             redis.NewScript(claimLua),
		claimField:        redis.NewScript(claimFieldLua),
		setReachable:      redis.NewScript(setReachableLua),
		redeemRoster:      redis.NewScript(redeemRosterLua),
		useLinkCode:       redis.NewScript(useLinkCodeLua),
		submitEssay:       redis.NewScript(submitEssayLua),
		gradeEssay:        redis.NewScript(gradeEssayLua),
		saveQuestion:      redis.NewScript(saveQuestionLua),
		dlvEnqueue:        redis.NewScript(dlvEnqueueLua),
		dlvClaim:          redis.NewScript(dlvClaimLua),
		dlvSettle:         redis.NewScript(dlvSettleLua),
		leaseAcquire:      redis.NewScript(leaseAcquireLua),
		leaseRenew:        redis.NewScript(leaseRenewLua),
		leaseRelease:      redis.NewScript(leaseReleaseLua),
		handlingClaim:     redis.NewScript(handlingClaimLua),
		handlingRelease:   redis.NewScript(handlingReleaseLua),
		ixApply:           redis.NewScript(ixApplyLua),
		evalAnswer:        redis.NewScript(evalAnswerLua),
	}
}

// answerCall returns the keys and arguments of the answer script for a.
func (s *Store) answerCall(a Answer) (keys []string, args []any, err error) {
	field, err := totalField(a.Kind)
	if err != nil {
		return nil, nil, err
	}
	args = []any{QuizCode(a.Quiz) + a.Question, a.Option, flag(a.Correct), a.Points, field, a.At.UnixMilli(), QuizCode(a.Quiz)}
	for _, q := range a.Siblings {
		args = append(args, q)
	}
	return []string{s.profileKey(a.Participant), s.answersKey(a.Participant)}, args, nil
}

// reply reads a script's array reply.
type reply []any

func asReply(v any) (reply, error) {
	r, ok := v.([]any)
	if !ok || len(r) == 0 {
		return nil, fmt.Errorf("store: unexpected script reply %T", v)
	}
	return r, nil
}

// int reads element i as an integer; nil reads as 0.
func (r reply) int(i int) (int64, error) {
	if i >= len(r) {
		return 0, fmt.Errorf("store: script reply has %d elements, want %d", len(r), i+1)
	}
	switch v := r[i].(type) {
	case nil, bool:
		// A missing value: Lua's false arrives as nil over RESP2 and as
		// a boolean over RESP3.
		return 0, nil
	case int64:
		return v, nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("store: script reply element %d: %w", i, err)
		}
		return n, nil
	default:
		return 0, fmt.Errorf("store: script reply element %d is %T", i, v)
	}
}

// str reads element i as a string; nil reads as "".
func (r reply) str(i int) (string, error) {
	if i >= len(r) {
		return "", fmt.Errorf("store: script reply has %d elements, want %d", len(r), i+1)
	}
	switch v := r[i].(type) {
	case nil, bool:
		return "", nil
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	default:
		return "", fmt.Errorf("store: script reply element %d is %T", i, v)
	}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// strs reads element i as a list of strings.
func (r reply) strs(i int) ([]string, error) {
	if i >= len(r) {
		return nil, fmt.Errorf("store: script reply has %d elements, want more than %d", len(r), i)
	}
	list, ok := r[i].([]any)
	if !ok {
		return nil, fmt.Errorf("store: script reply element %d is %T, want a list", i, r[i])
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("store: script reply element %d holds %T, want strings", i, v)
		}
		out = append(out, s)
	}
	return out, nil
}

// strMap reads element i, a flat list of field/value pairs as HGETALL
// gives it inside a script, as a map.
func (r reply) strMap(i int) (map[string]string, error) {
	list, err := r.strs(i)
	if err != nil {
		return nil, err
	}
	if len(list)%2 != 0 {
		return nil, fmt.Errorf("store: script reply element %d has %d strings, want pairs", i, len(list))
	}
	m := make(map[string]string, len(list)/2)
	for j := 0; j < len(list); j += 2 {
		m[list[j]] = list[j+1]
	}
	return m, nil
}
