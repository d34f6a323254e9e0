package store

import (
	"strings"
	"unicode"
)

// The key schema is described in doc.go; these functions are its only
// implementation. A participant's own keys carry the hash tag {<id>} so
// that every script over them runs in one Cluster slot.

func (s *Store) profileKey(id ParticipantID) string { return s.prefix + ":{" + string(id) + "}" }
func (s *Store) answersKey(id ParticipantID) string { return s.prefix + ":{" + string(id) + "}:a" }
func (s *Store) essayKey(id ParticipantID) string   { return s.prefix + ":{" + string(id) + "}:e" }
func (s *Store) ownExtensionsKey(id ParticipantID) string {
	return s.prefix + ":{" + string(id) + "}:x"
}
func (s *Store) extensionsKey() string { return s.prefix + ":ext" }

func (s *Store) accountKey(platform Platform, userID string) string {
	return s.prefix + ":acct:" + string(platform) + ":" + userID
}

func (s *Store) quizzesKey() string { return s.prefix + ":quizzes" }

func (s *Store) participantsKey() string      { return s.prefix + ":participants" }
func (s *Store) participantSeqKey() string    { return s.prefix + ":seq:participant" }
func (s *Store) rosterKey(code string) string { return s.prefix + ":roster:" + code }
func (s *Store) linkKey(code string) string   { return s.prefix + ":link:" + code }

// The delivery queue's keys share the hash tag {dlv}: its scripts move a
// delivery between the queue, the leases and the item's states at once.
func (s *Store) dlvQueueKey() string             { return s.prefix + ":{dlv}:q" }
func (s *Store) dlvLeaseKey() string             { return s.prefix + ":{dlv}:l" }
func (s *Store) dlvAttemptsKey() string          { return s.prefix + ":{dlv}:a" }
func (s *Store) dlvPayloadKey() string           { return s.prefix + ":{dlv}:m" }
func (s *Store) dlvTagKey(tag string) string     { return s.prefix + ":{dlv}:t:" + tag }
func (s *Store) dlvReportKey() string            { return s.prefix + ":{dlv}:rp" }
func (s *Store) dlvStatesKey(item string) string { return s.prefix + ":{dlv}:s:" + item }
func (s *Store) dlvCountsKey(item string) string { return s.prefix + ":{dlv}:n:" + item }
func (s *Store) schedListKey() string            { return s.prefix + ":{dlv}:sb" }

func (s *Store) handledKey(update string) string { return s.prefix + ":upd:" + update }

// A lease and its fence counter share the hash tag {lease:<name>}: the
// acquire script reads one and bumps the other at once.
func (s *Store) leaseKey(name string) string      { return s.prefix + ":{lease:" + name + "}" }
func (s *Store) leaseFenceKey(name string) string { return s.prefix + ":{lease:" + name + "}:fence" }

func (s *Store) pollKey(pollID string) string { return s.prefix + ":poll:" + pollID }

// The final evaluation's keys share the hash tag {ev}: its answer script
// records an answer and bumps the course-wide counters at once.
func (s *Store) evAnswersKey() string               { return s.prefix + ":{ev}:a" }
func (s *Store) evAnsweredKey() string              { return s.prefix + ":{ev}:p" }
func (s *Store) evCountsKey() string                { return s.prefix + ":{ev}:n" }
func (s *Store) evTextsKey() string                 { return s.prefix + ":{ev}:t" }
func (s *Store) evAwaitKey(id ParticipantID) string { return s.prefix + ":{ev}:w:" + string(id) }
func (s *Store) calendarKey(calendar string) string { return s.prefix + ":cal:" + calendar }

func (s *Store) supportSeqKey() string    { return s.prefix + ":{support}:seq" }
func (s *Store) supportKey() string       { return s.prefix + ":{support}:q" }
func (s *Store) supportOpenKey() string   { return s.prefix + ":{support}:open" }
func (s *Store) supportUpdateKey() string { return s.prefix + ":{support}:u" }

// validID reports whether id has the shape the store allocates: "p" and
// decimal digits. Anything else cannot name a participant, and checking
// it keeps caller text out of the hash tags.
func validID(id ParticipantID) bool {
	if len(id) < 2 || id[0] != 'p' {
		return false
	}
	for _, c := range id[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// normalizeCode makes a typed code comparable: upper case, without the
// spaces and dashes people add when copying it.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, code)
}
