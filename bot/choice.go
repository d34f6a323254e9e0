package bot

import (
	"strings"

	"github.com/elmabot/elmabot/quiz"
)

// choice routes a pressed button by the prefix of its data.
func (r *request) choice() error {
	kind, value, _ := strings.Cut(r.u.Choice, ":")
	if kind == "lang" {
		return r.languageChoice(value)
	}
	if r.p == nil {
		return r.refuse()
	}
	switch kind {
	case "a":
		return r.answerButton(r.u.Choice)
	case "ev":
		return r.evaluationButton()
	case "q":
		answers, err := r.b.cfg.Store.AllAnswers(r.ctx, r.p.ID)
		if err != nil {
			return err
		}
		return r.startQuiz(quiz.ID(value), answers)
	case "rv":
		return r.cmdReview(value)
	case "tz":
		return r.setTimeZone(value)
	case "el":
		return r.toggleElective(value)
	case "els":
		return r.electivesDone()
	case "rem":
		return r.reminderChoice(value)
	case "cmd":
		return r.command(value, "")
	case "faq":
		return r.faqChoice(value)
	case "eg":
		if !r.allowed(coordinator) {
			return r.refuse()
		}
		return r.gradeChoice()
	case "bc":
		if !r.allowed(coordinator) {
			return r.refuse()
		}
		return r.broadcastChoice(value)
	case "sc":
		if !r.allowed(coordinator) {
			return r.refuse()
		}
		return r.scheduledChoice(value)
	}
	r.b.log.Warn("unknown button data", "platform", r.u.Platform, "user", r.u.UserID)
	return r.say(r.pr.T("answer_forged"))
}
