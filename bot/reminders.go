package bot

import (
	"slices"
	"strings"
	"time"
)

// offsetChoices are the reminder offsets a participant may pick from.
func offsetChoices() []time.Duration {
	return []time.Duration{24 * time.Hour, time.Hour, 15 * time.Minute}
}

// cmdReminders: "/reminders" shows the settings with buttons,
// "/reminders on|off" switches them, "/reminders 24h 15m" picks offsets.
func (r *request) cmdReminders(args string) error {
	switch strings.ToLower(args) {
	case "":
		return r.showReminders()
	case "on", "off":
		return r.setReminders(strings.EqualFold(args, "on"), r.p.ReminderOffsets)
	}
	var offsets []time.Duration
	for _, f := range strings.Fields(args) {
		d, err := time.ParseDuration(f)
		if err != nil || !slices.Contains(offsetChoices(), d) {
			return r.say(r.pr.T("reminders_usage"))
		}
		if !slices.Contains(offsets, d) {
			offsets = append(offsets, d)
		}
	}
	return r.setReminders(true, offsets)
}

// offsets is what the participant gets: their choice, else the course's.
func (r *request) offsets() []time.Duration {
	if len(r.p.ReminderOffsets) > 0 {
		return r.p.ReminderOffsets
	}
	return r.course().Reminders.Offsets
}

func (r *request) showReminders() error {
	state := r.pr.T("reminders_off")
	if r.p.Reminders {
		state = r.pr.T("reminders_on", "Offsets", r.offsetNames(r.offsets()))
	}
	rows := [][]Button{{{Label: r.pr.T("button_reminders_on"), Data: "rem:on"}, {Label: r.pr.T("button_reminders_off"), Data: "rem:off"}}}
	var row []Button
	for _, d := range offsetChoices() {
		mark := "○ "
		if slices.Contains(r.offsets(), d) {
			mark = "✓ "
		}
		row = append(row, Button{Label: mark + timeLeft(r.pr, d), Data: "rem:" + d.String()})
	}
	return r.say(state, append(rows, row)...)
}

// reminderChoice handles the buttons of /reminders: on, off, or an
// offset to add or remove.
func (r *request) reminderChoice(value string) error {
	if value == "on" || value == "off" {
		return r.setReminders(value == "on", r.p.ReminderOffsets)
	}
	d, err := time.ParseDuration(value)
	if err != nil || !slices.Contains(offsetChoices(), d) {
		return r.say(r.pr.T("reminders_usage"))
	}
	offsets := slices.Clone(r.offsets())
	if i := slices.Index(offsets, d); i >= 0 {
		offsets = slices.Delete(offsets, i, i+1)
	} else {
		offsets = append(offsets, d)
	}
	if len(offsets) == 0 {
		return r.setReminders(false, nil)
	}
	return r.setReminders(true, offsets)
}

func (r *request) setReminders(on bool, offsets []time.Duration) error {
	if err := r.b.cfg.Store.SetReminders(r.ctx, r.p.ID, on, offsets); err != nil {
		return err
	}
	r.p.Reminders, r.p.ReminderOffsets = on, offsets
	return r.showReminders()
}

func (r *request) offsetNames(ds []time.Duration) string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = timeLeft(r.pr, d)
	}
	return strings.Join(names, ", ")
}
