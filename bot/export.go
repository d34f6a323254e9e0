package bot

import (
	"bytes"
	"strings"

	"github.com/elmabot/elmabot/bot/gradebook"
	"github.com/elmabot/elmabot/store"
)

// cmdExport sends a coordinator the course's files as documents:
// "/export" or "/export grades [email|idnumber]" the grades CSV for
// Moodle's gradebook, "/export participants" the roster as it stands.
func (r *request) cmdExport(args string) error {
	what, rest, _ := strings.Cut(strings.TrimSpace(args), " ")
	switch store.NameKey(what) {
	case "", "grades", "notas", "calificaciones":
		key, ok := gradebook.ParseKey(rest)
		if !ok {
			return r.say(r.pr.T("export_usage"))
		}
		return r.exportGrades(key)
	case "participants", "participantes":
		return r.exportParticipants()
	}
	return r.say(r.pr.T("export_usage"))
}

// exportGrades sends the grades file, naming who it had to leave out.
func (r *request) exportGrades(key gradebook.Key) error {
	var buf bytes.Buffer
	sum, err := gradebook.Grades(r.ctx, r.b.cfg.Store, r.course(), r.now, key, &buf)
	if err != nil {
		return err
	}
	text := r.pr.N("export_grades", sum.Rows, "Key", string(key))
	if sum.UnkeyedCount > 0 {
		ids := make([]string, len(sum.Unkeyed))
		for i, id := range sum.Unkeyed {
			ids[i] = string(id)
		}
		text += "\n" + r.pr.N("export_unkeyed", sum.UnkeyedCount, "Key", string(key), "IDs", strings.Join(ids, ", "))
	}
	return r.sendFile(text, "grades", buf.Bytes())
}

func (r *request) exportParticipants() error {
	var buf bytes.Buffer
	sum, err := gradebook.Participants(r.ctx, r.b.cfg.Store, r.course(), r.now, &buf)
	if err != nil {
		return err
	}
	return r.sendFile(r.pr.N("export_participants", sum.Rows), "participants", buf.Bytes())
}

// sendFile sends text with a CSV named after what it holds and the day.
func (r *request) sendFile(text, what string, data []byte) error {
	name := r.course().ID + "-" + what + "-" + r.now.In(r.course().Location).Format("2006-01-02") + ".csv"
	_, err := r.send(Reply{Text: text, Files: []File{{Name: name, Type: "text/csv", Data: data}}})
	return err
}
