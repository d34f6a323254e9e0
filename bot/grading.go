package bot

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// pendingGradeLife is how long a grade waits for the coordinator to
// confirm that an essay never recorded was submitted.
const pendingGradeLife = 24 * time.Hour

// cmdGrade grades a final essay by its rubric, in rubric order:
// "/grade p12 8 25 24 7 Clear and well argued". An essay never recorded
// as submitted is graded only once the coordinator confirms that it was:
// a typo in the id must not hand a grade to someone who wrote nothing.
func (r *request) cmdGrade(args string) error {
	p, rest, ok, err := r.target(args, r.gradeUsage())
	if !ok {
		return err
	}
	g, ok := parseGrade(rest, r.course().Rules.Essay.Rubric)
	if !ok {
		return r.say(r.gradeUsage())
	}
	g.By, g.At = r.p.Name, r.now
	essay, err := r.b.cfg.Store.Essay(r.ctx, p.ID)
	if err != nil {
		return err
	}
	if !essay.Submitted {
		return r.askToRecord(p, g)
	}
	return r.grade(p, g, essay.Grade != nil, gradeItem(p.ID, g)+":"+r.eventKey())
}

// parseGrade reads one score per rubric part, then an optional note.
func parseGrade(s string, rubric []quiz.RubricPart) (store.Grade, bool) {
	fields := strings.Fields(s)
	if len(fields) < len(rubric) {
		return store.Grade{}, false
	}
	g, err := gradebook.NewGrade(fields[:len(rubric)], strings.Join(fields[len(rubric):], " "), rubric)
	return g, err == nil
}

func (r *request) gradeUsage() string {
	var parts []string
	for _, p := range r.course().Rules.Essay.Rubric {
		parts = append(parts, fmt.Sprintf("%s (0-%d)", p.Title.In(r.pr.Lang), p.Max))
	}
	return r.pr.T("grade_usage", "Parts", strings.Join(parts, ", "))
}

// askToRecord keeps the grade and asks the coordinator to confirm that
// the essay was submitted, with buttons signed for them.
func (r *request) askToRecord(p *store.Participant, g store.Grade) error {
	token, err := r.b.cfg.Store.SavePendingGrade(r.ctx, store.PendingGrade{Participant: p.ID, By: r.p.ID, Grade: g}, pendingGradeLife)
	if err != nil {
		return err
	}
	max := r.course().Rules.Essay.Max
	return r.say(r.pr.T("grade_confirm_submission", "Name", p.Name, "ID", p.ID, "Grade", g.Total, "Max", max), []Button{
		{Label: r.pr.T("button_grade_record"), Data: r.b.signFor(r.p.ID, "eg:ok:"+token)},
		{Label: r.pr.T("button_cancel"), Data: r.b.signFor(r.p.ID, "eg:no:"+token)},
	})
}

// gradeChoice handles the buttons under askToRecord's question. The
// pending grade is taken in one step, so a second press finds nothing.
func (r *request) gradeChoice() error {
	body, ok := r.b.verifyFor(r.p.ID, r.u.Choice)
	if !ok {
		return r.say(r.pr.T("button_forged"))
	}
	action, token, _ := strings.Cut(strings.TrimPrefix(body, "eg:"), ":")
	pg, err := r.b.cfg.Store.TakePendingGrade(r.ctx, token)
	if errors.Is(err, store.ErrNotFound) {
		r.closePreview()
		return r.say(r.pr.T("grade_pending_gone"))
	}
	if err != nil {
		return err
	}
	r.closePreview()
	if action != "ok" {
		return r.say(r.pr.T("grade_cancelled"))
	}
	p, err := r.b.cfg.Store.Participant(r.ctx, pg.Participant)
	if err != nil {
		return err
	}
	if err := r.b.cfg.Store.SubmitEssay(r.ctx, p.ID, r.now); err != nil {
		return err
	}
	return r.grade(&p, pg.Grade, false, "gr:"+token)
}

// grade records g, tells the participant through the delivery queue
// (as item) and confirms to the coordinator.
func (r *request) grade(p *store.Participant, g store.Grade, regrade bool, item string) error {
	totals, err := r.b.cfg.Store.GradeEssay(r.ctx, p.ID, g)
	if err != nil {
		return err
	}
	if err := r.tell(p, item, r.b.gradeNotice(p, g, totals, regrade)); err != nil {
		return err
	}
	max := r.course().Rules.Essay.Max
	return r.say(r.pr.T("grade_recorded", "Name", p.Name, "Grade", g.Total, "Max", max, "Total", r.pr.N("count_points", totals.Total)))
}

// gradeNotice tells p, in their language, the grade of each rubric part,
// the grader's note and their new total.
func (b *Bot) gradeNotice(p *store.Participant, g store.Grade, totals store.Totals, regrade bool) string {
	pr := b.cfg.Catalog.Printer(langOf(p))
	essay := b.Course().Rules.Essay
	head := "essay_graded_header"
	if regrade {
		head = "essay_regraded_header"
	}
	lines := []string{pr.T(head, "Grade", g.Total, "Max", essay.Max)}
	for _, part := range essay.Rubric {
		if n, ok := g.Parts[part.ID]; ok {
			lines = append(lines, pr.T("essay_graded_part", "Part", part.Title.In(pr.Lang), "Score", n, "Max", part.Max))
		}
	}
	if g.Note != "" {
		lines = append(lines, pr.T("essay_graded_note", "Note", g.Note))
	}
	return strings.Join(append(lines, pr.N("essay_graded_total", totals.Total)), "\n")
}

// GradeOutcome is what ImportGrade did with one grade.
type GradeOutcome int

// The outcomes of ImportGrade.
const (
	GradeRecorded     GradeOutcome = iota // recorded; the participant will be told
	GradeUnchanged                        // the current grade already says the same: nothing done
	GradeNotSubmitted                     // the essay was never recorded, and submit was false
)

// ImportGrade records a grade from a grades file. An essay never
// recorded as submitted is recorded as submitted at g.At only when
// submit is set. The notice goes into the delivery queue, where the
// running bot's delivery loop sends it; a grade the participant already
// has is left alone and not announced again, so importing a file twice
// changes nothing.
func (b *Bot) ImportGrade(ctx context.Context, id store.ParticipantID, g store.Grade, submit bool) (GradeOutcome, error) {
	p, err := b.cfg.Store.Participant(ctx, id)
	if err != nil {
		return 0, err
	}
	essay, err := b.cfg.Store.Essay(ctx, id)
	switch {
	case err != nil:
		return 0, err
	case essay.Grade != nil && gradebook.SameGrade(*essay.Grade, g):
		return GradeUnchanged, nil
	case !essay.Submitted && !submit:
		return GradeNotSubmitted, nil
	case !essay.Submitted:
		if err := b.cfg.Store.SubmitEssay(ctx, id, g.At); err != nil {
			return 0, err
		}
	}
	totals, err := b.cfg.Store.GradeEssay(ctx, id, g)
	if err != nil {
		return 0, err
	}
	return GradeRecorded, b.queueNotice(ctx, &p, gradeItem(id, g), b.gradeNotice(&p, g, totals, essay.Grade != nil))
}

// gradeItem names a grade's notice by what it says, so that the same
// grade queued twice reaches the participant once (a chat command adds
// the update it came in).
func gradeItem(id store.ParticipantID, g store.Grade) string {
	parts := make([]string, 0, len(g.Parts))
	for k, v := range g.Parts {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(parts)
	sum := sha256.Sum256([]byte(string(id) + "\x00" + strings.Join(parts, ",") + "\x00" + g.Note))
	return "gr:f:" + base64.RawURLEncoding.EncodeToString(sum[:9])
}

// queueNotice queues text for p as item, for whichever replica's
// delivery loop takes it: a process without platforms (a command-line
// tool) sends nothing itself.
func (b *Bot) queueNotice(ctx context.Context, p *store.Participant, item, text string) error {
	now := b.cfg.Clock.Now()
	msg := directMsg{To: p.ID, Reply: Reply{Text: text}, Expires: now.Add(noticeLife).UnixMilli()}
	payload, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	_, err = b.cfg.Store.Enqueue(ctx, item, []string{string(p.ID)}, now, now.Add(noticeLife), payload)
	b.poke()
	return err
}
