package bot

import (
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// SignAnswerForTest exposes button signing to the tests, which need the
// data a participant's button carries.
func SignAnswerForTest(b *Bot, p store.ParticipantID, q quiz.ID, question string, option int) string {
	return b.signAnswer(p, answerData{Quiz: q, Question: question, Option: option})
}
