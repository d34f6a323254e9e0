package store

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/elmabot/elmabot/quiz"
)

// Answer fields name their quiz by a 4-character code derived from the
// quiz id (base 62 of its FNV-1a hash), not by the id itself: an answer
// then costs about 18 bytes of Redis memory however long the quiz ids
// are. The code is a pure function of the id, so no counter or cache
// can ever attribute an answer to the wrong quiz.
//
// The registry <prefix>:quizzes maps codes back to ids for AllAnswers.
// A quiz is registered the first time a process records an answer to it
// (one extra round trip per quiz and process). Two quiz ids with the
// same code are refused loudly; among 25 quizzes that happens with a
// probability of about 2 in 100,000, and renaming either quiz fixes it.
const (
	quizCodeLength = 4
	base62         = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// QuizCode returns the code under which answers to q are kept. A course
// checker may use it to make sure no two quizzes of a bank share one.
func QuizCode(q quiz.ID) string {
	h := fnv.New64a()
	h.Write([]byte(q))
	n := h.Sum64()
	var b [quizCodeLength]byte
	for i := range b {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b[:])
}

// registerQuiz makes sure the registry maps q's code to q.
func (s *Store) registerQuiz(ctx context.Context, q quiz.ID) (code string, err error) {
	code = QuizCode(q)
	if known, ok := s.quizzes.Load(code); ok && known.(quiz.ID) == q {
		return code, nil
	}
	owner, err := s.scripts.claimField.Run(ctx, s.client, []string{s.quizzesKey()}, code, string(q)).Text()
	if err != nil {
		return "", s.fail(ctx, "register quiz", err)
	}
	if quiz.ID(owner) != q {
		return "", fmt.Errorf("store: quizzes %q and %q share the answer code %s; rename one", owner, q, code)
	}
	s.quizzes.Store(code, q)
	return code, nil
}

// quizByCode returns the quiz a code stands for, reading the registry
// when this process has not seen the code yet.
func (s *Store) quizByCode(ctx context.Context, code string) (quiz.ID, error) {
	if q, ok := s.quizzes.Load(code); ok {
		return q.(quiz.ID), nil
	}
	all, err := s.client.HGetAll(ctx, s.quizzesKey()).Result()
	if err != nil {
		return "", s.fail(ctx, "read quiz registry", err)
	}
	for c, q := range all {
		if QuizCode(quiz.ID(q)) == c {
			s.quizzes.Store(c, quiz.ID(q))
		}
	}
	if q, ok := s.quizzes.Load(code); ok {
		return q.(quiz.ID), nil
	}
	return "", fmt.Errorf("store: answer code %s names no registered quiz", code)
}
