package discord_test

import (
	"context"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestCourseOverDiscord runs the real core, with its store on a
// throwaway redis-server, behind the adapter against the fake Discord:
// a person starts in a DM, picks Spanish with a button, registers and
// opens a quiz with slash commands, and answers a question with a
// button.
func TestCourseOverDiscord(t *testing.T) {
	d := newDMCourse(t, "2022-10-29T10:00")
	srv, dm, next := d.srv, d.dm, d.next

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

// dmCourse is the real core, with its store on a throwaway redis-server,
// behind the adapter against the fake Discord, its commands registered,
// at an instant of the course; people write to it in their DMs.
type dmCourse struct {
	t      *testing.T
	srv    *discordtest.Server
	store  *store.Store
	course *course.Course
	dm     string // ana's DM channel
	seen   int
}

func newDMCourse(t *testing.T, at string) *dmCourse {
	clock := start()
	clock.Advance(fakeclock.Turin(t, at).Sub(clock.Now()))
	rd := storetest.Start(t)
	st := store.New(rd.Client(), store.WithPrefix(rd.Prefix))
	core := newCore(t, clock, st)
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	core.Register(a)
	menus := map[string][]bot.CommandInfo{"en": core.Commands("en"), "es": core.Commands("es")}
	if err := a.SetCommands(context.Background(), menus); err != nil {
		t.Fatal(err)
	}
	startRun(t, a, core)
	return &dmCourse{t: t, srv: srv, store: st, course: core.Course(), dm: srv.DMChannel(ana)}
}

// next waits for the bot's next n messages in ana's DM.
func (d *dmCourse) next(n int) []discordtest.Message {
	d.t.Helper()
	msgs := d.srv.AwaitMessages(d.dm, d.seen+n)
	out := msgs[d.seen:]
	d.seen = len(msgs)
	return out
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
