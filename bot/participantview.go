package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// cmdParticipant shows a coordinator one participant's whole record:
// "/participant p12" or "/participant lima".
func (r *request) cmdParticipant(args string) error {
	id, ok, err := r.whom(args)
	if !ok {
		return err
	}
	rec, err := r.b.cfg.Store.Record(r.ctx, id)
	if err != nil {
		return err
	}
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	if err != nil {
		return err
	}
	qs = slices.DeleteFunc(qs, func(q store.SupportQuestion) bool { return q.Participant != id })
	// Their own deadlines, extensions included, decide what is in reach.
	t, err := r.b.termsFor(r.ctx, r.course(), id)
	if err != nil {
		return err
	}
	sections := [][]string{r.viewWho(&rec), r.viewPoints(&rec), r.viewEssay(&rec.Essay), r.viewOutlook(&rec, t), r.viewQuestions(qs)}
	var parts []string
	for _, s := range sections {
		parts = append(parts, strings.Join(s, "\n"))
	}
	return r.say(strings.Join(parts, "\n\n"))
}

// whom finds the participant args names, by id or by name. ok is false
// when there is none, or several; the coordinator has then been told.
func (r *request) whom(args string) (store.ParticipantID, bool, error) {
	args = strings.TrimSpace(args)
	switch {
	case args == "":
		return "", false, r.say(r.pr.T("participant_usage"))
	case looksLikeID(args):
		p, _, ok, err := r.target(strings.ToLower(args), r.pr.T("participant_usage"))
		if !ok {
			return "", false, err
		}
		return p.ID, true, nil
	}
	found, err := r.b.cfg.Store.FindByName(r.ctx, args, findLimit)
	if err != nil {
		return "", false, err
	}
	switch len(found) {
	case 0:
		return "", false, r.say(r.pr.T("find_none"))
	case 1:
		return found[0].ID, true, nil
	}
	lines := make([]string, len(found))
	for i, p := range found {
		lines[i] = fmt.Sprintf("%s · %s · %s", p.ID, p.Name, orDash(p.Cohort))
	}
	return "", false, r.say(r.pr.T("participant_which", "List", strings.Join(lines, "\n")))
}

// looksLikeID tells a participant id ("p12") from a name.
func looksLikeID(s string) bool {
	if len(s) < 2 || (s[0] != 'p' && s[0] != 'P') {
		return false
	}
	return strings.Trim(s[1:], "0123456789") == ""
}

// when renders an instant as a date and time in the coordinator's zone.
func (r *request) when(t time.Time) string {
	t = t.In(r.zone())
	return r.pr.Date(t) + " " + r.pr.Clock(t)
}

// viewWho is who the participant is and how to reach them.
func (r *request) viewWho(rec *store.Record) []string {
	lines := []string{r.pr.T("pv_header", "Name", rec.Name, "ID", rec.ID, "Lang", orDash(string(rec.Lang)),
		"Cohort", orDash(rec.Cohort), "Day", r.pr.Date(rec.Created.In(r.zone())))}
	if rec.Coordinator {
		lines = append(lines, r.pr.T("pv_coordinator"))
	}
	if d := rec.Details; d.Email != "" || d.IDNumber != "" {
		lines = append(lines, r.pr.T("pv_contact", "Email", orDash(d.Email), "IDNumber", orDash(d.IDNumber)))
	}
	for _, a := range rec.Accounts {
		msg := "pv_account_unreachable"
		if a.Reachable {
			msg = "pv_account_reachable"
		}
		lines = append(lines, r.pr.T(msg, "Platform", a.Platform, "User", a.UserID))
	}
	return lines
}

// viewPoints is the total, then each quiz that concerns them.
func (r *request) viewPoints(rec *store.Record) []string {
	t := rec.Points
	lines := []string{r.pr.N("pv_points", t.Total, "Weekly", t.Weekly, "Elective", t.Elective, "Essay", t.Essay)}
	scores := gradebook.Scores(&r.course().Bank, rec.Answers)
	for i := range r.course().Bank.Quizzes {
		q := &r.course().Bank.Quizzes[i]
		s, answered := scores[q.ID]
		if q.Kind == quiz.Elective && !answered && !slices.Contains(rec.Electives, q.Elective) {
			continue
		}
		lines = append(lines, r.viewQuiz(q, s))
	}
	return lines
}

func (r *request) viewQuiz(q *quiz.Quiz, s gradebook.QuizScore) string {
	title := q.Title.In(r.pr.Lang)
	if r.now.Before(q.Opens) {
		return r.pr.T("pv_quiz_not_open", "Title", title, "Day", r.when(q.Opens))
	}
	msg := "pv_quiz_open"
	if q.ClosedAt(r.now) {
		msg = "pv_quiz_closed"
	}
	return r.pr.T(msg, "Title", title, "Points", s.Points, "Max", q.Points, "Answered", s.Answered,
		"Questions", len(q.Questions), "Day", r.when(q.Closes))
}

// viewEssay is the essay: submitted, the grade by rubric part, the note,
// and the grades a regrade replaced.
func (r *request) viewEssay(e *store.EssayState) []string {
	max := r.course().Rules.Essay.Max
	switch {
	case !e.Submitted:
		return []string{r.pr.T("pv_essay_none")}
	case e.Grade == nil:
		return []string{r.pr.T("pv_essay_submitted", "Day", r.when(e.SubmittedAt))}
	}
	g := e.Grade
	lines := []string{r.pr.T("pv_essay_graded", "Day", r.when(e.SubmittedAt), "Grade", g.Total, "Max", max, "By", g.By, "When", r.when(g.At))}
	for _, part := range r.course().Rules.Essay.Rubric {
		if n, ok := g.Parts[part.ID]; ok {
			lines = append(lines, r.pr.T("essay_graded_part", "Part", part.Title.In(r.pr.Lang), "Score", n, "Max", part.Max))
		}
	}
	if g.Note != "" {
		lines = append(lines, r.pr.T("essay_graded_note", "Note", g.Note))
	}
	for i := len(e.History) - 1; i >= 0; i-- {
		old := e.History[i]
		lines = append(lines, r.pr.T("pv_essay_earlier", "Grade", old.Total, "Max", max, "By", old.By, "When", r.when(old.At), "Note", old.Note))
	}
	return lines
}

// viewOutlook is the certificate held and what is still within reach.
func (r *request) viewOutlook(rec *store.Record, t terms) []string {
	p := t.rules.Progress(gradebook.Standing(rec.Points, rec.Essay, rec.Answers), t.bank, r.now)
	lines := []string{r.pr.T("pv_tier_" + p.Tier.String())}
	if p.Tier == quiz.Achievement {
		return lines
	}
	lines = append(lines, r.pr.N("pv_reachable", p.Reachable))
	if p.EssayMissing {
		lines = append(lines, r.pr.T("pv_essay_missing"))
	}
	switch {
	case p.AchievementPossible:
		lines = append(lines, r.pr.T("pv_outlook_achievement"))
	case p.Tier == quiz.Participation:
		lines = append(lines, r.pr.T("pv_outlook_participation_held"))
	case p.ParticipationPossible:
		lines = append(lines, r.pr.T("pv_outlook_participation"))
	default:
		lines = append(lines, r.pr.T("pv_outlook_none"))
	}
	return lines
}

// viewQuestions lists their open support questions.
func (r *request) viewQuestions(qs []store.SupportQuestion) []string {
	if len(qs) == 0 {
		return []string{r.pr.T("questions_none")}
	}
	lines := []string{r.pr.N("pv_questions", len(qs))}
	for _, q := range qs {
		lines = append(lines, fmt.Sprintf("%s · %s: %s", q.ID, r.when(q.At), clipRunes(q.Text, 200)))
	}
	return lines
}

// clipRunes shortens text to n characters, marking the cut.
func clipRunes(text string, n int) string {
	rs := []rune(text)
	if len(rs) <= n {
		return text
	}
	return string(rs[:n]) + "…"
}
