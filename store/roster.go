package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Details are what the roster knows of a person besides name, cohort,
// language and role. They are kept with the roster code and copied to
// the participant's profile when the code is redeemed.
type Details struct {
	Email, IDNumber, OrgType, Gender, Country string
}

// Details fields, the same in the roster hash and in the profile hash
// (see doc.go). The "d:" prefix keeps them apart from every other field.
const (
	dEmail    = "d:em"
	dIDNumber = "d:id"
	dOrgType  = "d:ot"
	dGender   = "d:g"
	dCountry  = "d:cc"
	rElective = "el" // roster hash only: elective ids, comma-separated
)

// fields lists the details that are set, as field/value pairs.
func (d Details) fields() []any {
	var out []any
	for _, f := range []struct{ name, value string }{
		{dEmail, d.Email}, {dIDNumber, d.IDNumber}, {dOrgType, d.OrgType}, {dGender, d.Gender}, {dCountry, d.Country},
	} {
		if f.value != "" {
			out = append(out, f.name, f.value)
		}
	}
	return out
}

func decodeDetails(h map[string]string) Details {
	return Details{Email: h[dEmail], IDNumber: h[dIDNumber], OrgType: h[dOrgType], Gender: h[dGender], Country: h[dCountry]}
}

// ParticipantDetails returns the details the roster gave a participant
// (all empty for someone who registered without a code).
func (s *Store) ParticipantDetails(ctx context.Context, id ParticipantID) (Details, error) {
	if !validID(id) {
		return Details{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	v, err := s.client.HMGet(ctx, s.profileKey(id), dEmail, dIDNumber, dOrgType, dGender, dCountry).Result()
	if err != nil {
		return Details{}, s.fail(ctx, "read participant details", err)
	}
	h := map[string]string{}
	for i, f := range []string{dEmail, dIDNumber, dOrgType, dGender, dCountry} {
		if str, ok := v[i].(string); ok {
			h[f] = str
		}
	}
	return decodeDetails(h), nil
}

// rosterFields is the roster hash of an entry; empty optional fields
// are left out.
func rosterFields(e RosterEntry) []any {
	f := []any{rName, e.Name, rCohort, e.Cohort, rLang, string(e.Lang), rCoordinator, flag(e.Coordinator)}
	if len(e.Electives) > 0 {
		f = append(f, rElective, strings.Join(e.Electives, ","))
	}
	return append(f, e.Details.fields()...)
}

// RosterAction says what LoadRoster did with one entry.
type RosterAction string

// What LoadRoster does with an entry.
const (
	RosterAdded    RosterAction = "added"    // a new code
	RosterKept     RosterAction = "kept"     // the same person already had this code (its entry is updated unless redeemed)
	RosterReplaced RosterAction = "replaced" // with replace: the code, or the person's code, changed hands
	RosterRefused  RosterAction = "refused"  // see Reason; nothing of the roster was written
)

// RosterOutcome is LoadRoster's answer for one entry.
type RosterOutcome struct {
	Action RosterAction
	Code   string // the code in effect (a reused or generated one when the entry had none)
	Reason string // why refused, or what was replaced
}

// RosterOptions tune LoadRoster.
type RosterOptions struct {
	// Replace lets an entry take a code held by another name, and give a
	// person a new code in place of their old one. A redeemed code is
	// never given to anyone else, even then.
	Replace bool
	// NewCode makes a code for an entry without one whose name has none
	// yet. Required when such entries are given.
	NewCode func() (string, error)
}

// rosterState is what Redis holds for one code.
type rosterState struct {
	name        string // "" when the code is free
	participant string // set once redeemed
}

// LoadRoster stores a whole roster, checking it against what Redis
// already holds: a code that belongs to another name, or a person who
// already has another code, is refused unless opts.Replace; a redeemed
// code is never given to someone else. Entries without a code get the
// code their name already has, or a new one, so loading the same file
// twice changes nothing. If any entry is refused, nothing is written.
// Each write is a compare-and-set on its code, so a /start redeeming a
// code at the same moment is never overwritten; such a race is reported
// as an error naming the code, and loading again settles it.
func (s *Store) LoadRoster(ctx context.Context, entries []RosterEntry, opts RosterOptions) ([]RosterOutcome, error) {
	entries = append([]RosterEntry(nil), entries...)
	p, err := s.planRoster(ctx, entries, opts)
	if err != nil {
		return nil, err
	}
	for _, o := range p.outcomes {
		if o.Action == RosterRefused {
			return p.outcomes, nil
		}
	}
	return p.outcomes, s.writeRoster(ctx, entries, p, opts)
}

// rosterPlan is what LoadRoster found out before writing.
type rosterPlan struct {
	outcomes []RosterOutcome
	expect   []string // per entry, the name its code holds now ("" when free)
	redeemed []bool   // per entry, its code is redeemed: nothing to write
	retire   []retired
}

// retired is a person's old code, dropped for the new one (Replace).
type retired struct{ code, name string }

func (s *Store) planRoster(ctx context.Context, entries []RosterEntry, opts RosterOptions) (rosterPlan, error) {
	byName, err := s.rosterNames(ctx, entries)
	if err != nil {
		return rosterPlan{}, err
	}
	codes := map[string]bool{}
	for i := range entries {
		entries[i].Code = normalizeCode(entries[i].Code)
		codes[entries[i].Code] = true
	}
	for _, c := range byName {
		codes[c] = true
	}
	delete(codes, "")
	states, err := s.rosterStates(ctx, codes)
	if err != nil {
		return rosterPlan{}, err
	}
	n := len(entries)
	p := rosterPlan{outcomes: make([]RosterOutcome, n), expect: make([]string, n), redeemed: make([]bool, n)}
	for i := range entries {
		p.decide(i, &entries[i], byName[NameKey(entries[i].Name)], states, opts)
	}
	p.refuseDuplicates(entries)
	return p, nil
}

// decide plans one entry: e's code, what it holds now, and the outcome.
func (p *rosterPlan) decide(i int, e *RosterEntry, had string, states map[string]rosterState, opts RosterOptions) {
	key := NameKey(e.Name)
	if had != "" && NameKey(states[had].name) != key {
		had = "" // a stale name index entry: the code went to someone else
	}
	if e.Code == "" {
		e.Code = had
	}
	st := states[e.Code]
	p.expect[i], p.redeemed[i] = st.name, st.participant != ""
	out := &p.outcomes[i]
	*out = RosterOutcome{Action: RosterAdded, Code: e.Code}
	switch {
	case e.Code != "" && st.name != "" && NameKey(st.name) == key:
		out.Action = RosterKept
	case st.participant != "":
		out.Action, out.Reason = RosterRefused, fmt.Sprintf("code %s was redeemed by %s (%s); a used code is never given to someone else: leave the code empty to get a new one", e.Code, st.name, st.participant)
	case st.name != "" && !opts.Replace:
		out.Action, out.Reason = RosterRefused, fmt.Sprintf("code %s belongs to %s (use --replace to give it to %s)", e.Code, st.name, e.Name)
	case st.name != "":
		out.Action, out.Reason = RosterReplaced, fmt.Sprintf("code %s was %s's", e.Code, st.name)
	}
	if had == "" || had == e.Code || out.Action == RosterRefused {
		return
	}
	p.decideRetire(out, e, had, states[had], opts)
}

// decideRetire handles a person who already has another code than the
// one the entry gives them.
func (p *rosterPlan) decideRetire(out *RosterOutcome, e *RosterEntry, had string, st rosterState, opts RosterOptions) {
	switch {
	case st.participant != "":
		out.Action, out.Reason = RosterRefused, fmt.Sprintf("%s already registered with code %s as %s; give them that code", e.Name, had, st.participant)
	case !opts.Replace:
		out.Action, out.Reason = RosterRefused, fmt.Sprintf("%s already has code %s (use --replace to give them %s instead)", e.Name, had, e.Code)
	default:
		out.Action = RosterReplaced
		out.Reason = strings.TrimPrefix(out.Reason+"; ", "; ") + fmt.Sprintf("%s's old code %s is dropped", e.Name, had)
		p.retire = append(p.retire, retired{code: had, name: st.name})
	}
}

// refuseDuplicates refuses a second entry with the code or the name of
// an earlier one: the caller decides which one stays.
func (p *rosterPlan) refuseDuplicates(entries []RosterEntry) {
	codes, names := map[string]int{}, map[string]int{}
	for i, e := range entries {
		key := NameKey(e.Name)
		if j, ok := names[key]; ok {
			p.outcomes[i] = RosterOutcome{Action: RosterRefused, Reason: fmt.Sprintf("the same name as entry %d", j+1)}
		}
		if j, ok := codes[e.Code]; ok && e.Code != "" {
			p.outcomes[i] = RosterOutcome{Action: RosterRefused, Reason: fmt.Sprintf("the same code as entry %d", j+1)}
		}
		names[key], codes[e.Code] = i, i
	}
}

// rosterNames reads the name index: name key -> code, for the entries'
// names.
func (s *Store) rosterNames(ctx context.Context, entries []RosterEntry) (map[string]string, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = NameKey(e.Name)
	}
	v, err := s.client.HMGet(ctx, s.rosterNamesKey(), keys...).Result()
	if err != nil {
		return nil, s.fail(ctx, "read roster names", err)
	}
	out := map[string]string{}
	for i, c := range v {
		if code, ok := c.(string); ok {
			out[keys[i]] = code
		}
	}
	return out, nil
}

// rosterStates reads who holds each code, in one pipeline.
func (s *Store) rosterStates(ctx context.Context, codes map[string]bool) (map[string]rosterState, error) {
	cmds := map[string]*redis.SliceCmd{}
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for c := range codes {
			cmds[c] = p.HMGet(ctx, s.rosterKey(c), rName, "p")
		}
		return nil
	})
	if err != nil {
		return nil, s.fail(ctx, "read roster codes", err)
	}
	out := map[string]rosterState{}
	for c, cmd := range cmds {
		v := cmd.Val()
		name, _ := v[0].(string)
		participant, _ := v[1].(string)
		out[c] = rosterState{name: name, participant: participant}
	}
	return out, nil
}

// putRosterLua writes a roster entry if its code still holds the name
// the caller saw and is not redeemed. KEYS: 1 roster hash. ARGV: 1 the
// name expected ("" for a free code), 2... field/value pairs. Returns
// {1} when written, else {0, name held, participant}.
const putRosterLua = `
local v = redis.call('HMGET', KEYS[1], 'n', 'p')
local n, p = v[1] or '', v[2] or ''
if p ~= '' or n ~= ARGV[1] then
  return {0, n, p}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return {1}
`

// dropRosterLua deletes an unredeemed code that still holds the name the
// caller saw. KEYS: 1 roster hash. ARGV: 1 name. Returns 1 if deleted.
const dropRosterLua = `
local v = redis.call('HMGET', KEYS[1], 'n', 'p')
if (v[2] or '') ~= '' or (v[1] or '') ~= ARGV[1] then
  return 0
end
return redis.call('DEL', KEYS[1])
`

// writeRoster carries out a plan without refusals. The name index is
// written first: if the process dies, the next run finds each person's
// code through it and writes it again.
func (s *Store) writeRoster(ctx context.Context, entries []RosterEntry, p rosterPlan, opts RosterOptions) error {
	if err := s.fillCodes(ctx, entries, p, opts); err != nil {
		return err
	}
	if err := s.indexRoster(ctx, entries); err != nil {
		return err
	}
	put := redis.NewScript(putRosterLua)
	var errs []error
	for i, e := range entries {
		if p.redeemed[i] {
			continue
		}
		if err := s.putRoster(ctx, put, e, p.expect[i]); err != nil {
			errs = append(errs, err)
		}
	}
	drop := redis.NewScript(dropRosterLua)
	for _, r := range p.retire {
		if err := drop.Run(ctx, s.client, []string{s.rosterKey(r.code)}, r.name).Err(); err != nil {
			errs = append(errs, s.fail(ctx, "drop roster code "+r.code, err))
		}
	}
	return errors.Join(errs...)
}

// fillCodes gives a new code to every entry still without one.
func (s *Store) fillCodes(ctx context.Context, entries []RosterEntry, p rosterPlan, opts RosterOptions) error {
	taken := map[string]bool{}
	for _, e := range entries {
		taken[e.Code] = true
	}
	for i := range entries {
		if entries[i].Code != "" {
			continue
		}
		code, err := s.freeCode(ctx, taken, opts.NewCode)
		if err != nil {
			return err
		}
		taken[code] = true
		entries[i].Code = code
		p.outcomes[i].Code = code
	}
	return nil
}

// freeCode asks for new codes until one is neither in Redis nor taken in
// the roster; collisions are rare, so a few tries suffice. A code taken
// between this check and the write is caught by the write's check.
func (s *Store) freeCode(ctx context.Context, taken map[string]bool, newCode func() (string, error)) (string, error) {
	if newCode == nil {
		return "", errors.New("store: roster entry without code, and no NewCode")
	}
	for range 5 {
		code, err := newCode()
		if err != nil {
			return "", err
		}
		code = normalizeCode(code)
		if code == "" || taken[code] {
			continue
		}
		n, err := s.client.Exists(ctx, s.rosterKey(code)).Result()
		if err != nil {
			return "", s.fail(ctx, "check new roster code", err)
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", errors.New("store: no free roster code after 5 tries")
}

func (s *Store) putRoster(ctx context.Context, put *redis.Script, e RosterEntry, expect string) error {
	args := append([]any{expect}, rosterFields(e)...)
	v, err := put.Run(ctx, s.client, []string{s.rosterKey(e.Code)}, args...).Result()
	if err != nil {
		return s.fail(ctx, "store roster code "+e.Code, err)
	}
	r, err := asReply(v)
	if err != nil {
		return err
	}
	if ok, _ := r.int(0); ok == 1 {
		return nil
	}
	name, _ := r.str(1)
	participant, _ := r.str(2)
	if participant != "" && NameKey(name) == NameKey(e.Name) {
		return nil // redeemed meanwhile by the very person: nothing to change
	}
	return fmt.Errorf("store: roster code %s changed while loading (now %q, redeemed by %q): load the roster again", e.Code, name, participant)
}

// indexRoster records each entry's code under its name, so that a roster
// without codes finds the codes given before.
func (s *Store) indexRoster(ctx context.Context, entries []RosterEntry) error {
	if len(entries) == 0 {
		return nil
	}
	pairs := make([]any, 0, 2*len(entries))
	for _, e := range entries {
		pairs = append(pairs, NameKey(e.Name), e.Code)
	}
	return s.fail(ctx, "index roster names", s.client.HSet(ctx, s.rosterNamesKey(), pairs...).Err())
}

// rosterNamesKey is the name index (see doc.go).
func (s *Store) rosterNamesKey() string { return s.prefix + ":roster-names" }

// splitElectives reads the roster's comma-separated elective ids.
func splitElectives(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
