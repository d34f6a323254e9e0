package bot

import (
	"context"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// terms are the quizzes and rules as they apply to one participant: the
// course's, with the deadlines coordinators extended (/extend) for
// everyone and for them.
type terms struct {
	bank  *quiz.Bank
	rules quiz.Rules
}

// termsFor reads the extensions that apply to participant id ("" for
// those given to everyone only) and applies them to course c.
func (b *Bot) termsFor(ctx context.Context, c *course.Course, id store.ParticipantID) (terms, error) {
	x, err := b.cfg.Store.Extensions(ctx, id)
	if err != nil {
		return terms{}, err
	}
	xs := []quiz.Extensions{extensionsOf(x.Everyone), extensionsOf(x.Own)}
	return terms{bank: c.Bank.Extended(xs...), rules: c.Rules.Extended(xs...)}, nil
}

func extensionsOf(m map[string]time.Time) quiz.Extensions {
	x := make(quiz.Extensions, len(m))
	for id, t := range m {
		x[quiz.ID(id)] = t
	}
	return x
}

// terms are the sender's terms, read once per update.
func (r *request) terms() (terms, error) {
	if r.t != nil {
		return *r.t, nil
	}
	var id store.ParticipantID
	if r.p != nil {
		id = r.p.ID
	}
	t, err := r.b.termsFor(r.ctx, r.course(), id)
	if err == nil {
		r.t = &t
	}
	return t, err
}

// quizFor finds quiz id as it applies to the sender.
func (r *request) quizFor(id quiz.ID) (*quiz.Quiz, bool, error) {
	t, err := r.terms()
	if err != nil {
		return nil, false, err
	}
	q, ok := t.bank.Quiz(id)
	return q, ok, nil
}
