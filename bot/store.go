package bot

import (
	"context"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// Store is what the conversation needs from storage; *store.Store has
// it. It is made of roles, one per part of the conversation, so a part
// (and its tests) can ask for no more than it uses.
type Store interface {
	People
	Points
	SupportDesk
	Polls
	Roll
	Staff
	DeliveryQueue
	UpdateLog
	Schedule
	EvaluationStore
}

// People finds participants by their chat accounts and keeps their
// profile and preferences.
type People interface {
	ParticipantByAccount(ctx context.Context, platform store.Platform, userID string) (store.Participant, error)
	AccountOwner(ctx context.Context, platform store.Platform, userID string) (store.ParticipantID, error)
	CreateParticipant(ctx context.Context, p store.Participant, first store.Account) (store.Participant, error)
	RedeemRosterCode(ctx context.Context, code string, acct store.Account, now time.Time) (store.Participant, error)
	NewLinkCode(ctx context.Context, id store.ParticipantID, ttl time.Duration) (string, error)
	RedeemLinkCode(ctx context.Context, code string, acct store.Account) (store.Participant, error)
	Participant(ctx context.Context, id store.ParticipantID) (store.Participant, error)
	SetName(ctx context.Context, id store.ParticipantID, name string) error
	SetLanguage(ctx context.Context, id store.ParticipantID, lang locales.Lang) error
	SetTimeZone(ctx context.Context, id store.ParticipantID, tz string) error
	SetElectives(ctx context.Context, id store.ParticipantID, electives []string) error
	SetReminders(ctx context.Context, id store.ParticipantID, on bool, offsets []time.Duration) error
	SetDigest(ctx context.Context, id store.ParticipantID, on bool) error
	SetQuietHours(ctx context.Context, id store.ParticipantID, spec string) error
	SetReachable(ctx context.Context, platform store.Platform, userID string, ok bool) error
}

// Points keeps answers, totals, the essay and deadlines moved later.
type Points interface {
	RecordAnswer(ctx context.Context, a store.Answer) (store.AnswerResult, error)
	Answers(ctx context.Context, id store.ParticipantID, q quiz.ID) (map[string]store.StoredAnswer, error)
	AllAnswers(ctx context.Context, id store.ParticipantID) (map[quiz.ID]map[string]store.StoredAnswer, error)
	Totals(ctx context.Context, id store.ParticipantID) (store.Totals, error)
	Essay(ctx context.Context, id store.ParticipantID) (store.EssayState, error)
	// Deadlines moved later (/extend), for everyone and for one person.
	Extensions(ctx context.Context, id store.ParticipantID) (store.Extensions, error)
	SetExtension(ctx context.Context, id store.ParticipantID, what string, until time.Time) error
}

// SupportDesk keeps the questions passed to a person, and those the FAQ
// answered, for their "Ask a person" button.
type SupportDesk interface {
	SaveQuestion(ctx context.Context, id store.ParticipantID, lang, text string, at time.Time, update string) (string, error)
	OpenQuestions(ctx context.Context) ([]store.SupportQuestion, error)
	CloseQuestion(ctx context.Context, qid string) error
	StashQuestion(ctx context.Context, q store.StashedQuestion, ttl time.Duration) (string, error)
	StashedQuestion(ctx context.Context, id string) (store.StashedQuestion, error)
	DropStashedQuestion(ctx context.Context, id string) error
}

// Polls routes a native poll's votes to the question it asks.
type Polls interface {
	SavePoll(ctx context.Context, pollID string, ref store.PollRef, ttl time.Duration) error
	Poll(ctx context.Context, pollID string) (store.PollRef, error)
}

// Roll goes over everyone, a page at a time (waves, exports, the
// report), and reads the course's counters and name index.
type Roll interface {
	ScanParticipantIDs(ctx context.Context, page int, fn func([]store.ParticipantID) error) error
	EachParticipants(ctx context.Context, fn func([]store.Participant) error) error
	EachRecords(ctx context.Context, fn func([]store.Record) error) error
	EachRosterCodes(ctx context.Context, fn func([]store.RosterCode) error) error
	Counts(ctx context.Context) (store.CourseCounts, error)
	FindByName(ctx context.Context, query string, limit int) ([]store.Participant, error)
}

// Staff is what coordinators' commands change: essays and their grades,
// announcements, a participant's whole record.
type Staff interface {
	SubmitEssay(ctx context.Context, id store.ParticipantID, at time.Time) error
	GradeEssay(ctx context.Context, id store.ParticipantID, g store.Grade) (store.Totals, error)
	SavePendingGrade(ctx context.Context, g store.PendingGrade, ttl time.Duration) (string, error)
	TakePendingGrade(ctx context.Context, token string) (store.PendingGrade, error)
	Record(ctx context.Context, id store.ParticipantID) (store.Record, error)
	SaveBroadcast(ctx context.Context, b store.Broadcast) (string, error)
	Broadcast(ctx context.Context, id string) (store.Broadcast, error)
	KeepBroadcast(ctx context.Context, id string, ttl time.Duration) error
	DeleteBroadcast(ctx context.Context, id string) (bool, error)
}

// DeliveryQueue is the durable delivery path's storage (see store/doc.go).
type DeliveryQueue interface {
	Enqueue(ctx context.Context, item string, recipients []string, due, expires time.Time, payload []byte) ([]string, error)
	EnqueueHeld(ctx context.Context, item, recipient, tag string, now, leaseEnd, expires time.Time, payload []byte) (store.Delivery, bool, error)
	Tagged(ctx context.Context, tag, recipient string) (string, error)
	Claim(ctx context.Context, now, leaseEnd time.Time, n int) ([]store.Delivery, error)
	Settle(ctx context.Context, d store.Delivery, o store.Outcome, retryAt time.Time) (bool, int, error)
	NextDue(ctx context.Context) (time.Time, bool, error)
	WaveCounts(ctx context.Context, item string) (store.WaveCounts, error)
	DeliveryState(ctx context.Context, item, recipient string) (string, error)
	WatchWave(ctx context.Context, item string, payload []byte) error
	WatchedWave(ctx context.Context, item string) ([]byte, bool, error)
	WatchedWaves(ctx context.Context) (map[string][]byte, error)
	Unwatch(ctx context.Context, item string) error
}

// UpdateLog remembers which platform events were handled.
type UpdateLog interface {
	ClaimHandling(ctx context.Context, update string, ttl time.Duration) (claim string, done bool, err error)
	ReleaseHandling(ctx context.Context, update, claim string) error
	MarkHandled(ctx context.Context, update string, ttl time.Duration) error
}

var _ Store = (*store.Store)(nil)
