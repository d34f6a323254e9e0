package bot

import (
	"strings"

	"github.com/elmabot/elmabot/schedule"
)

// cmdQuiet: "/quiet" shows the quiet hours, "/quiet 23:00-06:30" sets
// them, "/quiet off" drops them, "/quiet on" goes back to the course's.
func (r *request) cmdQuiet(args string) error {
	spec := strings.ToLower(strings.TrimSpace(args))
	switch spec {
	case "":
		return r.say(r.quietState() + "\n" + r.pr.T("quiet_usage"))
	case "on", "default":
		spec = ""
	default:
		q, err := schedule.ParseQuietHours(spec)
		if err != nil || (q.Off() && spec != schedule.NoQuietHours) {
			return r.say(r.pr.T("quiet_usage"))
		}
		spec = q.String()
	}
	if err := r.b.cfg.Store.SetQuietHours(r.ctx, r.p.ID, spec); err != nil {
		return err
	}
	r.p.QuietHours = spec
	return r.say(r.quietState())
}

// quietState says when the participant is left alone, in their zone.
func (r *request) quietState() string {
	q := r.b.quietHours(r.p)
	if q.Off() {
		return r.pr.T("quiet_off")
	}
	return r.pr.T("quiet_on", "From", schedule.FormatClock(q.From), "To", schedule.FormatClock(q.To), "Zone", zoneLabel(r.zone()))
}
