package bot

import (
	"slices"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
)

// Plan lists every send of course c in due order. Reminders are planned
// at every offset a participant may choose, not only the course's
// defaults: each reminder then goes to those whose choice (or, without
// one, the course's default) includes its offset.
func Plan(c *course.Course) []schedule.Send {
	rem := c.Reminders
	rem.Offsets = slices.Clone(rem.Offsets)
	for _, off := range offsetChoices() {
		if !slices.Contains(rem.Offsets, off) {
			rem.Offsets = append(rem.Offsets, off)
		}
	}
	plan := schedule.Plan(&c.Agenda, &c.Bank, schedule.PlanSettings{Reminders: rem, CourseEnd: c.End})
	return withEvaluation(plan, c.Evaluation)
}

// planIndex is the plan of one course by send id.
type planIndex struct {
	course *course.Course
	sends  map[string]schedule.Send
	local  []schedule.Send // the sends at a local hour: digests, nudges, the summary
}

// planned finds a send of the course being served by its id. The index
// is rebuilt when the course changes (a reload).
func (b *Bot) planned(id string) (schedule.Send, bool) {
	s, ok := b.planIndex().sends[id]
	return s, ok
}

// planIndex is the plan of the course being served, built once per
// course.
func (b *Bot) planIndex() *planIndex {
	c := b.Course()
	idx := b.plan.Load()
	if idx == nil || idx.course != c {
		idx = &planIndex{course: c, sends: map[string]schedule.Send{}}
		for _, s := range Plan(c) {
			idx.sends[s.ID] = s
			if s.Local != 0 {
				idx.local = append(idx.local, s)
			}
		}
		b.plan.Store(idx)
	}
	return idx
}

// broadcastItem prefixes a broadcast's wave item: "bc:<id>".
const broadcastItem = "bc:"

// broadcastSend is the wave of a confirmed announcement, at its
// scheduled instant if it has one.
func broadcastSend(bc store.Broadcast) schedule.Send {
	at := bc.At
	if !bc.Due.IsZero() {
		at = bc.Due
	}
	return schedule.Send{ID: broadcastItem + bc.ID, Kind: schedule.Broadcast, At: at, Expires: at.Add(broadcastLife), Text: bc.Text}
}
