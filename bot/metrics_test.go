package bot_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
)

// tally records what the bot reports, the way a monitoring system
// would count it.
type tally struct {
	mu          sync.Mutex
	updates     map[string]int // "platform kind result"
	deliveries  map[string]int // "kind outcome"
	unavailable int
}

func newTally() *tally {
	return &tally{updates: map[string]int{}, deliveries: map[string]int{}}
}

func (t *tally) Update(platform, kind, result string, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.updates[platform+" "+kind+" "+result]++
}

func (t *tally) Delivery(kind, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deliveries[kind+" "+outcome]++
}

func (t *tally) StoreUnavailable() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unavailable++
}

func (t *tally) want(tb testing.TB, what string, got, want int) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s: counted %d, want %d", what, got, want)
	}
}

// TestMetricsCountUpdatesAndDeliveries: every update is
// counted once by platform, command (never its text) and result, every
// queued message by kind and outcome, and a storage outage is counted.
func TestMetricsCountUpdatesAndDeliveries(t *testing.T) {
	m := newTally()
	h := newHarnessWith(t, "2022-10-21T16:00", m)
	h.say("ana", "/register Ana Lima", "/quiz week-1")
	q, _ := h.course.Bank.Quiz("week-1")
	// The answer first: the FAQ's answer brings buttons of its own, and
	// the console numbers the latest buttons.
	h.say("ana", option(&q.Questions[0], true))
	h.say("ana", "/fly me to the moon", "how do certificates work?")

	ctx := context.Background()
	u := bot.Update{ID: "tg:1", Platform: bot.Console, UserID: "ana", ChatID: "ana", Text: "/progress"}
	for range 2 {
		if err := h.bot.Handle(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	h.srv.Kill()
	u.ID = "tg:2"
	if err := h.bot.Handle(ctx, u); err == nil {
		t.Fatal("Handle during an outage returned nil")
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	for key, want := range map[string]int{
		"console register handled": 1, "console quiz handled": 1, "console unknown handled": 1,
		"console text handled": 1, "console button handled": 1,
		"console progress handled": 1, "console progress redelivered": 1, "console progress failed": 1,
	} {
		m.want(t, "update "+key, m.updates[key], want)
	}
	if len(m.updates) != 8 {
		t.Errorf("updates counted under %d keys, want 8: %v", len(m.updates), m.updates)
	}
	m.want(t, "first and second question sent", m.deliveries["quiz_question sent"], 2)
	if m.unavailable < 1 {
		t.Error("the outage was not counted")
	}
}

func TestItemKinds(t *testing.T) {
	for item, want := range map[string]string{
		"rem:plenary-1:15m0s:20221024T1300Z": "reminder",
		"open:week-1":                        "quiz_open",
		"nudge:20221028T2159Z":               "quiz_nudge",
		"summary":                            "course_summary",
		"bc:17":                              "broadcast",
		"qa:tg:9:week-1:q1":                  "quiz_question",
		"qq:week-1:q2":                       "quiz_question",
		"qs:week-1":                          "quiz_summary",
		"ans:s3":                             "support_answer",
		"gr:tg:12":                           "grade",
		"rp:bc:17":                           "report",
		"something new":                      "other",
	} {
		if got := bot.ItemKind(item); got != want {
			t.Errorf("ItemKind(%q) = %q, want %q", item, got, want)
		}
	}
}
