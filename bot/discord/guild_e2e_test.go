package discord_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"

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

// The course server's roles and channels in these tests.
const (
	policyRole   = "4000000000000000010"
	electiveChan = "3000000000000000010"
	announceChan = "3000000000000000020"
)

// courseServer is the real core, its store on a throwaway redis-server,
// behind the adapter configured for the fake's course server.
type courseServer struct {
	core  *bot.Bot
	store *store.Store
	rd    *storetest.Server
	srv   *discordtest.Server
	a     *discord.Adapter
	plan  []schedule.Send
}

// newCourseServer starts it with the core's clock at a Turin wall time;
// discordClock is the fake Discord's and the adapter's (nil: real).
func newCourseServer(t *testing.T, now string, discordClock clockwork.Clock) *courseServer {
	t.Helper()
	rd := storetest.Start(t)
	opts := rd.Client().Options()
	opts.ReadTimeout = 10 * time.Second // outlasts the pause of the slow-Redis test
	opts.MaintNotificationsConfig = nil // the first client's; this one makes its own
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	st := store.New(client, store.WithPrefix(rd.Prefix))
	core := newCore(t, clockwork.NewFakeClockAt(fakeclock.Turin(t, now)), st)
	srv := discordtest.NewServer(t, discordClock)
	a := newAdapter(t, srv, discordClock, func(cfg *discord.Config) {
		cfg.Server = discord.Server{
			Guild: discordtest.GuildID, CoordinatorRole: coordRole,
			ElectiveRoles:   map[string]string{"policy": policyRole},
			ElectiveChannel: electiveChan, AnnounceChannel: announceChan,
		}
	})
	core.Register(a)
	menus := map[string][]bot.CommandInfo{"en": core.AllCommands("en"), "es": core.AllCommands("es")}
	if err := a.SetCommands(context.Background(), menus); err != nil {
		t.Fatal(err)
	}
	startRun(t, a, core)
	return &courseServer{core: core, store: st, rd: rd, srv: srv, a: a, plan: bot.Plan(core.Course())}
}

// newCore is the real core serving the built-in course, on st.
func newCore(t *testing.T, clock clockwork.Clock, st *store.Store) *bot.Bot {
	t.Helper()
	c, err := course.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	core, err := bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: []byte("discord end-to-end test secret")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = core.Close() })
	return core
}

// command runs a slash command in the lobby and returns the private
// answer: the command's response.
func (s *courseServer) command(t *testing.T, user, name, args string) discordtest.Message {
	t.Helper()
	id := s.srv.PushGuildCommand(lobby, user, name, args, "en-GB")
	for _, m := range s.srv.AwaitMessages(lobby, len(s.srv.Messages(lobby))+1) {
		if m.Interaction == id {
			return m
		}
	}
	t.Fatalf("/%s got no answer", name)
	return discordtest.Message{}
}

func TestRegistrationInTheServerKeepsTheDMForLater(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", start())

	reg := s.command(t, ana, "register", "Ana Kovač")

	if !strings.Contains(reg.Content, "You are registered, Ana Kovač") || !reg.Ephemeral() || reg.Via != "original" {
		t.Errorf("registration answered %+v, want the welcome, for Ana only", reg)
	}
	p, err := s.store.ParticipantByAccount(context.Background(), store.Discord, ana)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Accounts) != 1 || p.Accounts[0].ChatID != s.srv.DMChannel(ana) {
		t.Errorf("accounts %+v, want Ana's DM as the chat reminders go to", p.Accounts)
	}
	allValid(t, s.srv)
}

func TestCoordinatorRoleOpensCoordinatorCommands(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", start())
	s.command(t, ana, "register", "Ana Kovač")
	s.command(t, bob, "register", "Bob Mensah")

	refused := s.command(t, bob, "find", "Ana")
	s.srv.SetRoles(bob, coordRole)
	found := s.command(t, bob, "find", "Ana")

	if !strings.Contains(refused.Content, "only course coordinators") {
		t.Errorf("without the role /find answered %q, want a refusal", refused.Content)
	}
	if !strings.Contains(found.Content, "Ana Kovač") || !found.Ephemeral() {
		t.Errorf("with the role /find answered %+v, want Ana found, privately", found)
	}
	dm := s.srv.PushDM(bob, "/find Ana")
	msgs := s.srv.AwaitMessages(s.srv.DMChannel(bob), 1)
	if !strings.Contains(msgs[0].Content, "only course coordinators") {
		t.Errorf("in the DM (message %s), where no role is vouched for, /find answered %q", dm, msgs[0].Content)
	}
	allValid(t, s.srv)
}

func TestCommandsAreRegisteredLocalizedAndCoordinatorsHidden(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", start())

	global, staff := s.srv.Commands(), s.srv.GuildCommands()

	if len(global) == 0 || len(staff) == 0 {
		t.Fatalf("%d global and %d server commands registered", len(global), len(staff))
	}
	for _, c := range append(slices.Clone(global), staff...) {
		for _, loc := range []string{"es-ES", "es-419"} {
			if c.NameLocalizations[loc] == "" || c.DescriptionLocalizations[loc] == "" {
				t.Errorf("/%s: no %s name or description: %v %v", c.Name, loc, c.NameLocalizations, c.DescriptionLocalizations)
			}
			for _, o := range c.Options {
				if o.NameLocalizations[loc] == "" || o.DescriptionLocalizations[loc] == "" {
					t.Errorf("/%s option %s: no %s name or description", c.Name, o.Name, loc)
				}
			}
		}
	}
	for _, c := range global {
		if !slices.Equal(c.Contexts, []int{0, 1}) || c.DefaultMemberPermissions != nil {
			t.Errorf("/%s: contexts %v, permissions %v; want the server and the DM, for everyone", c.Name, c.Contexts, c.DefaultMemberPermissions)
		}
		if c.Name == "find" || c.Name == "broadcast" {
			t.Errorf("coordinator command /%s is global", c.Name)
		}
	}
	for _, c := range staff {
		if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != 0 {
			t.Errorf("server command /%s is not hidden (default_member_permissions %v)", c.Name, c.DefaultMemberPermissions)
		}
	}
	quiz := commandNamed(global, "quiz")
	if quiz.NameLocalizations["es-419"] != "cuestionario" || !quiz.Options[0].Autocomplete {
		t.Errorf("/quiz %+v, want it named cuestionario in Spanish and its field completed", quiz)
	}
	allValid(t, s.srv)
}

func commandNamed(cmds []discordtest.Command, name string) discordtest.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	return discordtest.Command{}
}

func TestAutocompleteSuggestsQuizzesElectivesAndZones(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", start())

	zone := s.srv.PushAutocomplete(lobby, ana, "timezone", "bogo", "es-ES")
	quiz := s.srv.PushAutocomplete(s.srv.DMChannel(ana), ana, "quiz", "", "en-GB")
	elective := s.srv.PushAutocomplete(lobby, ana, "electives", "elaboración", "es-419")
	s.srv.Await("POST /interactions/{interaction_id}/{interaction_token}/callback", 3)

	want := map[string]string{zone: "America/Bogota", quiz: "week-1", elective: "policy"}
	for id, value := range want {
		r, ok := s.srv.Response(id)
		if !ok || r.Type != 8 || !slices.ContainsFunc(r.Choices, func(c discordtest.Choice) bool { return c.Value == value }) {
			t.Errorf("autocomplete %s answered %+v, want choices (8) offering %s", id, r, value)
		}
	}
	r, _ := s.srv.Response(elective)
	if len(r.Choices) != 1 || !strings.Contains(r.Choices[0].Name, "política") {
		t.Errorf("electives matching \"elaboración\": %+v, want the one, named in Spanish", r.Choices)
	}
	allValid(t, s.srv)
}

func TestElectiveRoleFollowsTheChoice(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", start())
	s.command(t, ana, "register", "Ana Kovač")

	added := s.command(t, ana, "electives", "policy")
	after := s.srv.Roles(ana)
	removed := s.command(t, ana, "electives", "policy")

	if !strings.Contains(added.Content, "Added") || !slices.Contains(after, policyRole) {
		t.Errorf("after adding: %q, roles %v; want the policy role", added.Content, after)
	}
	if !strings.Contains(removed.Content, "Removed") || slices.Contains(s.srv.Roles(ana), policyRole) {
		t.Errorf("after removing: %q, roles %v; want the role gone", removed.Content, s.srv.Roles(ana))
	}
	s.command(t, ana, "electives", "skills") // no role configured: nothing to change
	if n := s.srv.Count("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"); n != 1 {
		t.Errorf("%d roles given, want 1", n)
	}
	allValid(t, s.srv)
}

func TestElectiveReminderAndBroadcastArePostedInTheirChannels(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T13:45", start())
	s.srv.AddChannel(electiveChan)
	s.srv.AddChannel(announceChan)
	ctx := context.Background()
	var reminder schedule.Send
	for _, p := range s.plan {
		if p.Kind == schedule.Reminder && p.Event.Elective == "policy" && p.Offset == 15*time.Minute {
			reminder = p
			break
		}
	}
	if reminder.ID == "" {
		t.Fatal("no 15-minute reminder of a policy session in the plan")
	}
	if err := s.core.Deliver(ctx, reminder); err != nil {
		t.Fatal(err)
	}
	if err := s.core.Deliver(ctx, reminder); err != nil { // again: a retried job
		t.Fatal(err)
	}
	if err := s.core.DrainDeliveries(ctx); err != nil {
		t.Fatal(err)
	}

	posts := s.srv.Messages(electiveChan)
	if len(posts) != 1 || !strings.HasPrefix(posts[0].Content, "<@&"+policyRole+">") || !strings.Contains(posts[0].Content, "Reminder") || !strings.Contains(posts[0].Content, "Recordatorio") {
		t.Fatalf("elective channel holds %q, want one bilingual reminder calling the policy role", texts(posts))
	}
	body := s.srv.Calls(createMessage)[0].Body.(map[string]any)
	am, _ := body["allowed_mentions"].(map[string]any)
	parse, _ := json.Marshal(am["parse"])
	roles, _ := json.Marshal(am["roles"])
	if string(parse) != "[]" || string(roles) != `["`+policyRole+`"]` {
		t.Errorf("allowed_mentions %v, want the policy role alone", am)
	}

	s.command(t, bob, "register", "Bob Mensah")
	s.srv.SetRoles(bob, coordRole)
	preview := s.command(t, bob, "broadcast", "The essay deadline moves to 4 December || La entrega del ensayo pasa al 4 de diciembre")
	seen := len(s.srv.Messages(lobby))
	s.srv.PushButtonOn(bob, lobby, preview.ID, preview.Rows[0][0].CustomID, "en-GB")
	s.srv.AwaitMessages(lobby, seen+1) // "sending to N participants"
	if err := s.core.DrainDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
	got := s.srv.Messages(announceChan)
	if len(got) != 1 || !strings.Contains(got[0].Content, "4 December") || !strings.Contains(got[0].Content, "4 de diciembre") {
		t.Errorf("announcements channel holds %q, want the broadcast once, in both languages", texts(got))
	}
	allValid(t, s.srv)
}

// The three seconds hold while Redis stalls: a command in the server is
// acknowledged (privately) before the core, waiting on Redis, answers;
// the answer fills in the response once Redis is back.
func TestServerCommandIsAcknowledgedInTimeWhileRedisStalls(t *testing.T) {
	s := newCourseServer(t, "2022-10-24T10:00", nil) // Discord's real three seconds
	s.command(t, ana, "register", "Ana Kovač")
	pause := s.rd.Client()
	if err := pause.Do(context.Background(), "CLIENT", "PAUSE", 4000, "ALL").Err(); err != nil {
		t.Skipf("cannot pause this Redis: %v", err)
	}

	id := s.srv.PushGuildCommand(lobby, ana, "progress", "", "en-GB")
	acked := s.srv.Await("POST /interactions/{interaction_id}/{interaction_token}/callback", 2)[1]
	answered := len(s.srv.Messages(lobby))
	msgs := s.srv.AwaitMessages(lobby, 2)

	r, _ := s.srv.Response(id)
	if r.Type != 5 || r.Flags != 64 || r.Delay >= discordtest.AckLimit {
		t.Errorf("acknowledged %+v, want a private deferred response within %v", r, discordtest.AckLimit)
	}
	if answered != 1 {
		t.Errorf("%d messages when the acknowledgement came, want only the registration: the core was still waiting", answered)
	}
	if m := msgs[1]; m.Interaction != id || m.Via != "original" || !m.Ephemeral() || m.At.Before(acked.At) || len(m.Embeds) == 0 {
		t.Errorf("progress answered %+v, want it in the private response, after the acknowledgement", m)
	}
	allValid(t, s.srv)
}
