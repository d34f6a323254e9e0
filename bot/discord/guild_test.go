package discord_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

// coordRole is the course server's coordinators' role in these tests.
const coordRole = "4000000000000000001"

// echoInServer runs an adapter for the course server, its commands
// registered, with an echo giving replies messages an update.
func echoInServer(t *testing.T, replies int) (*clockwork.FakeClock, *discordtest.Server, *discord.Adapter, *echo) {
	t.Helper()
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, inServer)
	registered(t, a)
	e := newEcho(a, clock, srv)
	e.replies = replies
	startRun(t, a, e)
	return clock, srv, a, e
}

// inServer configures the adapter for the fake's course server.
func inServer(c *discord.Config) {
	c.Server = discord.Server{Guild: discordtest.GuildID, CoordinatorRole: coordRole}
}

func TestServerCommandIsAnsweredPrivatelyInTheChannel(t *testing.T) {
	_, srv, _, e := echoInServer(t, 2)

	id := srv.PushGuildCommand(lobby, ana, "quiz", "week-1", "es-ES")
	msgs := srv.AwaitMessages(lobby, 2)

	if r, _ := srv.Response(id); r.Type != 5 || r.Flags != 64 {
		t.Fatalf("command acknowledged %+v, want a deferred message (5) flagged ephemeral (64)", r)
	}
	u := e.calls()[0].u
	if u.Text != "/quiz week-1" || u.ID != "dc:i:"+id || u.UserID != ana || u.LangHint != "es-ES" {
		t.Errorf("handler got %+v, want the command from Ana", u)
	}
	if u.ChatID == lobby || u.ChatID == "" {
		t.Errorf("ChatID %q: replies must not go to the channel itself", u.ChatID)
	}
	if u.DirectChat != srv.DMChannel(ana) {
		t.Errorf("DirectChat %q, want Ana's DM %q for what the bot sends unprompted", u.DirectChat, srv.DMChannel(ana))
	}
	first, second := msgs[0], msgs[1]
	if first.Via != "original" || !first.Ephemeral() || first.Content != "echo: /quiz week-1" || !reflect.DeepEqual(first.Rows, yesNo()) {
		t.Errorf("first reply %+v, want the private command response with its buttons", first)
	}
	if second.Via != "followup" || !second.Ephemeral() || second.Interaction != id {
		t.Errorf("second reply %+v, want a private follow-up of the command", second)
	}
	if n := srv.Count(createMessage); n != 0 {
		t.Errorf("%d messages posted for the whole channel to see", n)
	}
	allValid(t, srv)
}

func TestServerRepliesFollowUpForFifteenMinutesThenGoToTheDM(t *testing.T) {
	clock, srv, a, e := echoInServer(t, 1)
	srv.PushGuildCommand(lobby, ana, "quiz", "", "en-GB")
	srv.AwaitMessages(lobby, 1)
	e.awaitReturned(t, 1)
	chat := e.calls()[0].u.ChatID

	// Work that outlives the update (a summary, a report) replies later.
	clock.Advance(10 * time.Minute)
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: chat, Text: "your summary"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(6 * time.Minute)
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: chat, Text: "your report"}); err != nil {
		t.Fatal(err)
	}

	inChannel := srv.Messages(lobby)
	if len(inChannel) != 2 || inChannel[1].Content != "your summary" || inChannel[1].Via != "followup" || !inChannel[1].Ephemeral() {
		t.Errorf("channel holds %+v, want the reply at 10 minutes as a private follow-up", inChannel)
	}
	dm := srv.Messages(srv.DMChannel(ana))
	if len(dm) != 1 || dm[0].Content != "your report" || dm[0].Via != "channel" {
		t.Errorf("DM holds %+v, want the reply at 16 minutes, past the token", dm)
	}
	allValid(t, srv)
}

func TestAnsweredQuestionInTheServerIsTurnedOff(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, inServer)
	registered(t, a)
	q := &bot.QuizPoll{
		Question: "(2/5) Which convention covers migrant workers?",
		Options:  []string{"No. 97", "No. 138"},
		Buttons:  []bot.Button{{Label: "No. 97", Data: "a:w1:q2:0:AAAA"}, {Label: "No. 138", Data: "a:w1:q2:1:BBBB"}},
	}
	var mu sync.Mutex
	var presses []bot.Update
	startRun(t, a, handlerFunc(func(ctx context.Context, u bot.Update) error {
		if u.Choice == "" {
			_, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Quiz: q})
			return err
		}
		mu.Lock()
		presses = append(presses, u)
		mu.Unlock()
		_, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "Correct!"})
		return err
	}))
	srv.PushGuildCommand(lobby, ana, "quiz", "week-1", "en-GB")
	question := srv.AwaitMessages(lobby, 1)[0]

	id := srv.PushButtonOn(ana, lobby, question.ID, "a:w1:q2:1:BBBB", "en-GB")
	msgs := srv.AwaitMessages(lobby, 2)

	if r, _ := srv.Response(id); r.Type != 7 {
		t.Fatalf("answer acknowledged with type %d, want an update of the message (7)", r.Type)
	}
	want := [][]discordtest.Button{
		{{Label: "No. 97", CustomID: "a:w1:q2:0:AAAA", Style: 2, Disabled: true}},
		{{Label: "No. 138", CustomID: "a:w1:q2:1:BBBB", Style: 1, Disabled: true}},
	}
	if got := msgs[0]; !got.Ephemeral() || got.Content != q.Question || !reflect.DeepEqual(got.Rows, want) {
		t.Errorf("question now %q with %+v, want it private, its text kept and %+v", got.Content, got.Rows, want)
	}
	if fb := msgs[1]; fb.Content != "Correct!" || fb.Via != "followup" || !fb.Ephemeral() {
		t.Errorf("feedback %+v, want a private follow-up of the press", fb)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(presses) != 1 || presses[0].MessageID != question.ID || presses[0].DirectChat != srv.DMChannel(ana) {
		t.Errorf("core got %+v, want the press under the question once", presses)
	}
	allValid(t, srv)
}

func TestElectivesListInTheServerIsEditedThroughTheToken(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, inServer)
	registered(t, a)
	startRun(t, a, handlerFunc(func(ctx context.Context, u bot.Update) error {
		if u.Choice == "" {
			_, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "○ Labour migration governance", Buttons: [][]bot.Button{{{Label: "Governance", Data: "el:gov"}}}})
			return err
		}
		return a.EditMessage(ctx, u.ChatID, u.MessageID, bot.Reply{Text: "✓ Labour migration governance", Buttons: [][]bot.Button{{{Label: "Governance", Data: "el:gov"}}}})
	}))
	srv.PushGuildCommand(lobby, ana, "quiz", "", "en-GB")
	list := srv.AwaitMessages(lobby, 1)[0]

	srv.PushButtonOn(ana, lobby, list.ID, "el:gov", "en-GB")
	srv.Await("PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original", 2)

	if got := srv.Messages(lobby); len(got) != 1 || got[0].Content != "✓ Labour migration governance" {
		t.Errorf("channel holds %+v, want the one private list, edited", got)
	}
	allValid(t, srv)
}

func TestCoordinatorRoleIsVouchedForInTheServerOnly(t *testing.T) {
	_, srv, _, e := echoInServer(t, 1)
	srv.SetRoles(ana, "4000000000000000777", coordRole)
	srv.SetRoles(bob, "4000000000000000777")

	srv.PushGuildCommand(lobby, ana, "help", "", "en-GB")
	srv.PushGuildCommand(lobby, bob, "help", "", "en-GB")
	srv.PushCommand(ana, "help", "", "en-GB")
	e.awaitReturned(t, 3)

	staff := map[string]bool{}
	for _, c := range e.calls() {
		key := c.u.UserID
		if c.u.ChatID == srv.DMChannel(ana) {
			key = "dm"
		}
		staff[key] = c.u.Staff
	}
	if !staff[ana] || staff[bob] || staff["dm"] {
		t.Errorf("Staff by sender %v: want Ana's role vouched in the server, not Bob's other role, not in a DM", staff)
	}
}

func TestMentionInTheCourseServerPointsToTheCommands(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, inServer)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)

	srv.PushGuildMessage(lobby, bob, "can you help?", true)
	msgs := srv.AwaitMessages(lobby, 1)

	if !strings.Contains(msgs[0].Content, "Type /") || !strings.Contains(msgs[0].Content, "Escriba /") {
		t.Errorf("reply %q, want the bilingual pointer to the slash commands", msgs[0].Content)
	}
	if len(e.calls()) != 0 {
		t.Error("a mention reached the core")
	}
}

func TestServerConfigRefusesBadIDs(t *testing.T) {
	bad := []discord.Server{
		{Guild: "course"},
		{CoordinatorRole: "4000000000000000001"}, // a role without the server
		{Guild: discordtest.GuildID, ElectiveRoles: map[string]string{"gov": "@gov"}},
	}
	for _, s := range bad {
		if _, err := discord.New(discord.Config{Token: discordtest.Token, Server: s}); err == nil {
			t.Errorf("New accepted %+v", s)
		}
	}
}
