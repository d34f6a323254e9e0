package discord_test

import (
	"context"
	"testing"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/schedule"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// courseRig is the real core with the built-in course, its store on a
// throwaway redis-server, and the adapter against the fake Discord.
type courseRig struct {
	t      *testing.T
	clock  *clockwork.FakeClock
	store  *store.Store
	course *course.Course
	core   *bot.Bot
	srv    *discordtest.Server
	a      *discord.Adapter
}

func newCourseRig(t *testing.T, now string) *courseRig {
	t.Helper()
	clock := clockwork.NewFakeClockAt(fakeclock.Turin(t, now))
	rd := storetest.Start(t)
	st := store.New(rd.Client(), store.WithPrefix(rd.Prefix))
	core := newCore(t, clock, st)
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	core.Register(a)
	return &courseRig{t: t, clock: clock, store: st, course: core.Course(), core: core, srv: srv, a: a}
}

// join registers a participant whose one account is a Discord DM.
func (r *courseRig) join(user string, lang locales.Lang, tz string) store.ParticipantID {
	r.t.Helper()
	p, err := r.store.CreateParticipant(context.Background(),
		store.Participant{Name: "P" + user, Lang: lang, TimeZone: tz, Reminders: true, Created: r.clock.Now()},
		store.Account{Platform: store.Platform(bot.Discord), UserID: user, ChatID: r.srv.DMChannel(user), Reachable: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return p.ID
}

// send finds a send of the course's plan by id.
func (r *courseRig) send(id string) schedule.Send {
	r.t.Helper()
	for _, s := range bot.Plan(r.course) {
		if s.ID == id {
			return s
		}
	}
	r.t.Fatalf("no send %q in the plan", id)
	return schedule.Send{}
}

// serve registers the slash commands and runs the gateway loop until
// the test ends.
func (r *courseRig) serve() {
	r.t.Helper()
	menus := map[string][]bot.CommandInfo{"en": r.core.Commands("en"), "es": r.core.Commands("es")}
	if err := r.a.SetCommands(context.Background(), menus); err != nil {
		r.t.Fatal(err)
	}
	startRun(r.t, r.a, r.core)
}
