package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// pollTTL keeps the poll-to-question mapping well past any quiz window.
const pollTTL = 120 * 24 * time.Hour

// cmdQuiz lists the open quizzes the participant has not finished, or
// starts (resumes) the one named.
func (r *request) cmdQuiz(arg string) error {
	answers, err := r.b.cfg.Store.AllAnswers(r.ctx, r.p.ID)
	if err != nil {
		return err
	}
	if arg != "" {
		return r.startQuiz(quiz.ID(arg), answers)
	}
	t, err := r.terms()
	if err != nil {
		return err
	}
	var rows [][]Button
	for _, q := range t.bank.OpenAt(r.now) {
		done := len(answers[q.ID])
		if done >= len(q.Questions) || !r.followsQuiz(q) {
			continue
		}
		label := fmt.Sprintf("%s (%d/%d)", q.Title.In(r.pr.Lang), done, len(q.Questions))
		rows = append(rows, []Button{{Label: label, Data: "q:" + string(q.ID)}})
	}
	if len(rows) == 0 {
		return r.say(r.pr.T("quiz_none_open"))
	}
	return r.say(r.pr.T("quiz_pick"), rows...)
}

// followsQuiz: weekly quizzes are for everyone; elective quizzes are
// listed for the electives followed. Any open quiz can still be started
// by name.
func (r *request) followsQuiz(q *quiz.Quiz) bool { return r.b.followsQuiz(r.p, q) }

// startQuiz sends the first unanswered question of quiz id, or, when
// every question is answered, the quiz's summary again.
func (r *request) startQuiz(id quiz.ID, answers map[quiz.ID]map[string]store.StoredAnswer) error {
	q, ok, err := r.quizFor(id)
	if err != nil {
		return err
	}
	if !ok {
		return r.say(r.pr.T("quiz_unknown", "ID", string(id)))
	}
	if refused, err := r.refuseClosed(q); refused || err != nil {
		return err
	}
	done := map[string]bool{}
	var right []string
	for id, a := range answers[q.ID] {
		done[id] = true
		if a.Correct {
			right = append(right, id)
		}
	}
	// Each /quiz asks anew: the item is this update's.
	if asked, err := r.askNext(q, done, "qa:"+r.eventKey()+":"); asked || err != nil {
		return err
	}
	totals, err := r.b.cfg.Store.Totals(r.ctx, r.p.ID)
	if err != nil {
		return err
	}
	return r.say(r.summaryText(q, right, totals.Total), r.summaryButtons(q))
}

// refuseClosed answers politely when q does not take answers now.
func (r *request) refuseClosed(q *quiz.Quiz) (bool, error) {
	switch {
	case q.ClosedAt(r.now):
		return true, r.say(r.pr.T("quiz_closed", "Title", q.Title.In(r.pr.Lang), "Day", r.pr.Date(q.Closes.In(r.zone()))))
	case !q.OpenAt(r.now):
		when := r.face().instant(q.Opens)
		return true, r.say(r.pr.T("quiz_not_open", "Title", q.Title.In(r.pr.Lang), "When", when))
	}
	return false, nil
}

// askNext sends the first question not yet answered; asked is false
// when every question is. item prefixes the delivery's name: a question
// asked after an answer is named by the answer alone, so the answer
// delivered again after a crash sends it only if it never went out.
func (r *request) askNext(q *quiz.Quiz, done map[string]bool, item string) (asked bool, err error) {
	for i := range q.Questions {
		if !done[q.Questions[i].ID] {
			return true, r.askQuestion(q, i, item)
		}
	}
	return false, nil
}

// askQuestion sends question i of q as a quiz poll (or buttons) through
// the delivery queue, which also notes it as the question being asked:
// a vote on a poll whose id was not saved still counts (see unsavedPoll).
func (r *request) askQuestion(q *quiz.Quiz, i int, item string) error {
	qu := &q.Questions[i]
	lang := r.pr.Lang
	poll := &QuizPoll{
		Question:    fmt.Sprintf("(%d/%d) %s", i+1, len(q.Questions), qu.Text.In(lang)),
		Correct:     qu.Correct,
		Explanation: qu.Explanation.In(lang),
		Ref:         PollRef{Participant: string(r.p.ID), Quiz: string(q.ID), Question: qu.ID},
		CloseAt:     q.Closes,
	}
	for o, opt := range qu.Options {
		poll.Options = append(poll.Options, opt.In(lang))
		data := r.b.signAnswer(r.p.ID, answerData{Quiz: q.ID, Question: qu.ID, Option: o})
		poll.Buttons = append(poll.Buttons, Button{Label: opt.In(lang), Data: data})
	}
	rep := Reply{Quiz: poll}
	if i == 0 {
		// The title goes first: a poll's question has no room for it.
		rep.Text = r.pr.T("quiz_start", "Title", q.Title.In(lang),
			"Questions", r.pr.N("count_questions", len(q.Questions)), "Points", r.pr.N("count_points", q.Points))
	}
	return r.deliver(item+string(q.ID)+":"+qu.ID, rep, q.Closes)
}

// deliver sends rep to the sender's chat through the delivery queue, as
// item: once, retried if the platform fails, and taken over by another
// process if this one dies before the platform answered.
func (r *request) deliver(item string, rep Reply, expires time.Time) error {
	msg := directMsg{Platform: r.u.Platform, Chat: r.u.ChatID, To: r.p.ID, Reply: rep, Expires: expires.UnixMilli()}
	_, _, err := r.b.sendOnce(r.ctx, item, string(r.p.ID), msg)
	return err
}

// answerButton handles a pressed option button.
func (r *request) answerButton(data string) error {
	a, ok := r.b.verifyAnswer(r.p.ID, data)
	if !ok {
		r.b.log.Warn("refused forged answer button", "platform", r.u.Platform, "user", r.u.UserID)
		return r.say(r.pr.T("answer_forged"))
	}
	return r.answer(a, true)
}

// pollAnswer handles a vote in a native quiz poll. The poll id is looked
// up server-side: the vote itself is trusted for nothing but the option.
func (r *request) pollAnswer() error {
	if r.p == nil || len(r.u.Poll.Options) == 0 {
		return nil
	}
	ref, err := r.b.cfg.Store.Poll(r.ctx, r.u.Poll.PollID)
	if errors.Is(err, store.ErrNotFound) {
		ref, err = r.unsavedPoll()
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && ref.Participant != r.p.ID) {
		r.b.log.Warn("refused answer to an unknown or foreign poll", "platform", r.u.Platform, "user", r.u.UserID, "poll", r.u.Poll.PollID)
		// A vote, not a button: the person tapped an option of a poll.
		return r.refuseAnswer("answer_forged_poll")
	}
	if err != nil {
		return err
	}
	if ref.Quiz == evaluationRef {
		return r.evaluationVote(ref.Question)
	}
	// The platform has already shown right or wrong and the explanation.
	return r.answer(answerData{Quiz: ref.Quiz, Question: ref.Question, Option: r.u.Poll.Options[0]}, false)
}

// unsavedPoll matches a vote on a poll the bot never saved to the
// question last asked of the voter. Telegram reports votes only on the
// bot's own polls, so an unknown poll is one sent just before the bot
// died, before its id was saved: the vote must count.
func (r *request) unsavedPoll() (store.PollRef, error) {
	item, err := r.b.cfg.Store.Tagged(r.ctx, questionTag, string(r.p.ID))
	if err != nil {
		return store.PollRef{}, err
	}
	q, question, ok := questionOf(item)
	if !ok {
		return store.PollRef{}, fmt.Errorf("bot: question delivery %q: %w", item, store.ErrNotFound)
	}
	ref := store.PollRef{Participant: r.p.ID, Quiz: q, Question: question}
	r.b.log.Info("vote on an unsaved poll matched to the question asked", "poll", r.u.Poll.PollID, "quiz", q, "question", question)
	return ref, r.b.cfg.Store.SavePoll(r.ctx, r.u.Poll.PollID, ref, pollTTL)
}

// questionTag tags question deliveries, so the latest one sent to a
// participant can be found (see unsavedPoll).
const questionTag = "quiz"

// questionOf reads a question delivery's item, "<prefix>:[<update>:]<quiz>:<question>":
// the quiz and question are its last two parts (ids hold no colon).
func questionOf(item string) (quiz.ID, string, bool) {
	parts := strings.Split(item, ":")
	if len(parts) < 3 {
		return "", "", false
	}
	return quiz.ID(parts[len(parts)-2]), parts[len(parts)-1], true
}

// answer records one answer and moves on to the next question.
func (r *request) answer(a answerData, explain bool) error {
	q, ok := r.course().Bank.Quiz(a.Quiz)
	if !ok {
		return r.refuseAnswer("quiz_unknown", "ID", string(a.Quiz))
	}
	qu, ok := q.Question(a.Question)
	if !ok || a.Option < 0 || a.Option >= len(qu.Options) {
		return r.refuseAnswer("answer_forged")
	}
	if !q.OpenAt(r.now) {
		return r.answerOutsideWindow(a, explain)
	}
	return r.take(q, qu, a, explain)
}

// take records answer a to question qu of q, open to the sender, and
// moves on to the next question.
func (r *request) take(q *quiz.Quiz, qu *quiz.Question, a answerData, explain bool) error {
	// The store is given the question's points right or wrong: it adds
	// them only to a correct answer, and counts them as answered.
	correct, _ := qu.Grade(a.Option)
	points := qu.Points
	res, err := r.b.cfg.Store.RecordAnswer(r.ctx, store.Answer{
		Participant: r.p.ID, Quiz: q.ID, Question: qu.ID, Option: a.Option,
		Correct: correct, Points: points, Kind: q.Kind, At: r.now,
		Siblings: questionIDs(q),
	})
	if err != nil {
		return err
	}
	if err := r.setRecord(res.Participant); err != nil {
		return err
	}
	if !res.New && explain {
		// A replayed button is told so; the next question is still
		// sent below if it never went out (the bot died first).
		if err := r.say(r.pr.T("answer_already")); err != nil {
			return err
		}
	}
	if res.New && explain {
		// Native polls show right, wrong and the explanation themselves.
		if err := r.say(r.feedback(qu, res)); err != nil {
			return err
		}
	}
	done := map[string]bool{}
	for _, id := range res.Answered {
		done[id] = true
	}
	if asked, err := r.askNext(q, done, "qq:"); asked || err != nil {
		return err
	}
	text := r.summaryText(q, res.Right, res.Totals.Total)
	msg := Reply{Text: text, Buttons: [][]Button{r.summaryButtons(q)}}
	return r.deliver("qs:"+string(q.ID), msg, r.now.Add(noticeLife))
}

// answerOutsideWindow handles an answer given outside the course's window
// of its quiz: the sender's own deadline, extended, may still take it.
// Only then are extensions read, which spares every vote a round trip:
// an extension never shortens a window.
func (r *request) answerOutsideWindow(a answerData, explain bool) error {
	if err := r.loadRecord(); err != nil {
		return err
	}
	q, _, err := r.quizFor(a.Quiz)
	if err != nil {
		return err
	}
	if q.OpenAt(r.now) {
		qu, _ := q.Question(a.Question)
		return r.take(q, qu, a, explain)
	}
	_, err = r.refuseClosed(q)
	return err
}

// refuseAnswer tells the sender, in their language, why an answer was not
// taken: a vote arrives with only the voter's id known.
func (r *request) refuseAnswer(id string, data ...any) error {
	if err := r.loadRecord(); err != nil {
		return err
	}
	return r.say(r.pr.T(id, data...))
}

// feedback tells right or wrong, with the points and the explanation.
func (r *request) feedback(qu *quiz.Question, res store.AnswerResult) string {
	var lines []string
	if res.Correct {
		lines = append(lines, r.pr.N("answer_correct", res.Awarded))
	} else {
		lines = append(lines, r.pr.T("answer_wrong"))
		lines = append(lines, r.pr.T("answer_right_was", "Option", qu.Options[qu.Correct].In(r.pr.Lang)))
	}
	if qu.Explanation.In(r.pr.Lang) != "" {
		lines = append(lines, qu.Explanation.In(r.pr.Lang))
	}
	return strings.Join(lines, "\n")
}

// summaryText closes a finished quiz: the points its right answers
// (question ids) earned and the new running total.
func (r *request) summaryText(q *quiz.Quiz, right []string, total int) string {
	earned := 0
	for _, id := range right {
		if qu, ok := q.Question(id); ok {
			earned += qu.Points
		}
	}
	return r.pr.N("quiz_done", total, "Title", q.Title.In(r.pr.Lang), "Earned", earned, "Max", q.Points)
}

func (r *request) summaryButtons(q *quiz.Quiz) []Button {
	return []Button{
		{Label: r.pr.T("button_review"), Data: "rv:" + string(q.ID)},
		{Label: r.pr.T("button_progress"), Data: "cmd:progress"},
		{Label: r.pr.T("button_more_quizzes"), Data: "cmd:quiz"},
	}
}

func questionIDs(q *quiz.Quiz) []string {
	ids := make([]string, len(q.Questions))
	for i, qu := range q.Questions {
		ids[i] = qu.ID
	}
	return ids
}
