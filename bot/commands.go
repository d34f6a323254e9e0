package bot

import (
	"sort"
)

// role is who may run a command.
type role int

const (
	anyone      role = iota // registered or not
	participant             // a registered participant
	coordinator             // course staff
)

// commandSpec describes one slash command. Its description in each
// language is the message "cmd_<name>".
type commandSpec struct {
	name string
	role role
	run  func(r *request, args string) error
}

// commandTable is every command the bot understands, in menu order.
func commandTable() []commandSpec {
	return []commandSpec{
		{"start", anyone, (*request).cmdStart},
		{"register", anyone, (*request).cmdRegister},
		{"help", anyone, (*request).cmdHelp},
		{"language", anyone, (*request).cmdLanguage},
		{"quiz", participant, (*request).cmdQuiz},
		{"progress", participant, (*request).cmdProgress},
		{"review", participant, (*request).cmdReview},
		{"agenda", participant, (*request).cmdAgenda},
		{"next", participant, (*request).cmdNext},
		{"calendar", participant, (*request).cmdCalendar},
		{"electives", participant, (*request).cmdElectives},
		{"timezone", participant, (*request).cmdTimeZone},
		{"reminders", participant, (*request).cmdReminders},
		{"quiet", participant, (*request).cmdQuiet},
		{"name", participant, (*request).cmdName},
		{"link", participant, (*request).cmdLink},
		{"human", participant, (*request).cmdHuman},
		{"evaluation", participant, (*request).cmdEvaluation},
		{"questions", coordinator, (*request).cmdQuestions},
		{"answer", coordinator, (*request).cmdAnswer},
		{"broadcast", coordinator, (*request).cmdBroadcast},
		{"remind", coordinator, (*request).cmdRemind},
		{"scheduled", coordinator, (*request).cmdScheduled},
		{"find", coordinator, (*request).cmdFind},
		{"essay", coordinator, (*request).cmdEssay},
		{"extend", coordinator, (*request).cmdExtend},
		{"grade", coordinator, (*request).cmdGrade},
		{"stats", coordinator, (*request).cmdStats},
		{"participant", coordinator, (*request).cmdParticipant},
		{"export", coordinator, (*request).cmdExport},
	}
}

// command runs a command after checking, in this one place, that the
// sender may run it.
func (r *request) command(name, args string) error {
	for _, c := range commandTable() {
		if c.name != name {
			continue
		}
		if !r.allowed(c.role) {
			return r.refuse()
		}
		return c.run(r, args)
	}
	return r.say(r.pr.T("unknown_command", "Name", name))
}

// allowed reports whether the sender holds role. A coordinator is on
// the roster as one, or holds the platform's staff role (Update.Staff);
// either way they have a participant's record, which coordinator tools
// act under.
func (r *request) allowed(need role) bool {
	switch need {
	case participant:
		return r.p != nil
	case coordinator:
		return r.p != nil && (r.p.Coordinator || r.u.Staff)
	}
	return true
}

// refuse tells the sender why a command is not theirs to run.
func (r *request) refuse() error {
	if r.p == nil {
		return r.say(r.pr.T("need_registration"))
	}
	return r.say(r.pr.T("coordinators_only"))
}

// Commands lists the commands a participant sees in menus, in lang.
func (b *Bot) Commands(lang string) []CommandInfo {
	var out []CommandInfo
	for _, c := range b.AllCommands(lang) {
		if !c.Staff {
			out = append(out, c)
		}
	}
	return out
}

// AllCommands lists every command in lang, the coordinators' marked
// Staff, for platforms that can hide those from participants.
func (b *Bot) AllCommands(lang string) []CommandInfo {
	pr := b.cfg.Catalog.Printer(hintLang(lang))
	var out []CommandInfo
	for _, c := range commandTable() {
		out = append(out, b.commandInfo(pr, c))
	}
	return out
}

// helpLines lists the commands the sender may run, sorted by role then menu order.
func (r *request) helpLines() []string {
	specs := commandTable()
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].role < specs[j].role })
	var lines []string
	for _, c := range specs {
		if r.allowed(c.role) {
			lines = append(lines, "/"+c.name+" — "+r.pr.T("cmd_"+c.name))
		}
	}
	return lines
}
