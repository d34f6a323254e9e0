package bot

import (
	"context"
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/store"
)

// The final evaluation (course.Evaluation) is asked one question at a
// time, like a quiz: a rating question as a regular poll on Telegram
// (buttons elsewhere), an open question as a text the next typed message
// answers, with a Skip button. Each question is answered once (see
// store.RecordEvaluation); after the last, a thank-you.

// EvaluationStore is the final evaluation's storage; *store.Store has it.
type EvaluationStore interface {
	RecordEvaluation(ctx context.Context, a store.EvalAnswer) (store.EvalRecorded, error)
	EvaluationAnswered(ctx context.Context, id store.ParticipantID, questions []string) (map[string]bool, error)
	AwaitEvaluation(ctx context.Context, id store.ParticipantID, question string, ttl time.Duration) error
	AwaitedEvaluation(ctx context.Context, id store.ParticipantID) (string, error)
	EndEvaluationWait(ctx context.Context, id store.ParticipantID) error
	EvaluationCounts(ctx context.Context) (store.EvaluationCounts, error)
	EvaluationResults(ctx context.Context) (store.EvaluationResults, error)
}

// evaluationRef stands for the evaluation where a quiz id is expected:
// in a poll's route (PollRef.Quiz) and in a question delivery's item, so
// that a vote on a poll whose id was never saved is matched to the
// evaluation (see unsavedPoll). '~' is outside quiz ids, so no quiz has it.
const evaluationRef = "~evaluation"

// awaitFor is how long an open question waits for the typed answer:
// long enough to come back to it, short enough that someone who walked
// away has their later questions go to the support desk again.
const awaitFor = 48 * time.Hour

// maxEvalAnswer bounds a typed answer, in characters.
const maxEvalAnswer = 2000

// skipRating is the rating an open question's Skip button carries.
const skipRating = 0

// cmdEvaluation starts (resumes) the evaluation; "/evaluation results"
// shows coordinators what it found.
func (r *request) cmdEvaluation(args string) error {
	ev := r.course().Evaluation
	if ev == nil {
		return r.say(r.pr.T("evaluation_none"))
	}
	verb, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	switch strings.ToLower(verb) {
	case "":
	case "results", "resultados":
		if !r.allowed(coordinator) {
			return r.refuse()
		}
		return r.evaluationResults()
	case "answers", "respuestas":
		if !r.allowed(coordinator) {
			return r.refuse()
		}
		return r.evaluationAnswers(ev, strings.TrimSpace(rest))
	default:
		return r.say(r.pr.T("evaluation_usage"))
	}
	if refused, err := r.refuseEvaluationShut(ev); refused || err != nil {
		return err
	}
	answered, err := r.b.cfg.Store.EvaluationAnswered(r.ctx, r.p.ID, evalIDs(ev))
	if err != nil {
		return err
	}
	i, ok := nextEvalQuestion(ev, answered)
	if !ok {
		return r.say(r.pr.T("evaluation_completed_before"))
	}
	// Each /evaluation asks anew: the item is this update's.
	return r.askEvaluation(ev, i, "ea:"+r.eventKey()+":")
}

// refuseEvaluationShut answers politely outside the evaluation's window.
func (r *request) refuseEvaluationShut(ev *course.Evaluation) (bool, error) {
	switch {
	case !r.now.Before(ev.Closes):
		return true, r.say(r.pr.T("evaluation_closed", "Day", r.pr.Date(ev.Closes.In(r.zone()))))
	case r.now.Before(ev.Opens):
		return true, r.say(r.pr.T("evaluation_not_open", "When", r.face().instant(ev.Opens)))
	}
	return false, nil
}

func evalIDs(ev *course.Evaluation) []string {
	ids := make([]string, len(ev.Questions))
	for i, q := range ev.Questions {
		ids[i] = q.ID
	}
	return ids
}

// nextEvalQuestion is the first question not answered.
func nextEvalQuestion(ev *course.Evaluation, answered map[string]bool) (int, bool) {
	for i, q := range ev.Questions {
		if !answered[q.ID] {
			return i, true
		}
	}
	return 0, false
}

// askEvaluation sends question i through the delivery queue as item
// prefix + "~evaluation:<question>"; the first question comes with the
// evaluation's introduction.
func (r *request) askEvaluation(ev *course.Evaluation, i int, prefix string) error {
	q := &ev.Questions[i]
	lang := r.pr.Lang
	head := fmt.Sprintf("(%d/%d) %s", i+1, len(ev.Questions), q.Text.In(lang))
	var rep Reply
	if q.Kind == course.RatingQuestion {
		rep.Quiz = r.ratingPoll(ev, q, head)
	} else {
		// The wait is noted before the question goes out, so that an
		// answer typed at once is taken as one.
		if err := r.b.cfg.Store.AwaitEvaluation(r.ctx, r.p.ID, q.ID, awaitFor); err != nil {
			return err
		}
		skip := Button{Label: r.pr.T("button_evaluation_skip"), Data: r.b.signEval(r.p.ID, q.ID, skipRating)}
		rep.Text, rep.Buttons = head+"\n"+r.pr.T("evaluation_type_answer"), [][]Button{{skip}}
	}
	if i == 0 {
		intro := r.pr.T("evaluation_intro", "Title", ev.Title.In(lang), "Intro", ev.Intro.In(lang),
			"Questions", r.pr.N("count_questions", len(ev.Questions)))
		rep.Text = strings.TrimSpace(intro + "\n\n" + rep.Text)
	}
	return r.deliver(prefix+evaluationRef+":"+q.ID, rep, ev.Closes)
}

// ratingPoll is a rating question: a regular, non-anonymous poll where
// the platform has one, else one signed button per point of the scale.
func (r *request) ratingPoll(ev *course.Evaluation, q *course.EvalQuestion, head string) *QuizPoll {
	poll := &QuizPoll{
		Question: head, Survey: true, CloseAt: ev.Closes,
		Ref: PollRef{Participant: string(r.p.ID), Quiz: evaluationRef, Question: q.ID},
	}
	for n, label := range ev.Scale {
		text := label.In(r.pr.Lang)
		poll.Options = append(poll.Options, text)
		poll.Buttons = append(poll.Buttons, Button{Label: text, Data: r.b.signEval(r.p.ID, q.ID, n+1)})
	}
	return poll
}

// signEval makes the data of an evaluation button, "ev:<question>:<n>:<mac>"
// (n a rating, or skipRating), bound to participant p as quiz answers
// are (see signAnswer). The signed body names the evaluation, so that
// no quiz button's signature fits it.
func (b *Bot) signEval(p store.ParticipantID, question string, n int) string {
	body := question + ":" + strconv.Itoa(n)
	return "ev:" + body + ":" + b.mac(p, evaluationRef+":"+body)
}

// verifyEval reads the data of an evaluation button made for p.
func (b *Bot) verifyEval(p store.ParticipantID, data string) (question string, n int, ok bool) {
	parts := strings.Split(data, ":")
	if len(parts) != 4 || parts[0] != "ev" {
		return "", 0, false
	}
	body := parts[1] + ":" + parts[2]
	if !hmac.Equal([]byte(parts[3]), []byte(b.mac(p, evaluationRef+":"+body))) {
		return "", 0, false
	}
	n, err := strconv.Atoi(parts[2])
	return parts[1], n, err == nil
}

// evaluationButton handles a pressed rating or Skip button.
func (r *request) evaluationButton() error {
	qid, n, ok := r.b.verifyEval(r.p.ID, r.u.Choice)
	ev := r.course().Evaluation
	var q *course.EvalQuestion
	if ok && ev != nil {
		q, _, ok = ev.Question(qid)
	}
	if ok && q.Kind == course.RatingQuestion {
		ok = n >= 1 && n <= len(ev.Scale)
	} else if ok {
		ok = n == skipRating
	}
	if !ok {
		r.b.log.Warn("refused forged evaluation button", "platform", r.u.Platform, "user", r.u.UserID)
		return r.say(r.pr.T("answer_forged"))
	}
	return r.recordEvaluation(ev, q, n, "", true)
}

// evaluationVote handles a vote in a rating question's poll.
func (r *request) evaluationVote(qid string) error {
	ev := r.course().Evaluation
	if ev == nil {
		return r.refuseAnswer("evaluation_none")
	}
	q, _, ok := ev.Question(qid)
	opt := r.u.Poll.Options[0]
	if !ok || q.Kind != course.RatingQuestion || opt < 0 || opt >= len(ev.Scale) {
		return r.refuseAnswer("answer_forged_poll")
	}
	return r.recordEvaluation(ev, q, opt+1, "", false)
}

// evaluationText takes a typed message as the answer to the open
// question the sender was asked; handled is false when none waits for it.
func (r *request) evaluationText() (handled bool, err error) {
	ev := r.course().Evaluation
	// Past its window plus the longest wait, nothing can be awaited:
	// the store is not asked on every message for the rest of time.
	if r.p == nil || ev == nil || r.now.Before(ev.Opens) || !r.now.Before(ev.Closes.Add(awaitFor)) {
		return false, nil
	}
	qid, err := r.b.cfg.Store.AwaitedEvaluation(r.ctx, r.p.ID)
	if err != nil || qid == "" {
		return false, err
	}
	q, _, ok := ev.Question(qid)
	if !ok || q.Kind != course.OpenQuestion {
		return false, nil // the course was edited meanwhile
	}
	text := strings.TrimSpace(r.u.Text)
	if n := utf8.RuneCountInString(text); n > maxEvalAnswer {
		return true, r.say(r.pr.T("evaluation_too_long", "Count", n, "Max", maxEvalAnswer))
	}
	return true, r.recordEvaluation(ev, q, 0, text, true)
}

// recordEvaluation records one answer (a rating, a text, or a skip: a
// zero rating without text) and asks the next question, or thanks. told
// says the person answered in the chat (a button, a text), not in a poll,
// which shows their choice itself.
func (r *request) recordEvaluation(ev *course.Evaluation, q *course.EvalQuestion, rating int, text string, told bool) error {
	if err := r.loadRecord(); err != nil {
		return err
	}
	if !ev.OpenAt(r.now) {
		// Later messages are questions for the support desk again.
		if err := r.b.cfg.Store.EndEvaluationWait(r.ctx, r.p.ID); err != nil {
			return err
		}
		_, err := r.refuseEvaluationShut(ev)
		return err
	}
	res, err := r.b.cfg.Store.RecordEvaluation(r.ctx, store.EvalAnswer{
		Participant: r.p.ID, Question: q.ID, Rating: rating, Text: text,
		Lang: string(r.pr.Lang), At: r.now, Questions: len(ev.Questions),
	})
	if err != nil {
		return err
	}
	if err := r.confirmEvaluation(ev, res, rating, text, told); err != nil {
		return err
	}
	answered, err := r.b.cfg.Store.EvaluationAnswered(r.ctx, r.p.ID, evalIDs(ev))
	if err != nil {
		return err
	}
	if i, ok := nextEvalQuestion(ev, answered); ok {
		// Named by the question alone: asked once, even when the
		// answer before it is delivered again.
		return r.askEvaluation(ev, i, "eq:")
	}
	thanks := Reply{Text: r.pr.T("evaluation_thanks")}
	return r.deliver("ed:"+evaluationRef, thanks, r.now.Add(noticeLife))
}

// confirmEvaluation says what became of an answer: noted, or refused as
// the question had one. A poll vote delivered again is not mentioned;
// another option chosen in the same poll is, since the poll now shows it.
func (r *request) confirmEvaluation(ev *course.Evaluation, res store.EvalRecorded, rating int, text string, told bool) error {
	switch {
	case !res.New && (told || rating != res.Prior):
		return r.say(r.pr.T("evaluation_already"))
	case !res.New || !told:
		return nil
	case rating > 0:
		return r.say(r.pr.T("evaluation_noted_rating", "Rating", ev.Scale[rating-1].In(r.pr.Lang)))
	case text == "":
		return r.say(r.pr.T("evaluation_skipped"))
	}
	return r.say(r.pr.T("evaluation_noted_text"))
}
