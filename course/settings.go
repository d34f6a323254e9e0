package course

import (
	"time"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/schedule"
)

// settings converts course.yaml. It returns nil when the time zone or the
// dates are unusable, since every later file depends on them.
func (l *loader) settings(cf *courseFile) *Course {
	f := courseName
	c := &Course{
		ID: cf.ID, Code: cf.Code,
		Title:      l.text(f, cf.Line, cf.Title, "title"),
		ECampus:    cf.ECampus,
		Recordings: cf.Recordings,
		Webinars:   cf.Webinars,
		Contact:    l.text(f, cf.Line, cf.Contact, "contact"),
		Languages:  l.langs(f, cf.Line, cf.Languages, "languages"),
	}
	for _, req := range []struct{ name, value string }{{"id", cf.ID}, {"ecampus", cf.ECampus}} {
		if req.value == "" {
			l.probs.Add(l.name(f), int(cf.Line), "%s is missing", req.name)
		}
	}
	loc, err := time.LoadLocation(cf.TimeZone)
	if err != nil || cf.TimeZone == "" {
		l.probs.Add(l.name(f), int(cf.Line), "time_zone: %q is not an IANA time zone such as Europe/Rome", cf.TimeZone)
		return nil
	}
	c.Location = loc
	c.Agenda.Location = loc
	start, ok1 := l.wallTime(f, cf.Line, loc, cf.Start, "00:00", "start")
	last, ok2 := l.wallTime(f, cf.Line, loc, cf.End, "00:00", "end")
	if !ok1 || !ok2 {
		return nil
	}
	c.Start = start
	c.End = last.In(loc).AddDate(0, 0, 1).UTC()
	if !c.End.After(c.Start) {
		l.probs.Add(l.name(f), int(cf.Line), "end %s is before start %s", cf.End, cf.Start)
	}
	c.Rules = l.rules(cf, loc)
	l.quizWindows(c, &cf.Quizzes)
	c.Reminders = l.reminderSettings(&cf.Reminders)
	return c
}

func (l *loader) rules(cf *courseFile, loc *time.Location) quiz.Rules {
	f := courseName
	cert, pts := cf.Certificates, cf.Points
	r := quiz.Rules{
		Participation:         cert.Participation,
		Achievement:           cert.Achievement,
		AchievementNeedsEssay: cert.AchievementRequiresEssay,
		WeeklyCount:           pts.Weekly.Count,
		WeeklyPoints:          pts.Weekly.Points,
		ElectivePoints:        pts.Elective.Points,
		Essay:                 quiz.EssayRules{Max: pts.Essay.Max},
	}
	l.mark("weekly", pts.Weekly.Line)
	l.mark("certificates", cert.Line)
	l.mark("essay", pts.Essay.Line)
	if r.Participation <= 0 || r.Achievement <= r.Participation {
		l.probs.Add(l.name(f), int(cert.Line), "certificates: need 0 < participation < achievement, got %d and %d", r.Participation, r.Achievement)
	}
	if r.WeeklyCount < 0 || r.WeeklyPoints < 0 || r.ElectivePoints < 0 || r.Essay.Max < 0 {
		l.probs.Add(l.name(f), int(pts.Line), "points: counts and points cannot be negative")
	}
	if d := pts.Essay.Deadline; d.Value != "" {
		l.mark("essay deadline", d.Line)
		r.Essay.Deadline, _ = l.localStamp(f, d.Line, loc, d.Value, "essay deadline")
	}
	r.Essay.Rubric = l.rubric(&pts.Essay)
	return r
}

// quizWindows reads what every quiz window shares. The default closing
// instant is optional: without it every quiz file names its own.
func (l *loader) quizWindows(c *Course, qw *quizWindowsFile) {
	if qw.MinOpenDays < 0 {
		l.probs.Add(l.name(courseName), int(qw.Line), "quizzes: min_open_days cannot be negative")
	}
	c.MinQuizOpen = time.Duration(qw.MinOpenDays) * 24 * time.Hour
	if qw.Closes.Value != "" {
		l.mark("quizzes.closes", qw.Closes.Line)
		c.QuizCloses, _ = l.localStamp(courseName, qw.Closes.Line, c.Location, qw.Closes.Value, "quizzes: closes")
	}
}

func (l *loader) rubric(ef *essayFile) []quiz.RubricPart {
	f := courseName
	seen := l.newIDs(f, "rubric part")
	var parts []quiz.RubricPart
	sum := 0
	for _, p := range ef.Rubric {
		seen.add(p.ID, p.Line)
		if p.Max <= 0 {
			l.probs.Add(l.name(f), int(p.Line), "rubric part %q: max must be positive", p.ID)
		}
		sum += p.Max
		parts = append(parts, quiz.RubricPart{ID: p.ID, Max: p.Max, Title: l.text(f, p.Line, p.Title, "rubric part "+p.ID+" title")})
	}
	if len(parts) > 0 && sum != ef.Max {
		l.probs.Add(l.name(f), int(ef.Line), "essay: rubric parts add up to %d, but max is %d", sum, ef.Max)
	}
	return parts
}

func (l *loader) reminderSettings(rf *remindersFile) (s schedule.ReminderSettings) {
	s = schedule.DefaultReminders()
	s.NoChoiceGetsAll = rf.NoChoiceGetsAll
	if rf.QuietHours != "" {
		q, err := schedule.ParseQuietHours(rf.QuietHours)
		if err != nil {
			l.probs.Add(l.name(courseName), int(rf.Line), "reminders: quiet_hours %q is not a span such as 22:00-07:00, or off", rf.QuietHours)
		} else {
			s.Quiet = q
		}
	}
	for _, h := range []struct {
		name, value string
		to          *time.Duration
	}{{"digest_at", rf.DigestAt, &s.Hours.Digest}, {"nudge_at", rf.NudgeAt, &s.Hours.Nudge}, {"summary_at", rf.SummaryAt, &s.Hours.Summary}} {
		if h.value == "" {
			continue
		}
		c, err := schedule.ParseClock(h.value)
		if err != nil {
			l.probs.Add(l.name(courseName), int(rf.Line), "reminders: %s %q is not a time of day such as 08:00", h.name, h.value)
			continue
		}
		*h.to = c
	}
	for _, o := range rf.Offsets {
		d, err := time.ParseDuration(o)
		if err != nil || d <= 0 {
			l.probs.Add(l.name(courseName), int(rf.Line), "reminders: offset %q is not a positive duration such as 24h or 15m", o)
			continue
		}
		s.Offsets = append(s.Offsets, d)
	}
	return s
}
