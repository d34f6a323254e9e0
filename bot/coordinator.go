package bot

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elmabot/elmabot/store"
)

// cmdAnswer replies to a participant's question and closes it:
// "/answer s4 The recordings are on the course page."
func (r *request) cmdAnswer(args string) error {
	qid, text, _ := strings.Cut(args, " ")
	qid, text = strings.TrimPrefix(qid, "#"), strings.TrimSpace(text)
	if qid == "" || text == "" {
		return r.say(r.pr.T("answer_usage"))
	}
	qs, err := r.b.cfg.Store.OpenQuestions(r.ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(qs, func(q store.SupportQuestion) bool { return q.ID == qid })
	if i < 0 {
		return r.say(r.pr.T("question_unknown", "ID", qid))
	}
	p, err := r.b.cfg.Store.Participant(r.ctx, qs[i].Participant)
	if err != nil {
		return err
	}
	pr := r.b.cfg.Catalog.Printer(langOf(&p))
	reply := pr.T("answer_header", "Question", qs[i].Text) + "\n\n" + text
	if err := r.tell(&p, "ans:"+qid, reply); err != nil {
		return err
	}
	if err := r.b.cfg.Store.CloseQuestion(r.ctx, qid); err != nil {
		return err
	}
	return r.say(r.pr.T("answer_sent", "Name", p.Name, "ID", qid))
}

// findLimit is how many people /find lists.
const findLimit = 20

// cmdFind lists participants with a name word starting with each given
// word, from the store's name index.
func (r *request) cmdFind(args string) error {
	if fold(args) == "" {
		return r.say(r.pr.T("find_usage"))
	}
	found, err := r.b.cfg.Store.FindByName(r.ctx, args, findLimit)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return r.say(r.pr.T("find_none"))
	}
	lines := make([]string, len(found))
	for i, p := range found {
		lines[i] = fmt.Sprintf("%s · %s · %s · %s", p.ID, p.Name, orDash(p.Cohort), p.Lang)
	}
	return r.say(strings.Join(lines, "\n"))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// target reads the participant id a coordinator command starts with. ok
// is false when there is none or it is unknown; the coordinator has then
// been told, with usage as the help.
func (r *request) target(args, usage string) (p *store.Participant, rest string, ok bool, err error) {
	id, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	if id == "" {
		return nil, "", false, r.say(usage)
	}
	found, err := r.b.cfg.Store.Participant(r.ctx, store.ParticipantID(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", false, r.say(r.pr.T("participant_unknown", "ID", id))
	}
	if err != nil {
		return nil, "", false, err
	}
	return &found, strings.TrimSpace(rest), true, nil
}

// cmdEssay records that a participant submitted the final essay on the
// eCampus: "/essay p12".
func (r *request) cmdEssay(args string) error {
	p, _, ok, err := r.target(args, r.pr.T("essay_usage"))
	if !ok {
		return err
	}
	if err := r.b.cfg.Store.SubmitEssay(r.ctx, p.ID, r.now); err != nil {
		return err
	}
	return r.say(r.pr.T("essay_recorded", "Name", p.Name))
}

// noticeLife is how long a notice to a participant (a reply to their
// question, their grade) is retried before it is given up.
const noticeLife = 7 * 24 * time.Hour

// tell sends text to participant p through the delivery queue, as item:
// it reaches them once, in whichever app they use, even if this process
// dies or their app refuses it for a while.
func (r *request) tell(p *store.Participant, item, text string) error {
	msg := directMsg{To: p.ID, Reply: Reply{Text: text}, Expires: r.now.Add(noticeLife).UnixMilli()}
	_, _, err := r.b.sendOnce(r.ctx, item, string(p.ID), msg)
	return err
}

// eventKey names the update being handled, for items that must be new
// per update but the same when the update is delivered again.
func (r *request) eventKey() string {
	if r.u.ID != "" {
		return r.u.ID
	}
	return strconv.FormatInt(r.now.UnixNano(), 36)
}
