package discord_test

import (
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

// TestCourseOverDiscord runs the real core, with its store on a
// throwaway redis-server, behind the adapter against the fake Discord:
// a person starts in a DM, picks Spanish with a button, registers and
// opens a quiz with slash commands, and answers a question with a
// button.
func TestCourseOverDiscord(t *testing.T) {
	r := newCourseRig(t, "2022-10-29T10:00")
	r.serve()
	srv := r.srv
	dm := srv.DMChannel(ana)
	seen := 0
	// next waits for the bot's next n messages in the DM.
	next := func(n int) []discordtest.Message {
		t.Helper()
		msgs := srv.AwaitMessages(dm, seen+n)
		out := msgs[seen:]
		seen = len(msgs)
		return out
	}

	srv.PushDM(ana, "/start")
	welcome := next(1)[0]
	if !strings.Contains(welcome.Content, "Welcome to the") || !hasButton(welcome, "lang:es") {
		t.Fatalf("welcome %q with %+v, want the English welcome and language buttons", welcome.Content, welcome.Rows)
	}

	srv.PushButton(ana, dm, "lang:es", "es-ES")
	if got := next(1)[0].Content; !strings.Contains(got, "en español") {
		t.Errorf("after pressing Español: %q", got)
	}

	srv.PushCommand(ana, "register", "Ana Kovač", "es-ES")
	reg := next(1)[0]
	if reg.Via != "original" || !strings.Contains(reg.Content, "Ana Kovač") {
		t.Errorf("registration answered %q via %s, want it in the command's response", reg.Content, reg.Via)
	}

	srv.PushCommand(ana, "quiz", "", "es-ES")
	pick := next(1)[0]
	if !hasButton(pick, "q:week-1") {
		t.Fatalf("quiz list %q with %+v, want a button for week 1", pick.Content, pick.Rows)
	}

	srv.PushButton(ana, dm, "q:week-1", "es-ES")
	msgs := next(2) // the quiz's title, then its first question
	question := msgs[1]
	if !strings.HasPrefix(question.Content, "(1/") || len(question.Rows) < 2 || !strings.HasPrefix(question.Rows[0][0].CustomID, "a:week-1:") {
		t.Fatalf("question %q with %+v, want a question with a signed button per option", question.Content, question.Rows)
	}

	srv.PushButton(ana, dm, question.Rows[0][0].CustomID, "es-ES")
	feedback := next(1)[0]
	if !strings.Contains(strings.ToLower(feedback.Content), "correct") {
		t.Errorf("after answering: %q, want feedback in Spanish", feedback.Content)
	}
	allValid(t, srv)
}

func hasButton(m discordtest.Message, data string) bool {
	for _, row := range m.Rows {
		for _, b := range row {
			if b.CustomID == data {
				return true
			}
		}
	}
	return false
}
