package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/locales"
)

// RosterEntry is one line of the course roster: a registration code
// handed to one person, and what the store knows of them beforehand.
type RosterEntry struct {
	Code        string // compared without case, spaces or dashes
	Name        string
	Cohort      string
	Lang        locales.Lang
	Coordinator bool
	Electives   []string // elective ids, given to the participant
	Details              // kept on the participant's profile
}

// Roster hash fields (see doc.go).
const (
	rName        = "n"
	rCohort      = "co"
	rLang        = "l"
	rCoordinator = "c"
)

// AddRosterCodes stores registration codes without any check. Adding a
// code again updates its entry but never frees it: a redeemed code stays
// redeemed. LoadRoster is the checked way, for a whole roster.
func (s *Store) AddRosterCodes(ctx context.Context, entries []RosterEntry) error {
	for _, e := range entries {
		if normalizeCode(e.Code) == "" {
			return fmt.Errorf("store: roster entry %q without code", e.Name)
		}
	}
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, e := range entries {
			p.HSet(ctx, s.rosterKey(normalizeCode(e.Code)), rosterFields(e)...)
		}
		return nil
	})
	return s.fail(ctx, "add roster codes", err)
}

// RedeemRosterCode registers the person behind a chat account with a
// roster code: it creates their participant from the roster entry, with
// reminders on, and links the account. A code works once: the same
// account (or another account of the same participant) gets the same
// participant back, anyone else ErrCodeUsed. Unknown codes give
// ErrCodeUnknown; an account that already has a participant gives
// ErrAccountLinked. now is the registration instant.
func (s *Store) RedeemRosterCode(ctx context.Context, code string, acct Account, now time.Time) (Participant, error) {
	if err := acct.validate(); err != nil {
		return Participant{}, err
	}
	if now.IsZero() {
		return Participant{}, errors.New("store: redeem roster code without instant")
	}
	code = normalizeCode(code)
	if code == "" {
		return Participant{}, fmt.Errorf("store: roster code: %w", ErrCodeUnknown)
	}
	entry, err := s.client.HGetAll(ctx, s.rosterKey(code)).Result()
	if err != nil {
		return Participant{}, s.fail(ctx, "read roster code", err)
	}
	if len(entry) == 0 {
		return Participant{}, fmt.Errorf("store: roster code %s: %w", code, ErrCodeUnknown)
	}
	owner, err := s.accountOwner(ctx, acct)
	if err != nil {
		return Participant{}, err
	}
	if entry["p"] == "" && owner != "" {
		return Participant{}, fmt.Errorf("store: roster code %s: %w", code, ErrAccountLinked)
	}
	id := ParticipantID(entry["p"])
	if id == "" {
		// Only now allocate an id; a lost race below wastes one number.
		n, err := s.client.Incr(ctx, s.participantSeqKey()).Result()
		if err != nil {
			return Participant{}, s.fail(ctx, "allocate participant id", err)
		}
		id = ParticipantID("p" + strconv.FormatInt(n, 10))
	}
	claim, err := s.claimRoster(ctx, code, id, acct, now)
	if err != nil {
		return Participant{}, err
	}
	switch {
	case claim.account == acct.ref():
		// Ours, just now or in an earlier call that may have stopped
		// half way: finishing again is harmless.
		return s.finishRoster(ctx, claim, acct)
	case owner == claim.participant:
		return s.Participant(ctx, owner)
	default:
		return Participant{}, fmt.Errorf("store: roster code %s: %w", code, ErrCodeUsed)
	}
}

// rosterClaim is a roster entry as its claim script returned it.
type rosterClaim struct {
	participant ParticipantID
	account     string // "platform:user" of the redeeming account
	at          time.Time
	entry       RosterEntry
}

func (s *Store) claimRoster(ctx context.Context, code string, id ParticipantID, acct Account, now time.Time) (rosterClaim, error) {
	v, err := s.scripts.redeemRoster.Run(ctx, s.client, []string{s.rosterKey(code)},
		string(id), acct.ref(), strconv.FormatInt(now.UnixMilli(), 10)).Result()
	if err != nil {
		return rosterClaim{}, s.fail(ctx, "redeem roster code", err)
	}
	r, err := asReply(v)
	if err != nil {
		return rosterClaim{}, err
	}
	if found, err := r.int(0); err != nil || found == 0 {
		return rosterClaim{}, errors.Join(err, fmt.Errorf("store: roster code %s: %w", code, ErrCodeUnknown))
	}
	var f [14]string
	for i := range f {
		if f[i], err = r.str(i + 1); err != nil {
			return rosterClaim{}, err
		}
	}
	at, err := strconv.ParseInt(f[7], 10, 64)
	if err != nil {
		return rosterClaim{}, fmt.Errorf("store: roster code %s: claim instant: %w", code, err)
	}
	// A code claimed earlier keeps the instant of that first claim, so
	// that finishing it again creates the same participant.
	c := rosterClaim{
		participant: ParticipantID(f[1]),
		account:     f[2],
		at:          time.UnixMilli(at),
		entry: RosterEntry{
			Code: code, Name: f[3], Cohort: f[4], Lang: locales.Lang(f[5]), Coordinator: f[6] == "1",
			Electives: splitElectives(f[8]),
			Details:   Details{Email: f[9], IDNumber: f[10], OrgType: f[11], Gender: f[12], Country: f[13]},
		},
	}
	return c, nil
}

// finishRoster creates the participant of a claimed code, if not yet
// there, and links the redeeming account.
func (s *Store) finishRoster(ctx context.Context, c rosterClaim, acct Account) (Participant, error) {
	p := Participant{
		ID:          c.participant,
		Name:        c.entry.Name,
		Cohort:      c.entry.Cohort,
		Lang:        c.entry.Lang,
		Coordinator: c.entry.Coordinator,
		Electives:   c.entry.Electives,
		Reminders:   true,
		Created:     c.at,
	}
	if !validID(p.ID) {
		return Participant{}, fmt.Errorf("store: roster code %s holds invalid participant %q", c.entry.Code, p.ID)
	}
	if _, err := s.createProfile(ctx, p); err != nil {
		return Participant{}, err
	}
	// Before the account is linked: once listed, the profile is complete.
	if d := c.entry.Details.fields(); len(d) > 0 {
		if err := s.client.HSet(ctx, s.profileKey(p.ID), d...).Err(); err != nil {
			return Participant{}, s.fail(ctx, "store participant details", err)
		}
	}
	if err := s.linkFirst(ctx, p.ID, acct); err != nil {
		return Participant{}, err
	}
	return s.Participant(ctx, p.ID)
}

// codeAlphabet leaves out 0/O, 1/I/L, which people misread.
const (
	codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	codeLength   = 8
)

// NewLinkCode makes a one-use code, valid for ttl, with which the
// participant links another chat app (RedeemLinkCode there).
func (s *Store) NewLinkCode(ctx context.Context, id ParticipantID, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("store: link code ttl %v: must be positive", ttl)
	}
	if err := s.exists(ctx, id); err != nil {
		return "", err
	}
	// Collisions are unlikely (31^8 codes); retry a few times anyway.
	for range 5 {
		code, err := randomCode()
		if err != nil {
			return "", err
		}
		ok, err := s.client.SetNX(ctx, s.linkKey(code), string(id), ttl).Result()
		if err != nil {
			return "", s.fail(ctx, "new link code", err)
		}
		if ok {
			return code, nil
		}
	}
	return "", errors.New("store: no free link code after 5 tries")
}

func randomCode() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(codeAlphabet)))
	for range codeLength {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("store: random code: %w", err)
		}
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// RedeemLinkCode links acct to the participant that made the code. The
// code works once: a second use gives ErrCodeUsed, unless acct already
// belongs to that participant; an unknown or expired code gives
// ErrCodeUnknown; an account of someone else gives ErrAccountLinked and
// leaves the code usable.
func (s *Store) RedeemLinkCode(ctx context.Context, code string, acct Account) (Participant, error) {
	if err := acct.validate(); err != nil {
		return Participant{}, err
	}
	code = normalizeCode(code)
	if code == "" {
		return Participant{}, fmt.Errorf("store: link code: %w", ErrCodeUnknown)
	}
	v, err := s.client.Get(ctx, s.linkKey(code)).Result()
	if errors.Is(err, redis.Nil) {
		return Participant{}, fmt.Errorf("store: link code %s: %w", code, ErrCodeUnknown)
	}
	if err != nil {
		return Participant{}, s.fail(ctx, "read link code", err)
	}
	owner, err := s.accountOwner(ctx, acct)
	if err != nil {
		return Participant{}, err
	}
	if used, ok := strings.CutPrefix(v, "!"); ok {
		return s.usedCode(ctx, code, owner, ParticipantID(used))
	}
	id := ParticipantID(v)
	if owner != "" && owner != id {
		return Participant{}, fmt.Errorf("store: link code %s: %w", code, ErrAccountLinked)
	}
	r, err := s.useLinkCode(ctx, code, id)
	if err != nil {
		return Participant{}, err
	}
	switch r.status {
	case 0:
		return Participant{}, fmt.Errorf("store: link code %s: %w", code, ErrCodeUnknown)
	case 2:
		return s.usedCode(ctx, code, owner, r.participant)
	}
	if err := s.LinkAccount(ctx, id, acct); err != nil {
		return Participant{}, err
	}
	return s.Participant(ctx, id)
}

func (s *Store) usedCode(ctx context.Context, code string, owner, usedBy ParticipantID) (Participant, error) {
	if owner != "" && owner == usedBy {
		return s.Participant(ctx, owner)
	}
	return Participant{}, fmt.Errorf("store: link code %s: %w", code, ErrCodeUsed)
}

type linkUse struct {
	status      int64 // 0 unknown, 1 used now, 2 used before
	participant ParticipantID
}

func (s *Store) useLinkCode(ctx context.Context, code string, id ParticipantID) (linkUse, error) {
	v, err := s.scripts.useLinkCode.Run(ctx, s.client, []string{s.linkKey(code)}, string(id)).Result()
	if err != nil {
		return linkUse{}, s.fail(ctx, "use link code", err)
	}
	r, err := asReply(v)
	if err != nil {
		return linkUse{}, err
	}
	var u linkUse
	if u.status, err = r.int(0); err != nil || u.status == 0 {
		return u, err
	}
	p, err := r.str(1)
	u.participant = ParticipantID(p)
	return u, err
}
