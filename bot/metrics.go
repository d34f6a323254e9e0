package bot

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/store"
)

// Metrics hears what the core does, for monitoring. Every label value
// it is given comes from a short fixed list (platform names, command
// names, the kinds and outcomes below), never from what people type, so
// a monitoring system's series stay few. Config.Metrics nil counts
// nothing.
type Metrics interface {
	// Update reports one update: result is one of the Update* results,
	// kind what it was (see updateKind), took how long Handle took.
	Update(platform, kind, result string, took time.Duration)
	// Delivery reports one try of a queued message: kind comes from its
	// item (see ItemKind), outcome is one of OutcomeName's words.
	Delivery(kind, outcome string)
	// StoreUnavailable reports that storage could not serve the core.
	StoreUnavailable()
}

// LimitMetrics hears how a platform's rate limits hold the adapters'
// calls back.
type LimitMetrics interface {
	// RateLimited reports a call the platform refused with 429.
	RateLimited(platform string)
	// RateWait reports that a call waited d for a rate limit, its
	// pacing or a 429.
	RateWait(platform string, d time.Duration)
}

// NoMetrics counts nothing: what a component takes when it is given no
// metrics, so that call sites need no nil checks.
type NoMetrics struct{}

func (NoMetrics) Update(string, string, string, time.Duration) {}
func (NoMetrics) Delivery(string, string)                      {}
func (NoMetrics) StoreUnavailable()                            {}
func (NoMetrics) RateLimited(string)                           {}
func (NoMetrics) RateWait(string, time.Duration)               {}

// The results of an update, for Metrics.Update.
const (
	UpdateHandled     = "handled"     // handled (bad input answered counts too)
	UpdateFailed      = "failed"      // storage failed; the platform delivers it again
	UpdateRedelivered = "redelivered" // handled before: skipped
	UpdateDropped     = "dropped"     // over the person's flood limit: dropped unread
)

// updateKind names what u is, for the handler latency: a known
// command's name, "unknown" for another slash command, or the kind of
// event. Never the text itself.
func updateKind(u Update) string {
	switch {
	case u.Poll != nil:
		return "vote"
	case u.Blocked != nil:
		return "blocked"
	case u.Slowdown:
		return "slowdown"
	case u.Choice != "":
		return "button"
	case strings.HasPrefix(strings.TrimSpace(u.Text), "/"):
		name, _ := splitCommand(u.Text)
		if slices.ContainsFunc(commandTable(), func(c commandSpec) bool { return c.name == name }) {
			return name
		}
		return "unknown"
	}
	return "text"
}

// itemKinds names a delivery item's kind by its prefix (see the items
// made in plan.go, quiz.go, coordinator.go, broadcast.go and the
// schedule's plan).
func itemKinds() []struct{ prefix, kind string } {
	return []struct{ prefix, kind string }{
		{"rem:", "reminder"},
		{"open:", "quiz_open"},
		{"nudge:", "quiz_nudge"},
		{"summary", "course_summary"},
		{"digest:", "digest"},
		{broadcastItem, "broadcast"},
		{store.ScheduledItem, "scheduled_broadcast"},
		{"qa:", "quiz_question"}, // the first question, after /quiz
		{"qq:", "quiz_question"}, // the next question, after an answer
		{"qs:", "quiz_summary"},
		{"ans:", "support_answer"},
		{"gr:", "grade"},
		{"rp:", "report"},
		{"ea:", "evaluation_question"}, // the first, after /evaluation
		{"eq:", "evaluation_question"}, // the next, after an answer
		{"ed:", "evaluation_thanks"},
		{evaluationItem, "evaluation_invite"},
		{channelItem, "channel_post"},
		{extendedForAll + ":", "extension"},
		{extendedForOne + ":", "extension"},
		{extendedNudge + ":", "quiz_nudge"},
	}
}

// ItemKind is the kind of message a delivery item is, for monitoring:
// one of a few fixed words, "other" for an item it does not know.
func ItemKind(item string) string {
	for _, k := range itemKinds() {
		if strings.HasPrefix(item, k.prefix) {
			return k.kind
		}
	}
	return "other"
}

// OutcomeName is the word for a delivery outcome.
func OutcomeName(o store.Outcome) string {
	switch o {
	case store.Sent:
		return "sent"
	case store.Unreachable:
		return "unreachable"
	case store.Failed:
		return "failed"
	case store.Expired:
		return "expired"
	case store.Skipped:
		return "skipped"
	case store.Retry:
		return "retry"
	case store.Wait:
		return "wait"
	}
	return "other"
}

// storeTrouble counts err if it says storage could not serve.
func (b *Bot) storeTrouble(err error) {
	if errors.Is(err, store.ErrUnavailable) {
		b.metrics.StoreUnavailable()
	}
}
