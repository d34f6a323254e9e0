package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// audience is who an announcement is for: everyone, or the participants
// (coordinators aside) who pass every filter given. The values of one
// filter are alternatives: "lang:es elective:climate,gender" is the
// Spanish speakers who follow either elective.
type audience struct {
	langs     []locales.Lang
	platforms []Platform
	electives []string
	cohorts   []string
	tiers     []quiz.Tier
	notDone   []quiz.ID
	atRisk    string // "" (no such filter), riskNext, or a tier's name
	// reminder: a reminder written by a coordinator (/remind), which
	// goes only to those who keep reminders on. Stored apart from the
	// filters (store.Broadcast.Reminder).
	reminder bool
}

// riskNext aims "at risk" at the next certificate each person can still
// reach: participation for those without one, then achievement.
const riskNext = "next"

// everyone reports whether no filter narrows the audience.
func (a *audience) everyone() bool {
	return len(a.langs)+len(a.platforms)+len(a.electives)+len(a.cohorts)+len(a.tiers)+len(a.notDone) == 0 && a.atRisk == ""
}

// byStanding reports whether the audience depends on points and quizzes,
// which change between a preview and a later send.
func (a *audience) byStanding() bool {
	return len(a.tiers)+len(a.notDone) > 0 || a.atRisk != ""
}

// filterKeys maps each filter's name, in English or Spanish, to the
// name it is stored under.
func filterKeys() map[string]string {
	return map[string]string{
		"lang": "lang", "language": "lang", "idioma": "lang",
		"platform": "platform", "plataforma": "platform",
		"elective": "elective", "electivo": "elective",
		"cohort": "cohort", "cohorte": "cohort",
		"tier": "tier", "certificate": "tier", "certificado": "tier",
		"notdone": "notdone", "pendiente": "notdone",
		"atrisk": "atrisk", "enriesgo": "atrisk",
	}
}

// filterWord is one filter as typed, such as "elective:climate,gender".
type filterWord struct {
	raw, key string
	values   []string
}

// takeFilters takes the filters off the front of args, up to the first
// word that is not one, and returns them and the rest: the text.
func takeFilters(args string) ([]filterWord, string) {
	rest := strings.TrimSpace(args)
	var out []filterWord
	for rest != "" {
		word, after := cutWord(rest)
		f, ok := readFilter(word)
		if !ok {
			break
		}
		out = append(out, f)
		rest = after
	}
	return out, rest
}

// cutWord splits s at its first space (a newline counts).
func cutWord(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// readFilter reads "key:value,value" with a known key, or a bare
// "atrisk". Anything else is the start of the text.
func readFilter(word string) (filterWord, bool) {
	name, value, colon := strings.Cut(word, ":")
	key, ok := filterKeys()[strings.ToLower(name)]
	if !ok || (!colon && key != "atrisk") {
		return filterWord{}, false
	}
	f := filterWord{raw: word, key: key}
	for v := range strings.SplitSeq(value, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(f.values, v) {
			f.values = append(f.values, v)
		}
	}
	return f, true
}

// inputError is a part of a command the bot cannot take (a filter that
// names nothing known, a time gone by): Msg and Args are the message to
// show the coordinator.
type inputError struct {
	Msg  string
	Args []any
}

func (e *inputError) Error() string { return "bot: bad input: " + e.Msg }

// vocab is what filter values are checked against: the course, and the
// cohorts people are in (nil: not checked, for an audience read back).
type vocab struct {
	course  *course.Course
	cohorts []string
}

// read turns filter words into an audience, or says which value is wrong.
func (v vocab) read(words []filterWord) (audience, error) {
	var a audience
	for _, f := range words {
		if len(f.values) == 0 && f.key != "atrisk" {
			return a, &inputError{"audience_no_value", []any{"Filter", f.raw}}
		}
		for _, val := range f.values {
			if err := v.add(&a, f, val); err != nil {
				return a, err
			}
		}
	}
	if slices.ContainsFunc(words, func(f filterWord) bool { return f.key == "atrisk" && len(f.values) == 0 }) && a.atRisk == "" {
		a.atRisk = riskNext
	}
	return a, nil
}

// add applies one value of filter f to a.
func (v vocab) add(a *audience, f filterWord, val string) error {
	bad := func(msg, valid string) error {
		if valid == "" {
			valid = "-"
		}
		return &inputError{msg, []any{"Value", val, "Filter", f.raw, "Valid", valid}}
	}
	switch f.key {
	case "lang":
		l, ok := locales.ParseLang(val)
		if !ok || !slices.Contains(v.course.Languages, l) {
			return bad("audience_bad_lang", strings.Join(strs(v.course.Languages), ", "))
		}
		a.langs = appendNew(a.langs, l)
	case "platform":
		p := Platform(strings.ToLower(val))
		if !slices.Contains(platforms(), p) {
			return bad("audience_bad_platform", strings.Join(strs(platforms()), ", "))
		}
		a.platforms = appendNew(a.platforms, p)
	case "elective":
		if _, ok := v.course.Agenda.Elective(strings.ToLower(val)); !ok {
			return bad("audience_bad_elective", strings.Join(v.electives(), ", "))
		}
		a.electives = appendNew(a.electives, strings.ToLower(val))
	case "cohort":
		c, ok := v.cohort(val)
		if !ok {
			return bad("audience_bad_cohort", strings.Join(v.cohorts, ", "))
		}
		a.cohorts = appendNew(a.cohorts, c)
	case "notdone":
		if _, ok := v.course.Bank.Quiz(quiz.ID(strings.ToLower(val))); !ok {
			return bad("audience_bad_quiz", strings.Join(v.quizzes(), ", "))
		}
		a.notDone = appendNew(a.notDone, quiz.ID(strings.ToLower(val)))
	default:
		return v.addStanding(a, f, val, bad)
	}
	return nil
}

// addStanding applies a value of the tier and atrisk filters.
func (v vocab) addStanding(a *audience, f filterWord, val string, bad func(msg, valid string) error) error {
	t, ok := tierNamed(val)
	if f.key == "tier" {
		if !ok {
			return bad("audience_bad_tier", "")
		}
		a.tiers = appendNew(a.tiers, t)
		return nil
	}
	if !ok || t == quiz.NoCertificate || (a.atRisk != "" && a.atRisk != t.String()) {
		return bad("audience_bad_atrisk", "")
	}
	a.atRisk = t.String()
	return nil
}

// tierNamed reads a certificate tier by its English or Spanish name.
func tierNamed(s string) (quiz.Tier, bool) {
	switch course.Fold(s) {
	case "none", "ninguno", "ninguna":
		return quiz.NoCertificate, true
	case "participation", "participacion":
		return quiz.Participation, true
	case "achievement", "aprovechamiento":
		return quiz.Achievement, true
	}
	return 0, false
}

func platforms() []Platform { return []Platform{Telegram, Discord, Console} }

func (v vocab) electives() []string {
	out := make([]string, len(v.course.Agenda.Electives))
	for i, e := range v.course.Agenda.Electives {
		out[i] = e.ID
	}
	return out
}

func (v vocab) quizzes() []string {
	out := make([]string, len(v.course.Bank.Quizzes))
	for i, q := range v.course.Bank.Quizzes {
		out[i] = string(q.ID)
	}
	return out
}

// cohort finds a cohort as spelled in the store, whatever the case.
func (v vocab) cohort(name string) (string, bool) {
	if v.cohorts == nil {
		return name, true
	}
	i := slices.IndexFunc(v.cohorts, func(c string) bool { return strings.EqualFold(c, name) })
	if i < 0 {
		return "", false
	}
	return v.cohorts[i], true
}

func appendNew[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// String is the audience in filter notation, as stored with an
// announcement: parseAudience reads it back.
func (a *audience) String() string {
	var parts []string
	add := func(key string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, key+":"+strings.Join(vals, ","))
		}
	}
	add("lang", strs(a.langs))
	add("platform", strs(a.platforms))
	add("elective", a.electives)
	add("cohort", a.cohorts)
	tiers := make([]string, len(a.tiers))
	for i, t := range a.tiers {
		tiers[i] = t.String()
	}
	add("tier", tiers)
	add("notdone", strs(a.notDone))
	switch a.atRisk {
	case "":
	case riskNext:
		parts = append(parts, "atrisk")
	default:
		parts = append(parts, "atrisk:"+a.atRisk)
	}
	return strings.Join(parts, " ")
}

func strs[T ~string](s []T) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

// audienceOf reads the audience stored with announcement bc, against
// the course being served.
func audienceOf(c *course.Course, bc store.Broadcast) (audience, error) {
	words, rest := takeFilters(bc.Audience)
	if rest != "" {
		return audience{}, errors.New("bot: malformed stored audience " + bc.Audience)
	}
	a, err := vocab{course: c}.read(words)
	a.reminder = bc.Reminder
	return a, err
}

// describe names the audience for a coordinator: "Spanish · cohort SAMM".
func (a *audience) describe(pr *locales.Printer) string {
	if a.everyone() && !a.reminder {
		return pr.T("audience_everyone")
	}
	var parts []string
	if a.reminder {
		parts = append(parts, pr.T("audience_reminders_on"))
	}
	part := func(id string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, pr.T(id, "List", strings.Join(vals, pr.T("audience_or"))))
		}
	}
	langs := make([]string, len(a.langs))
	for i, l := range a.langs {
		langs[i] = pr.T("lang_" + string(l))
	}
	part("audience_lang", langs)
	part("audience_platform", strs(a.platforms))
	part("audience_elective", a.electives)
	part("audience_cohort", a.cohorts)
	tiers := make([]string, len(a.tiers))
	for i, t := range a.tiers {
		tiers[i] = pr.T("audience_tier_" + t.String())
	}
	part("audience_tier", tiers)
	part("audience_notdone", strs(a.notDone))
	if a.atRisk != "" {
		parts = append(parts, pr.T("audience_atrisk_"+a.atRisk))
	}
	return strings.Join(parts, " · ")
}

// sieve decides who is in an audience at one instant: tiers and pace
// are judged with the course's rules at that instant.
type sieve struct {
	a       audience
	t       tally
	offered int // points of the quizzes opened by the instant
}

func (b *Bot) sieve(a audience, at time.Time) *sieve {
	s := &sieve{a: a, t: tally{st: b.cfg.Store, c: b.Course(), now: at}}
	for _, q := range s.t.c.Bank.Quizzes {
		if !at.Before(q.Opens) {
			s.offered += q.Points
		}
	}
	return s
}

// admits reports whether p is in the audience.
func (s *sieve) admits(p *store.Participant) bool {
	a := &s.a
	if a.reminder && !p.Reminders {
		return false
	}
	if a.everyone() {
		return true
	}
	if p.Coordinator {
		return false
	}
	var on []Platform
	for _, acct := range p.Accounts {
		on = append(on, Platform(acct.Platform))
	}
	return hasAny(a.langs, langOf(p)) && hasAny(a.platforms, on...) && hasAny(a.electives, p.Electives...) &&
		hasAny(a.cohorts, p.Cohort) && s.standingAdmits(p)
}

// hasAny: no filter, or one of have is wanted.
func hasAny[T comparable](want []T, have ...T) bool {
	return len(want) == 0 || slices.ContainsFunc(have, func(h T) bool { return slices.Contains(want, h) })
}

// standingAdmits applies the filters on quizzes and points, from the
// profile alone (its quiz marks and totals).
func (s *sieve) standingAdmits(p *store.Participant) bool {
	a := &s.a
	if len(a.notDone) > 0 && !slices.ContainsFunc(a.notDone, func(q quiz.ID) bool { return !p.Marks[store.QuizCode(q)].Complete }) {
		return false
	}
	if len(a.tiers) == 0 && a.atRisk == "" {
		return true
	}
	prog := s.t.markedProgress(p)
	return hasAny(a.tiers, prog.Tier) && (a.atRisk == "" || s.behindPace(prog))
}

// behindPace reports whether someone at prog can still reach the
// certificate aimed at, but at their pace would miss it: the share of
// the points offered so far that they earned is smaller than the share
// of the points still obtainable that they need.
func (s *sieve) behindPace(prog quiz.Progress) bool {
	need, ok := s.riskNeed(prog)
	return ok && need > 0 && need*s.offered > prog.Total*prog.Reachable
}

// riskNeed is how many points the certificate aimed at still needs;
// ok is false when it is held already or out of reach.
func (s *sieve) riskNeed(prog quiz.Progress) (int, bool) {
	aim := s.a.atRisk
	if aim == riskNext && prog.Tier == quiz.NoCertificate {
		aim = quiz.Participation.String()
	}
	switch aim {
	case quiz.Participation.String():
		return prog.ToParticipation, prog.Tier < quiz.Participation && prog.ParticipationPossible
	case quiz.Achievement.String(), riskNext:
		return prog.ToAchievement, prog.Tier < quiz.Achievement && prog.AchievementPossible
	}
	return 0, false
}

// narrow keeps the accounts the announcement may be sent to: with a
// platform filter, those on its platforms.
func (a *audience) narrow(accts []store.Account) []store.Account {
	if len(a.platforms) == 0 {
		return accts
	}
	return slices.DeleteFunc(slices.Clone(accts), func(acct store.Account) bool {
		return !slices.Contains(a.platforms, Platform(acct.Platform))
	})
}

// reach is how many an audience reaches: in all, and by language
// (nil when not counted by language).
type reach struct {
	total  int
	byLang map[locales.Lang]int
}

// audienceSize counts who in a has an account it can be sent to, at
// instant at. Everyone is read from the course's counters, one round
// trip whatever the course's size; a narrower audience takes a paged
// pass over the participants, counting them by language too.
func (b *Bot) audienceSize(ctx context.Context, a audience, at time.Time) (reach, error) {
	if a.everyone() && !a.reminder {
		c, err := b.cfg.Store.Counts(ctx)
		return reach{total: c.EveryoneReachable}, err
	}
	s := b.sieve(a, at)
	n := reach{byLang: map[locales.Lang]int{}}
	err := b.cfg.Store.EachParticipants(ctx, func(ps []store.Participant) error {
		for i := range ps {
			p := &ps[i]
			reachable := slices.ContainsFunc(a.narrow(p.Accounts), func(acct store.Account) bool { return acct.Reachable })
			if reachable && s.admits(p) {
				n.total++
				n.byLang[langOf(p)]++
			}
		}
		return nil
	})
	return n, err
}

// enqueueAudience queues wave w for everyone in a at instant at, a page
// of participants at a time; it returns how many were new to it.
// Queueing it again (a restart, another replica) adds only those who
// never had it.
func (b *Bot) enqueueAudience(ctx context.Context, w schedule.Send, a audience, at time.Time) (int, error) {
	now := b.cfg.Clock.Now()
	if !now.Before(w.Expires) {
		return 0, nil
	}
	s := b.sieve(a, at)
	added := 0
	err := b.cfg.Store.EachParticipants(ctx, func(ps []store.Participant) error {
		var to []string
		for i := range ps {
			if s.admits(&ps[i]) {
				to = append(to, string(ps[i].ID))
			}
		}
		got, err := b.cfg.Store.Enqueue(ctx, w.ID, to, now, w.Expires, nil)
		added += len(got)
		return err
	})
	if added > 0 {
		b.log.Info("announcement queued", "send", w.ID, "audience", a.String(), "recipients", added)
	}
	if err == nil && a.everyone() && !a.reminder {
		// Posted in the shared channels too; a narrower audience is not
		// told in public.
		err = b.enqueueChannels(ctx, w)
	}
	return added, err
}
