package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/locales"
)

// ParticipantID is the store's opaque id of a participant: "p" and a
// number, allocated by CreateParticipant.
type ParticipantID string

// Platform names a chat platform.
type Platform string

// The platforms the bot serves.
const (
	Telegram Platform = "telegram"
	Discord  Platform = "discord"
	Console  Platform = "console"
)

// Account is one chat account of a participant. Reachable is stored as
// given: pass true when the person just wrote to the bot.
type Account struct {
	Platform  Platform
	UserID    string
	ChatID    string // where to send them direct messages
	Reachable bool
}

// Participant is one person taking the course, whatever apps they use.
type Participant struct {
	ID        ParticipantID
	Name      string
	Lang      locales.Lang // empty: not chosen yet
	TimeZone  string       // IANA name; empty: the course's
	Electives []string     // sorted
	Cohort    string
	Reminders bool
	// ReminderOffsets: nil means the course's default; empty but not
	// nil means none (the morning digest only).
	ReminderOffsets []time.Duration
	Digest          bool   // a morning message listing the day's sessions
	QuietHours      string // "22:00-07:00", "off"; empty: the course's
	Coordinator     bool
	Accounts        []Account // sorted by platform, then user id
	Created         time.Time
	// Marks is how far they got in each quiz they started, by quiz code
	// (QuizCode); nil when none. Kept by RecordAnswer.
	Marks map[string]QuizMark
	// Points are the totals as the profile holds them; EssayGraded says
	// whether the essay has a grade (which may be 0).
	Points      Totals
	EssayGraded bool
}

// QuizMark is how far a participant got in one quiz.
type QuizMark struct {
	Answered int  // questions answered, right or wrong
	Complete bool // every question answered
}

// decodeMark reads a q<code> profile field's value: the count, and "c"
// once complete.
func decodeMark(v string) QuizMark {
	n, done := strings.CutSuffix(v, "c")
	return QuizMark{Answered: atoi(n), Complete: done}
}

// Profile hash fields (see doc.go). Every value stays short, so that
// Redis keeps the hash in its compact listpack encoding.
const (
	fName        = "n"
	fLang        = "l"
	fTimeZone    = "tz"
	fElective    = "el:" // + elective id, one field each
	fCohort      = "co"
	fReminders   = "r"
	fOffsets     = "ro"
	fDigest      = "dg"
	fQuiet       = "qh"
	fCoordinator = "c"
	fCreated     = "ct"
	fAccount     = "a:" // + platform ":" user id
)

func (a Account) validate() error {
	if a.Platform == "" || strings.ContainsAny(string(a.Platform), ":{}") {
		return fmt.Errorf("store: invalid platform %q", a.Platform)
	}
	if a.UserID == "" {
		return errors.New("store: account without user id")
	}
	return nil
}

// ref is how an account is named inside the store: "platform:user".
func (a Account) ref() string { return string(a.Platform) + ":" + a.UserID }

// field and value encode an account in the profile hash: the value is
// "+" (reachable) or "-" followed by the chat id.
func (a Account) field() string { return fAccount + a.ref() }
func (a Account) value() string {
	if a.Reachable {
		return "+" + a.ChatID
	}
	return "-" + a.ChatID
}

// newProfile is the profile of a new participant, totals at zero and
// without accounts, which are added once claimed.
func newProfile(p Participant) ([]any, error) {
	electives, err := electiveFields(p.Electives)
	if err != nil {
		return nil, err
	}
	fields := []any{
		fName, p.Name, fLang, string(p.Lang), fTimeZone, p.TimeZone, fCohort, p.Cohort,
		fReminders, flag(p.Reminders), fOffsets, encodeOffsets(p.ReminderOffsets),
		fDigest, flag(p.Digest), fQuiet, p.QuietHours,
		fCoordinator, flag(p.Coordinator), fCreated, strconv.FormatInt(p.Created.UnixMilli(), 10),
		sWeekly, 0, sElective, 0, sEssay, 0,
	}
	return append(fields, electives...), nil
}

// electiveFields encodes electives as one field each, "el:<id>" -> 1.
func electiveFields(electives []string) ([]any, error) {
	var out []any
	for _, e := range electives {
		if e == "" || len(e) > maxIDLength {
			return nil, fmt.Errorf("store: elective id %q: must be 1-%d bytes", e, maxIDLength)
		}
		out = append(out, fElective+e, 1)
	}
	return out, nil
}

// noOffsets encodes a choice of no reminder offsets, apart from "" (the
// course's default).
const noOffsets = "none"

func encodeOffsets(ds []time.Duration) string {
	if ds != nil && len(ds) == 0 {
		return noOffsets
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

func decodeOffsets(s string) ([]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	out := []time.Duration{}
	if s == noOffsets {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(part)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func decodeParticipant(id ParticipantID, h map[string]string) (Participant, error) {
	p := Participant{
		ID:          id,
		Name:        h[fName],
		Lang:        locales.Lang(h[fLang]),
		TimeZone:    h[fTimeZone],
		Cohort:      h[fCohort],
		Reminders:   h[fReminders] == "1",
		Digest:      h[fDigest] == "1",
		QuietHours:  h[fQuiet],
		Coordinator: h[fCoordinator] == "1",
	}
	offsets, err := decodeOffsets(h[fOffsets])
	if err != nil {
		return Participant{}, fmt.Errorf("store: participant %s reminder offsets: %w", id, err)
	}
	p.ReminderOffsets = offsets
	p.Points = makeTotals(int64(atoi(h[sWeekly])), int64(atoi(h[sElective])), int64(atoi(h[sEssay])), h[sSubmitted] != "")
	p.EssayGraded = h[fGraded] == "1"
	if ms, err := strconv.ParseInt(h[fCreated], 10, 64); err == nil {
		p.Created = time.UnixMilli(ms).UTC()
	}
	for f, v := range h {
		if ref, ok := strings.CutPrefix(f, fAccount); ok {
			p.Accounts = append(p.Accounts, decodeAccount(ref, v))
		}
		if e, ok := strings.CutPrefix(f, fElective); ok {
			p.Electives = append(p.Electives, e)
		}
		if code, ok := strings.CutPrefix(f, fMark); ok && len(code) == quizCodeLength {
			if p.Marks == nil {
				p.Marks = map[string]QuizMark{}
			}
			p.Marks[code] = decodeMark(v)
		}
	}
	slices.Sort(p.Electives)
	slices.SortFunc(p.Accounts, func(a, b Account) int {
		if c := strings.Compare(string(a.Platform), string(b.Platform)); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	return p, nil
}

func decodeAccount(ref, v string) Account {
	platform, user, _ := strings.Cut(ref, ":")
	a := Account{Platform: Platform(platform), UserID: user}
	if v != "" {
		a.Reachable = v[0] == '+'
		a.ChatID = v[1:]
	}
	return a
}

// CreateParticipant stores a new participant linked to its first account
// and returns it with its allocated ID. p.ID and p.Accounts are ignored;
// p.Created is required (the store reads no clock). It fails with
// ErrAccountLinked when the account already belongs to someone.
func (s *Store) CreateParticipant(ctx context.Context, p Participant, first Account) (Participant, error) {
	if err := first.validate(); err != nil {
		return Participant{}, err
	}
	if p.Created.IsZero() {
		return Participant{}, errors.New("store: participant without creation instant")
	}
	owner, err := s.accountOwner(ctx, first)
	if err != nil {
		return Participant{}, err
	}
	if owner != "" {
		return Participant{}, fmt.Errorf("store: create participant: %w", ErrAccountLinked)
	}
	n, err := s.client.Incr(ctx, s.participantSeqKey()).Result()
	if err != nil {
		return Participant{}, s.fail(ctx, "allocate participant id", err)
	}
	p.ID = ParticipantID("p" + strconv.FormatInt(n, 10))
	created, err := s.createProfile(ctx, p)
	if err != nil {
		return Participant{}, err
	}
	if !created {
		// The counter went backwards: someone reset it by hand.
		return Participant{}, fmt.Errorf("store: participant id %s is already taken", p.ID)
	}
	if err := s.linkFirst(ctx, p.ID, first); err != nil {
		if errors.Is(err, ErrAccountLinked) {
			// Someone else got the account between our check and claim.
			// The profile is not listed yet: removing it is enough.
			_ = s.client.Del(ctx, s.profileKey(p.ID)).Err()
		}
		return Participant{}, err
	}
	return s.Participant(ctx, p.ID)
}

// createProfile writes the profile of a new participant, without
// accounts, unless it exists.
func (s *Store) createProfile(ctx context.Context, p Participant) (created bool, err error) {
	fields, err := newProfile(p)
	if err != nil {
		return false, err
	}
	n, err := s.scripts.createParticipant.Run(ctx, s.client, []string{s.profileKey(p.ID)}, fields...).Int()
	if err != nil {
		return false, s.fail(ctx, "create participant", err)
	}
	return n == 1, nil
}

// linkFirst claims the first account of a created profile, then adds the
// account to the profile and lists the participant. The order matters
// when the process dies half way: a profile is never listed (so never
// messaged) with an account it does not own; at worst an owned account
// is missing from an unlisted profile, and repeating the call repairs it.
func (s *Store) linkFirst(ctx context.Context, id ParticipantID, first Account) error {
	owner, err := s.claimAccount(ctx, id, first)
	if err != nil {
		return err
	}
	if owner != id {
		return fmt.Errorf("store: account %s: %w", first.ref(), ErrAccountLinked)
	}
	// The account goes in by the profile script so that the participant
	// is indexed; listing comes after, and a retry repeats both.
	if err := s.setFields(ctx, id, "link account", "", first.field(), first.value()); err != nil {
		return err
	}
	return s.fail(ctx, "list participant", s.client.SAdd(ctx, s.participantsKey(), string(id)).Err())
}

// claimAccount makes id the account's owner unless it has one; it
// returns the owner after the call.
func (s *Store) claimAccount(ctx context.Context, id ParticipantID, a Account) (ParticipantID, error) {
	key := s.accountKey(a.Platform, a.UserID)
	owner, err := s.scripts.claim.Run(ctx, s.client, []string{key}, string(id)).Text()
	if err != nil {
		return "", s.fail(ctx, "claim account", err)
	}
	s.owners.put(key, ParticipantID(owner))
	return ParticipantID(owner), nil
}

// accountOwner returns the participant an account is linked to, or ""
// when it is linked to nobody.
func (s *Store) accountOwner(ctx context.Context, a Account) (ParticipantID, error) {
	key := s.accountKey(a.Platform, a.UserID)
	if owner, ok := s.owners.get(key); ok {
		return owner, nil
	}
	owner, err := s.client.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", s.fail(ctx, "find account", err)
	}
	// An account never changes hands once claimed, so this holds for good.
	s.owners.put(key, ParticipantID(owner))
	return ParticipantID(owner), nil
}

// Participant returns the participant with the given id.
func (s *Store) Participant(ctx context.Context, id ParticipantID) (Participant, error) {
	if !validID(id) {
		return Participant{}, fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	h, err := s.hot(ctx).HGetAll(ctx, s.profileKey(id)).Result()
	if err != nil {
		return Participant{}, s.fail(ctx, "read participant", err)
	}
	if len(h) == 0 {
		return Participant{}, fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	return decodeParticipant(id, h)
}

// ParticipantByAccount returns the participant a chat account is linked
// to, or ErrNotFound.
func (s *Store) ParticipantByAccount(ctx context.Context, platform Platform, userID string) (Participant, error) {
	owner, err := s.AccountOwner(ctx, platform, userID)
	if err != nil {
		return Participant{}, err
	}
	return s.Participant(ctx, owner)
}

// AccountOwner returns the id of the participant a chat account is
// linked to, or ErrNotFound; after the first call it costs no round trip.
func (s *Store) AccountOwner(ctx context.Context, platform Platform, userID string) (ParticipantID, error) {
	a := Account{Platform: platform, UserID: userID}
	if err := a.validate(); err != nil {
		return "", err
	}
	owner, err := s.accountOwner(ctx, a)
	if err != nil {
		return "", err
	}
	if owner == "" {
		return "", fmt.Errorf("store: account %s: %w", a.ref(), ErrNotFound)
	}
	return owner, nil
}

// LinkAccount links another chat account to a participant. Linking an
// account the participant already has updates its chat id and
// reachability; an account of someone else gives ErrAccountLinked.
func (s *Store) LinkAccount(ctx context.Context, id ParticipantID, a Account) error {
	if err := a.validate(); err != nil {
		return err
	}
	if err := s.exists(ctx, id); err != nil {
		return err
	}
	owner, err := s.claimAccount(ctx, id, a)
	if err != nil {
		return err
	}
	if owner != id {
		return fmt.Errorf("store: link %s to %s: %w", a.ref(), id, ErrAccountLinked)
	}
	return s.setFields(ctx, id, "link account", "", a.field(), a.value())
}

func (s *Store) exists(ctx context.Context, id ParticipantID) error {
	if !validID(id) {
		return fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	n, err := s.client.Exists(ctx, s.profileKey(id)).Result()
	if err != nil {
		return s.fail(ctx, "find participant", err)
	}
	if n == 0 {
		return fmt.Errorf("store: participant %s: %w", id, ErrNotFound)
	}
	return nil
}

// setFields sets profile fields of an existing participant, after
// removing the fields that start with clear, unless clear is "".
func (s *Store) setFields(ctx context.Context, id ParticipantID, op, clear string, pairs ...any) error {
	if !validID(id) {
		return fmt.Errorf("store: participant %q: %w", id, ErrNotFound)
	}
	args := append([]any{clear}, pairs...)
	v, err := s.scripts.setFields.Run(ctx, s.client, []string{s.profileKey(id)}, args...).Result()
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return s.indexProfile(ctx, id, op, v)
}

// indexProfile indexes the profile a script returned as its whole reply,
// or reports ErrNotFound when the script returned 0 (no such profile).
func (s *Store) indexProfile(ctx context.Context, id ParticipantID, op string, v any) error {
	if n, ok := v.(int64); ok && n == 0 {
		return fmt.Errorf("store: %s: participant %s: %w", op, id, ErrNotFound)
	}
	return s.indexReply(ctx, id, reply{v}, 0)
}

// SetName changes the display name.
func (s *Store) SetName(ctx context.Context, id ParticipantID, name string) error {
	return s.setFields(ctx, id, "set name", "", fName, name)
}

// SetLanguage changes the language the participant is addressed in.
func (s *Store) SetLanguage(ctx context.Context, id ParticipantID, lang locales.Lang) error {
	return s.setFields(ctx, id, "set language", "", fLang, string(lang))
}

// SetTimeZone changes the participant's IANA time zone; "" means the
// course's own.
func (s *Store) SetTimeZone(ctx context.Context, id ParticipantID, tz string) error {
	if tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			return fmt.Errorf("store: time zone %q: %w", tz, err)
		}
	}
	return s.setFields(ctx, id, "set time zone", "", fTimeZone, tz)
}

// SetElectives replaces the chosen electives.
func (s *Store) SetElectives(ctx context.Context, id ParticipantID, electives []string) error {
	fields, err := electiveFields(electives)
	if err != nil {
		return err
	}
	return s.setFields(ctx, id, "set electives", fElective, fields...)
}

// SetReminders turns reminders on or off and sets how long before a
// session they come; nil offsets means the course default, an empty
// list none.
func (s *Store) SetReminders(ctx context.Context, id ParticipantID, on bool, offsets []time.Duration) error {
	for _, d := range offsets {
		if d <= 0 {
			return fmt.Errorf("store: reminder offset %v: must be positive", d)
		}
	}
	return s.setFields(ctx, id, "set reminders", "", fReminders, flag(on), fOffsets, encodeOffsets(offsets))
}

// SetDigest turns the morning digest of the day's sessions on or off.
func (s *Store) SetDigest(ctx context.Context, id ParticipantID, on bool) error {
	return s.setFields(ctx, id, "set digest", "", fDigest, flag(on))
}

// SetQuietHours sets when not to be written to unprompted, as the bot
// spells it ("23:00-06:30", "off"); "" means the course's default.
func (s *Store) SetQuietHours(ctx context.Context, id ParticipantID, spec string) error {
	if len(spec) > maxIDLength {
		return fmt.Errorf("store: quiet hours %q: too long", spec)
	}
	return s.setFields(ctx, id, "set quiet hours", "", fQuiet, spec)
}

// SetCoordinator grants or removes coordinator rights.
func (s *Store) SetCoordinator(ctx context.Context, id ParticipantID, on bool) error {
	return s.setFields(ctx, id, "set coordinator", "", fCoordinator, flag(on))
}

// SetReachable records whether messages reach a chat account, such as
// false after Telegram answered "blocked by the user".
func (s *Store) SetReachable(ctx context.Context, platform Platform, userID string, ok bool) error {
	a := Account{Platform: platform, UserID: userID, Reachable: ok}
	if err := a.validate(); err != nil {
		return err
	}
	owner, err := s.accountOwner(ctx, a)
	if err != nil {
		return err
	}
	if owner == "" {
		return fmt.Errorf("store: account %s: %w", a.ref(), ErrNotFound)
	}
	v, err := s.scripts.setReachable.Run(ctx, s.client, []string{s.profileKey(owner)},
		a.field(), a.value()[:1]).Result()
	if err != nil {
		return s.fail(ctx, "set reachable", err)
	}
	return s.indexProfile(ctx, owner, "set reachable of "+a.ref(), v)
}

// ParticipantIDs lists every participant, in no particular order. It
// reads the set in pages (SSCAN), so a large course never blocks Redis.
func (s *Store) ParticipantIDs(ctx context.Context) ([]ParticipantID, error) {
	var out []ParticipantID
	var cursor uint64
	for {
		page, next, err := s.client.SScan(ctx, s.participantsKey(), cursor, "", 1000).Result()
		if err != nil {
			return nil, s.fail(ctx, "list participants", err)
		}
		for _, id := range page {
			out = append(out, ParticipantID(id))
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	// SSCAN may return an element more than once.
	slices.Sort(out)
	return slices.Compact(out), nil
}
