package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/elmabot/elmabot/schedule"
)

// offsetChoices are the reminder offsets a participant may pick from.
func offsetChoices() []time.Duration {
	return []time.Duration{24 * time.Hour, time.Hour, 15 * time.Minute}
}

// digestWords are what "/reminders" takes for the morning digest.
func digestWords() []string { return []string{"digest", "resumen"} }

// digestButton is the data of the digest's button in /reminders.
const digestButton = "digest"

// cmdReminders: "/reminders" shows the settings with buttons,
// "/reminders on|off" switches them, "/reminders 24h 15m digest" picks
// offsets and the morning digest.
func (r *request) cmdReminders(args string) error {
	switch strings.ToLower(args) {
	case "":
		return r.showReminders()
	case "on", "off":
		return r.setReminders(strings.EqualFold(args, "on"), r.p.ReminderOffsets, r.p.Digest)
	}
	offsets, digest := []time.Duration{}, false
	for _, f := range strings.Fields(strings.ToLower(args)) {
		if slices.Contains(digestWords(), f) {
			digest = true
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || !slices.Contains(offsetChoices(), d) {
			return r.say(r.pr.T("reminders_usage"))
		}
		if !slices.Contains(offsets, d) {
			offsets = append(offsets, d)
		}
	}
	return r.setReminders(true, offsets, digest)
}

func (r *request) showReminders() error {
	rows := [][]Button{{{Label: r.pr.T("button_reminders_on"), Data: "rem:on"}, {Label: r.pr.T("button_reminders_off"), Data: "rem:off"}}}
	var row []Button
	for _, d := range offsetChoices() {
		row = append(row, Button{Label: mark(r.b.wantsOffset(r.p, d)) + timeLeft(r.pr, d), Data: "rem:" + d.String()})
	}
	digest := Button{Label: mark(r.p.Digest) + r.pr.T("button_digest", "Time", r.digestTime()), Data: "rem:" + digestButton}
	return r.say(r.remindersState(), append(rows, row, []Button{digest})...)
}

// mark is the sign before a choice's label: chosen or not.
func mark(on bool) string {
	if on {
		return "✓ "
	}
	return "○ "
}

// remindersState describes what the participant gets and when.
func (r *request) remindersState() string {
	if !r.p.Reminders {
		return r.pr.T("reminders_off")
	}
	offsets := r.b.offsetsOf(r.p)
	lines := []string{r.pr.T("reminders_on", "Offsets", r.offsetNames(offsets))}
	if len(offsets) == 0 {
		lines[0] = r.pr.T("reminders_on_no_sessions")
	}
	if r.p.Digest {
		lines = append(lines, r.pr.T("reminders_digest", "Time", r.digestTime()))
	} else if len(r.p.Electives) == 0 && r.course().Reminders.NoChoiceGetsAll {
		lines = append(lines, r.pr.T("reminders_no_electives", "Time", r.digestTime()))
	}
	return strings.Join(append(lines, r.quietState()), "\n")
}

// digestTime is when the morning digest comes, in the participant's zone.
func (r *request) digestTime() string {
	return schedule.FormatClock(r.course().Reminders.Hours.Digest)
}

// reminderChoice handles the buttons of /reminders: on, off, the digest,
// or an offset to add or remove. Taking away the last choice turns
// reminders off.
func (r *request) reminderChoice(value string) error {
	offsets, digest := r.p.ReminderOffsets, r.p.Digest
	switch value {
	case "on", "off":
		return r.setReminders(value == "on", offsets, digest)
	case digestButton:
		digest = !digest
	default:
		d, err := time.ParseDuration(value)
		if err != nil || !slices.Contains(offsetChoices(), d) {
			return r.say(r.pr.T("reminders_usage"))
		}
		offsets = slices.Clone(r.b.offsetsOf(r.p))
		if i := slices.Index(offsets, d); i >= 0 {
			offsets = slices.Delete(offsets, i, i+1)
		} else {
			offsets = append(offsets, d)
		}
	}
	if offsets != nil && len(offsets) == 0 && !digest {
		return r.setReminders(false, nil, false)
	}
	return r.setReminders(true, offsets, digest)
}

// setReminders stores the choice and shows it. offsets nil means the
// course's; empty, none (with the digest). Nothing chosen at all falls
// back to the course's offsets.
func (r *request) setReminders(on bool, offsets []time.Duration, digest bool) error {
	if len(offsets) == 0 && !digest {
		offsets = nil
	}
	if err := r.b.cfg.Store.SetReminders(r.ctx, r.p.ID, on, offsets); err != nil {
		return err
	}
	if err := r.b.cfg.Store.SetDigest(r.ctx, r.p.ID, digest); err != nil {
		return err
	}
	r.p.Reminders, r.p.ReminderOffsets, r.p.Digest = on, offsets, digest
	return r.showReminders()
}

func (r *request) offsetNames(ds []time.Duration) string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = timeLeft(r.pr, d)
	}
	return strings.Join(names, ", ")
}
