package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/store"
)

// checkRatingPoll checks the last sendPoll call (which telegramtest has
// checked against the spec) and the poll made of it: a regular,
// non-anonymous single-choice poll whose vote cannot be changed, with the
// scale's labels as options, and nothing of a quiz.
func (h *e2e) checkRatingPoll(chat int64, question string) telegramtest.Poll {
	h.t.Helper()
	calls := h.srv.Calls("sendPoll")
	p := calls[len(calls)-1].Params
	if p["type"] != "regular" || p["is_anonymous"] != "false" || p["allows_revoting"] != "false" || p["allows_multiple_answers"] != "false" {
		h.t.Errorf("sendPoll type=%q is_anonymous=%q allows_revoting=%q allows_multiple_answers=%q, want regular, false, false, false",
			p["type"], p["is_anonymous"], p["allows_revoting"], p["allows_multiple_answers"])
	}
	for _, quizOnly := range []string{"correct_option_ids", "explanation"} {
		if _, ok := p[quizOnly]; ok {
			h.t.Errorf("a rating poll carries %s", quizOnly)
		}
	}
	var opts []struct{ Text string }
	if err := json.Unmarshal([]byte(p["options"]), &opts); err != nil {
		h.t.Fatalf("options %q: %v", p["options"], err)
	}
	poll := h.lastPoll(chat)
	var want []string
	for _, s := range h.course.Evaluation.Scale {
		want = append(want, s.EN)
	}
	if poll.Question != question || poll.Type != "regular" || poll.Anonymous || !slices.Equal(poll.Options, want) || len(opts) != len(want) {
		h.t.Errorf("poll %+v, want a non-anonymous regular poll %q with options %q", poll, question, want)
	}
	return poll
}

func (h *e2e) evaluationCounts() store.EvaluationResults {
	h.t.Helper()
	res, err := h.store.EvaluationResults(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return res
}

// TestE2EEvaluationAsPolls answers the final evaluation on Telegram: the
// rating questions as native polls (a vote delivered twice counts once),
// the open questions typed or skipped with the button under them.
func TestE2EEvaluationAsPolls(t *testing.T) {
	h := newE2E(t, "2022-12-06T10:00")
	ev := h.course.Evaluation
	h.say(ana, "/register Ana Lima")

	mustContain(t, h.say(ana, "/evaluation"), ev.Intro.EN)
	var got string
	for i := range 7 {
		poll := h.checkRatingPoll(ana, fmt.Sprintf("(%d/10) %s", i+1, ev.Questions[i].Text.EN))
		got = h.vote(ana, poll.ID, i%5)
		// The poll shows the choice: no "Noted", only the next question.
		mustNotContain(t, got, "Noted")
		mustContain(t, got, fmt.Sprintf("(%d/10) %s", i+2, ev.Questions[i+1].Text.EN))
		if i == 0 {
			// The same vote again, as a redelivered update: silent.
			if again := h.vote(ana, poll.ID, 0); again != "" {
				t.Errorf("a repeated vote was answered with %q", again)
			}
		}
	}
	out := h.srv.Outgoing(ana)
	skip := out[len(out)-1]
	if len(skip.Buttons) != 1 || skip.Buttons[0][0].Text != "Skip" {
		t.Fatalf("the open question has buttons %+v, want Skip", skip.Buttons)
	}
	mustContain(t, h.say(ana, "Meeting colleagues from twenty countries"), "Thank you, your answer is noted.", "(9/10)")
	mustContain(t, h.press(ana, skip.Buttons[0][0].Data), "already answered") // the Skip of the answered question
	mustContain(t, h.say(ana, "Nothing to add"), "(10/10)")
	mustContain(t, h.say(ana, "Shorter webinars"), "That was the last question")

	res := h.evaluationCounts()
	if res.Respondents != 1 || res.Completed != 1 {
		t.Errorf("respondents %d, completed %d", res.Respondents, res.Completed)
	}
	if r := res.Ratings["overall"]; r != [5]int{1, 0, 0, 0, 0} {
		t.Errorf("overall %v: the vote delivered twice counted %d times", r, r[0])
	}
	if r := res.Ratings["platform"]; r != [5]int{1, 0, 0, 0, 0} {
		t.Errorf("platform (6th, option 0) %v", r)
	}
	if res.Written["most-useful"] != 1 || res.Written["apply"] != 1 || res.Written["improve"] != 1 || len(res.Open["improve"]) != 1 {
		t.Errorf("written answers %v, open %v", res.Written, res.Open)
	}
}

// TestE2EEvaluationVoteOnUnsavedPoll: a vote on a rating poll whose id
// the bot never saved (it died just after sending) still counts, for
// the question last asked.
func TestE2EEvaluationVoteOnUnsavedPoll(t *testing.T) {
	h := newE2E(t, "2022-12-06T10:00")
	h.say(ana, "/register Ana Lima")
	h.say(ana, "/evaluation")
	mustContain(t, h.vote(ana, "unsaved-poll-1", 4), "(2/10)")
	if r := h.evaluationCounts().Ratings["overall"]; r != [5]int{0, 0, 0, 0, 1} {
		t.Errorf("overall %v, want one 5", r)
	}
	// Someone else's poll is refused.
	h.say(bob, "/register Bob Smith")
	mustContain(t, h.vote(bob, h.lastPoll(ana).ID, 2), "not sent to you")
	if r := h.evaluationCounts().Ratings["objectives"]; r != [5]int{} {
		t.Errorf("objectives %v: Bob's vote on Ana's poll counted", r)
	}
}

// TestE2EEvaluationClosed: a vote after the close is refused in the
// voter's language.
func TestE2EEvaluationClosed(t *testing.T) {
	h := newE2E(t, "2022-12-16T23:00")
	h.say(luis, "/register Luis García")
	h.say(luis, "/language es")
	mustContain(t, h.say(luis, "/evaluation"), "(1/10)")
	poll := h.lastPoll(luis)
	h.clock.Advance(2 * time.Hour)
	mustContain(t, h.vote(luis, poll.ID, 4), "La evaluación final cerró el vie 16 dic")
	if res := h.evaluationCounts(); res.Respondents != 0 {
		t.Errorf("a vote after the close counted: %+v", res)
	}
}
