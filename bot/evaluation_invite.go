package bot

import (
	"context"
	"slices"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// evaluationItem prefixes the invitation wave's id: "evaluation:<opens>".
const evaluationItem = "evaluation:"

// inviteFor is how long the invitation is news: a bot back from
// downtime still invites within three days of the opening, not later
// (participants can always send /evaluation).
const inviteFor = 72 * time.Hour

// withEvaluation adds the invitation to the final evaluation to plan,
// keeping it in due order. The id holds the opening instant: moving the
// opening in the course files makes a new invitation.
func withEvaluation(plan []schedule.Send, ev *course.Evaluation) []schedule.Send {
	if ev == nil {
		return plan
	}
	expires := ev.Opens.Add(inviteFor)
	if ev.Closes.Before(expires) {
		expires = ev.Closes
	}
	s := schedule.Send{
		ID:   evaluationItem + ev.Opens.UTC().Format("20060102T1504Z"),
		Kind: schedule.EvaluationOpens, At: ev.Opens, Expires: expires,
	}
	plan = append(plan, s)
	slices.SortStableFunc(plan, func(a, b schedule.Send) int { return a.At.Compare(b.At) })
	return plan
}

// evaluationInvite writes the invitation for p: participants only, and
// not those who have answered every question already.
func (b *Bot) evaluationInvite(ctx context.Context, p *store.Participant, f face) (string, error) {
	pr := f.pr
	ev := b.Course().Evaluation
	if ev == nil || p.Coordinator {
		return "", nil
	}
	answered, err := b.cfg.Store.EvaluationAnswered(ctx, p.ID, evalIDs(ev))
	if err != nil {
		return "", err
	}
	if _, ok := nextEvalQuestion(ev, answered); !ok {
		return "", nil
	}
	when := f.instant(ev.Closes)
	return pr.N("evaluation_invite", len(ev.Questions), "Title", ev.Title.In(pr.Lang), "When", when), nil
}
