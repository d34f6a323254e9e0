package bot

import "github.com/elmabot/elmabot/store"

// SignEvalForTest exposes the signing of evaluation buttons (a rating
// n, or 0 to skip) to the tests, which replay and forge them.
func SignEvalForTest(b *Bot, p store.ParticipantID, question string, n int) string {
	return b.signEval(p, question, n)
}
