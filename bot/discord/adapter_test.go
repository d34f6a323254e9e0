package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
)

const (
	ana  = "2000000000000000001"
	bob  = "2000000000000000002"
	luis = "2000000000000000003"
	// lobby is a server channel where people talk among themselves.
	lobby = "3000000000000000001"
)

const createMessage = "POST /channels/{channel_id}/messages"

// yesNo is the echo's buttons as the server should have them.
func yesNo() [][]discordtest.Button {
	return [][]discordtest.Button{{{Label: "Yes", CustomID: "yes", Style: 1}, {Label: "No", CustomID: "no", Style: 1}}}
}

func TestDMBecomesUpdateAndReplyCarriesButtons(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	srv.SetName(ana, "ana_k", "Ana Kovač")

	msgID := srv.PushDM(ana, "hello")
	dm := srv.DMChannel(ana)
	msgs := srv.AwaitMessages(dm, 1)
	e.awaitReturned(t, 1)

	got := e.calls()
	want := bot.Update{ID: "dc:m:" + msgID, Platform: bot.Discord, UserID: ana, ChatID: dm, Name: "Ana Kovač", Text: "hello"}
	if len(got) != 1 || got[0].u != want {
		t.Fatalf("handler got %+v, want one %+v", got, want)
	}
	m := msgs[0]
	if m.Content != "echo: hello" || m.Via != "channel" || !reflect.DeepEqual(m.Rows, yesNo()) {
		t.Errorf("reply %q via %s with rows %+v; want %q via channel with %+v", m.Content, m.Via, m.Rows, "echo: hello", yesNo())
	}
	if sent := e.sentSoFar(); sent[0].MessageID != m.ID || sent[0].PollID != "" {
		t.Errorf("Sent = %+v, want message id %s and no poll", sent[0], m.ID)
	}
	body := srv.Calls(createMessage)[0].Body.(map[string]any)
	rows := body["components"].([]any)
	row := rows[0].(map[string]any)
	btn := row["components"].([]any)[0].(map[string]any)
	if row["type"] != json.Number("1") || btn["type"] != json.Number("2") || btn["style"] != json.Number("1") || btn["custom_id"] != "yes" {
		t.Errorf("component shape: row %v, button %v; want an action row (1) of primary (1) buttons (2)", row, btn)
	}
	if am := body["allowed_mentions"].(map[string]any); len(am["parse"].([]any)) != 0 {
		t.Errorf("allowed_mentions %v, want no mentions parsed", am)
	}
	allValid(t, srv)
}

func TestNameFallsBackToUsernameAndIntentsAreMinimal(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	srv.SetName(bob, "bob_m", "")

	srv.PushDM(bob, "hi")
	srv.AwaitMessages(srv.DMChannel(bob), 1)

	if got := e.calls()[0].u.Name; got != "bob_m" {
		t.Errorf("Name = %q, want the username when there is no global name", got)
	}
	ids := srv.Identifies()
	want := int(discordgo.IntentsDirectMessages | discordgo.IntentsGuildMessages)
	if len(ids) != 1 || ids[0].Intents != want {
		t.Errorf("identified %+v, want once with intents %d (no privileged ones)", ids, want)
	}
}

func TestButtonPressIsAcknowledgedBeforeTheHandler(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)

	srv.PushDM(ana, "hello")
	under := srv.AwaitMessages(dm, 1)[0]
	id := srv.PushButton(ana, dm, "yes", "es-ES")
	msgs := srv.AwaitMessages(dm, 2)

	r, ok := srv.Response(id)
	if !ok || r.Type != 6 {
		t.Fatalf("interaction %s answered %+v, want a deferred update (6)", id, r)
	}
	press := e.calls()[1]
	want := bot.Update{ID: "dc:i:" + id, Platform: bot.Discord, UserID: ana, ChatID: dm, Name: "user2000000000000000001", LangHint: "es-ES", Choice: "yes", MessageID: under.ID}
	if press.u != want {
		t.Errorf("handler got %+v, want %+v", press.u, want)
	}
	if !acked(press.acks, id) {
		t.Errorf("the handler ran before interaction %s was acknowledged", id)
	}
	if m := msgs[1]; m.Content != "echo: choice yes" || m.Via != "channel" {
		t.Errorf("reply %q via %s, want a normal channel message", m.Content, m.Via)
	}
}

func acked(rs []discordtest.InteractionResponse, id string) bool {
	for _, r := range rs {
		if r.Interaction == id {
			return true
		}
	}
	return false
}

func TestSlashCommandsAreRegisteredInBothLanguages(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	menus := map[string][]bot.CommandInfo{
		"en": {{Name: "start", Description: "Start or register"}, {Name: "quiz", Description: "Take a quiz"}},
		"es": {{Name: "start", Description: "Empezar o inscribirse"}, {Name: "quiz", Description: "Hacer un cuestionario"}},
	}
	if err := a.SetCommands(context.Background(), menus); err != nil {
		t.Fatal(err)
	}
	cmds := srv.Commands()
	if len(cmds) != 2 || cmds[1].Name != "quiz" || cmds[1].Description != "Take a quiz" {
		t.Fatalf("registered %+v", cmds)
	}
	wantLoc := map[string]string{"es-ES": "Hacer un cuestionario", "es-419": "Hacer un cuestionario"}
	if !reflect.DeepEqual(cmds[1].DescriptionLocalizations, wantLoc) {
		t.Errorf("localizations %v, want %v", cmds[1].DescriptionLocalizations, wantLoc)
	}
	if !reflect.DeepEqual(cmds[1].Contexts, []int{1}) {
		t.Errorf("contexts %v, want the DM with the bot only", cmds[1].Contexts)
	}
	opts := cmds[1].Options
	if len(opts) != 1 || opts[0].Name != "args" || opts[0].Type != 3 || opts[0].Required || opts[0].DescriptionLocalizations["es-419"] == "" {
		t.Errorf("options %+v, want one optional localized string option \"args\"", opts)
	}
	if err := a.SetCommands(context.Background(), map[string][]bot.CommandInfo{"es": menus["es"]}); err == nil {
		t.Error("SetCommands without an English menu succeeded")
	}
}

// registered sets the commands the tests run.
func registered(t *testing.T, a *discord.Adapter) {
	t.Helper()
	cmds := []bot.CommandInfo{{Name: "quiz", Description: "Take a quiz"}, {Name: "help", Description: "What I can do"}}
	if err := a.SetCommands(context.Background(), map[string][]bot.CommandInfo{"en": cmds}); err != nil {
		t.Fatal(err)
	}
}

func TestSlashCommandFillsItsDeferredResponse(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	registered(t, a)
	e := newEcho(a, clock, srv)
	e.replies = 2
	startRun(t, a, e)
	dm := srv.DMChannel(luis)

	id := srv.PushCommand(luis, "quiz", "week-1", "es-419")
	msgs := srv.AwaitMessages(dm, 2)

	if r, ok := srv.Response(id); !ok || r.Type != 5 {
		t.Fatalf("interaction answered %+v, want a deferred channel message (5)", r)
	}
	u := e.calls()[0]
	if u.u.Text != "/quiz week-1" || u.u.LangHint != "es-419" || u.u.UserID != luis || u.u.ChatID != dm || u.u.ID != "dc:i:"+id {
		t.Errorf("handler got %+v, want Text \"/quiz week-1\" from the command", u.u)
	}
	if !acked(u.acks, id) {
		t.Error("the handler ran before the command was acknowledged")
	}
	first, second := msgs[0], msgs[1]
	if first.Via != "original" || first.Interaction != id || first.Content != "echo: /quiz week-1" || !reflect.DeepEqual(first.Rows, yesNo()) {
		t.Errorf("first reply %+v, want it in the command's response with its buttons", first)
	}
	if second.Via != "channel" || !strings.HasPrefix(second.Content, "more 1:") {
		t.Errorf("second reply %+v, want a normal channel message", second)
	}
	allValid(t, srv)
}

func TestSilentCommandLeavesNoThinkingResponse(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	registered(t, a)
	e := newEcho(a, clock, srv)
	e.replies = 0
	startRun(t, a, e)

	srv.PushCommand(ana, "help", "", "en-US")
	srv.Await("DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original", 1)

	if got := e.calls()[0].u.Text; got != "/help" {
		t.Errorf("Text = %q, want /help", got)
	}
	msgs := srv.Messages(srv.DMChannel(ana))
	if len(msgs) != 1 || !msgs[0].Deleted {
		t.Errorf("messages %+v, want only the removed deferred response", msgs)
	}
}

func TestQuizIsAMessageWithAButtonPerOption(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	q := &bot.QuizPoll{
		Question: "(1/5) How many international migrant workers were there in 2019?",
		Options:  []string{"About 96 million", "About 169 million", "About 281 million"},
		Correct:  1,
		Buttons: []bot.Button{
			{Label: "About 96 million", Data: "a:week-2:q1:0:AAAAAAAAAAAAAAAA"},
			{Label: "About 169 million", Data: "a:week-2:q1:1:BBBBBBBBBBBBBBBB"},
			{Label: "About 281 million", Data: "a:week-2:q1:2:CCCCCCCCCCCCCCCC"},
		},
	}
	sentc := make(chan bot.Sent, 1)
	h := handlerFunc(func(ctx context.Context, u bot.Update) error {
		sent, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "Week 2 quiz: 5 questions", Quiz: q})
		sentc <- sent
		return err
	})
	startRun(t, a, h)

	srv.PushDM(ana, "/quiz week-2")
	msgs := srv.AwaitMessages(dm, 2)
	sent := <-sentc

	if msgs[0].Content != "Week 2 quiz: 5 questions" || len(msgs[0].Rows) != 0 {
		t.Errorf("first message %+v, want the text alone", msgs[0])
	}
	m := msgs[1]
	if m.Content != q.Question || len(m.Rows) != 3 {
		t.Fatalf("quiz message %q with rows %+v, want the question and a row per option", m.Content, m.Rows)
	}
	for i, row := range m.Rows {
		if len(row) != 1 || row[0].Label != q.Buttons[i].Label || row[0].CustomID != q.Buttons[i].Data {
			t.Errorf("row %d = %+v, want %+v", i, row, q.Buttons[i])
		}
	}
	if sent.PollID != "" || sent.MessageID != m.ID {
		t.Errorf("Sent = %+v, want message %s and no poll", sent, m.ID)
	}
	allValid(t, srv)
}

// A server that is not the course's gets the pointer to DMs. (The
// commands are usable in servers only with a course server configured:
// another one, here.)
func TestServerMessagesArePointedToDMs(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.Server.Guild = discordtest.OtherGuildID })
	registered(t, a)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)

	srv.PushGuildMessage(lobby, bob, "anyone done week 1?", false)
	srv.PushGuildMessage(lobby, bob, "can you help?", true)
	srv.PushGuildMessage(lobby, bob, "/start", false)
	msgs := srv.AwaitMessages(lobby, 2)
	id := srv.PushGuildCommand(lobby, ana, "quiz", "", "es-ES")
	srv.Await("POST /interactions/{interaction_id}/{interaction_token}/callback", 1)

	for _, m := range msgs {
		if !strings.Contains(m.Content, "direct messages") || !strings.Contains(m.Content, "mensajes directos") {
			t.Errorf("server reply %q, want the bilingual pointer to DMs", m.Content)
		}
	}
	if got := srv.Messages(lobby); len(got) != 3 {
		// two pointers and the ephemeral answer to the command
		t.Errorf("messages in the server channel: %q, want 3", texts(got))
	}
	r, _ := srv.Response(id)
	if r.Type != 4 || r.Flags != 64 || !strings.Contains(r.Content, "mensajes directos") {
		t.Errorf("server command answered %+v, want an ephemeral (64) message (4) pointing to DMs", r)
	}
	if got := e.calls(); len(got) != 0 {
		t.Errorf("the core got server events: %+v", got)
	}
	allValid(t, srv)
}

// A 429 from a proxy in front of Discord, an HTML page with the wait in
// its Retry-After header, is waited out like Discord's own: a rate
// limit, not a failure, so three in a row do not use up the one retry a
// failure gets.
func TestProxyRateLimitIsWaitedOutThenDelivered(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.MaxRetries = 1 })
	dm := srv.DMChannel(ana)
	for range 3 {
		srv.FailNextFromProxy(createMessage, 3)
	}

	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Week 3 opens today"}); err != nil {
		t.Fatalf("Send = %v, want the message delivered after the wait", err)
	}
	calls := srv.Await(createMessage, 4)
	if calls[2].Status != 429 || calls[3].Status != 200 {
		t.Fatalf("statuses %d, %d; want the third 429, then 200", calls[2].Status, calls[3].Status)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 3*time.Second {
		t.Errorf("retried after %v, the proxy asked for 3s", gap)
	}
	if msgs := srv.Messages(dm); len(msgs) != 1 {
		t.Errorf("%d messages, want 1", len(msgs))
	}
}

func TestRateLimitIsWaitedOutThenDelivered(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	srv.FailNext(createMessage, 429, 2.5)

	srv.PushDM(ana, "hello")
	calls := srv.Await(createMessage, 2)

	if calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("statuses %d, %d; want 429 then 200", calls[0].Status, calls[1].Status)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 2500*time.Millisecond {
		t.Errorf("retried after %v, Discord asked for 2.5s", gap)
	}
	if msgs := srv.Messages(srv.DMChannel(ana)); len(msgs) != 1 || msgs[0].Content != "echo: hello" {
		t.Errorf("messages %q, want the reply once", texts(msgs))
	}
}

func TestRetriesAreBounded(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.MaxRetries = 2 })
	dm := srv.DMChannel(ana)
	for range 3 {
		srv.FailNext(createMessage, 500, 0)
	}

	_, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "hello"})

	if err == nil || errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("Send = %v, want a plain failure", err)
	}
	if n := srv.Count(createMessage); n != 3 {
		t.Errorf("%d tries, want 1 + 2 retries", n)
	}
}

func TestBlockedUserIsUnreachable(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm, err := a.OpenDM(context.Background(), ana)
	if err != nil || dm != srv.DMChannel(ana) {
		t.Fatalf("OpenDM = %q, %v; want %q", dm, err, srv.DMChannel(ana))
	}
	srv.Block(ana)

	_, err = a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Week 3 opens today"})

	if !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("Send = %v, want an error wrapping bot.ErrUnreachable", err)
	}
	if n := srv.Count(createMessage); n != 1 {
		t.Errorf("%d tries, want 1: a refusal is not retried", n)
	}
}

func TestFailedHandlerIsRetriedUntilItSucceeds(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	e.failFor("first", 3)

	srv.PushDM(ana, "first")
	srv.PushDM(ana, "second")
	msgs := srv.AwaitMessages(dm, 2)

	if got := texts(msgs); !reflect.DeepEqual(got, []string{"echo: first", "echo: second"}) {
		t.Errorf("replies %q, want both messages answered in order", got)
	}
	calls := e.calls()
	if len(calls) != 5 {
		t.Fatalf("handler called %d times, want 4 for the first message and 1 for the second", len(calls))
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if gap := calls[i+1].at.Sub(calls[i].at); gap < want {
			t.Errorf("try %d came %v after the one before, want >= %v", i+2, gap, want)
		}
	}
}

func TestHandlerRetriesAreBounded(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.HandleRetries = 2 })
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	e.failFor("lost", 10)

	srv.PushDM(ana, "lost")
	srv.PushDM(ana, "next")
	msgs := srv.AwaitMessages(dm, 1)

	if msgs[0].Content != "echo: next" {
		t.Errorf("reply %q, want the next message answered", msgs[0].Content)
	}
	if n := len(e.calls()); n != 3+1 {
		t.Errorf("handler called %d times, want 3 for the lost message and 1 for the next", n)
	}
}

func TestLongTextIsSplitWithButtonsLast(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	line := strings.Repeat("word ", 19) + "end\n" // 99 characters
	text := strings.Repeat(line, 45)

	sent, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: text, Buttons: [][]bot.Button{{{Label: "More", Data: "cmd:more"}}}})
	if err != nil {
		t.Fatal(err)
	}

	msgs := srv.Messages(dm)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want 3 for 4455 characters", len(msgs))
	}
	var parts []string
	for i, m := range msgs {
		parts = append(parts, m.Content)
		if hasRows := len(m.Rows) > 0; hasRows != (i == 2) {
			t.Errorf("message %d has rows %+v; only the last should", i, m.Rows)
		}
	}
	if strings.Join(parts, "\n") != text {
		t.Error("the parts, joined at the line breaks they were cut at, do not give the text")
	}
	if sent.MessageID != msgs[2].ID {
		t.Errorf("Sent names %s, want the last part %s", sent.MessageID, msgs[2].ID)
	}
}

func TestManyButtonsArePackedOrRefused(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	column := func(n int) [][]bot.Button {
		var rows [][]bot.Button
		for i := range n {
			rows = append(rows, []bot.Button{{Label: "Zone " + string(rune('A'+i)), Data: "tz:" + string(rune('A'+i))}})
		}
		return rows
	}

	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Pick a zone", Buttons: column(10)}); err != nil {
		t.Fatal(err)
	}
	rows := srv.Messages(dm)[0].Rows
	if len(rows) != 2 || len(rows[0]) != 5 || len(rows[1]) != 5 || rows[1][4].CustomID != "tz:J" {
		t.Errorf("10 one-button rows laid out as %+v, want 2 rows of 5 in order", rows)
	}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Too many", Buttons: column(26)}); err == nil {
		t.Error("26 buttons were accepted; Discord takes 25")
	}
	long := [][]bot.Button{{{Label: "x", Data: strings.Repeat("d", 101)}}}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Long data", Buttons: long}); err == nil {
		t.Error("a 101-character custom_id was accepted")
	}
	if n := srv.Count(createMessage); n != 1 {
		t.Errorf("%d messages sent, want only the one that fits", n)
	}
}

func TestLongLabelIsShortened(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	label := strings.Repeat("ñ", 90)

	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Text: "Pick", Buttons: [][]bot.Button{{{Label: label, Data: "el:x"}}}}); err != nil {
		t.Fatal(err)
	}

	got := srv.Messages(dm)[0].Rows[0][0].Label
	if n := len([]rune(got)); n != 80 || !strings.HasSuffix(got, "…") {
		t.Errorf("label of %d characters %q, want 80 ending in an ellipsis", n, got)
	}
}

func TestBadTokenStopsRun(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock, func(c *discord.Config) { c.Token = "wrong" })

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.Run(ctx, handlerFunc(func(context.Context, bot.Update) error { return nil }))

	if err == nil {
		t.Fatal("Run with a wrong token returned nil")
	}
	if ctx.Err() != nil {
		t.Fatal("Run kept trying a refused token until the deadline")
	}
}

func TestDroppedGatewayIsResumedWithoutLosingEvents(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	dm := srv.DMChannel(ana)
	srv.PushDM(ana, "before")
	srv.AwaitMessages(dm, 1)

	srv.DropGateway()
	srv.PushDM(ana, "during")
	msgs := srv.AwaitMessages(dm, 2)

	if got := texts(msgs); !reflect.DeepEqual(got, []string{"echo: before", "echo: during"}) {
		t.Errorf("replies %q, want both, once each", got)
	}
	if n, r := len(srv.Identifies()), srv.Resumes(); n != 1 || r != 1 {
		t.Errorf("identified %d times and resumed %d, want the session resumed", n, r)
	}
}

func TestCommandWhoseAcknowledgementFailedIsStillAnswered(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	registered(t, a)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)
	srv.FailNext("POST /interactions/{interaction_id}/{interaction_token}/callback", 500, 0)

	srv.PushCommand(ana, "help", "", "en-GB")
	msgs := srv.AwaitMessages(srv.DMChannel(ana), 1)

	if msgs[0].Via != "channel" || msgs[0].Content != "echo: /help" {
		t.Errorf("reply %+v, want a channel message when there is no response to fill", msgs[0])
	}
	if n := srv.Count("PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original"); n != 0 {
		t.Errorf("%d edits of a response that never existed", n)
	}
}

func TestAcknowledgementDoesNotWaitForABusyChannel(t *testing.T) {
	srv := discordtest.NewServer(t, nil) // the real clock: the three seconds are real
	a := newAdapter(t, srv, nil)
	release := make(chan struct{})
	h := handlerFunc(func(ctx context.Context, u bot.Update) error {
		if u.Text == "slow" {
			select {
			case <-release:
			case <-time.After(10 * time.Second):
				return errors.New("never released")
			}
		}
		_, err := a.Send(ctx, bot.Reply{ChatID: u.ChatID, Text: "done: " + describe(u)})
		return err
	})
	startRun(t, a, h)
	dm := srv.DMChannel(ana)

	srv.PushDM(ana, "slow")
	id := srv.PushButton(ana, dm, "yes", "es-ES")
	srv.Await("POST /interactions/{interaction_id}/{interaction_token}/callback", 1)
	if n := len(srv.Messages(dm)); n != 0 {
		t.Errorf("%d replies before the slow update finished", n)
	}
	close(release)
	msgs := srv.AwaitMessages(dm, 2)

	r, _ := srv.Response(id)
	if r.Delay >= discordtest.AckLimit {
		t.Errorf("acknowledged after %v", r.Delay)
	}
	allValid(t, srv)
	if got := texts(msgs); !reflect.DeepEqual(got, []string{"done: slow", "done: choice yes"}) {
		t.Errorf("replies %q, want the channel's events handled in order", got)
	}
}

func TestQuizOptionsTooLongForAButtonAreListedInFull(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	long := "In the Director-General's report to the International Labour Conference of 2014, Fair Migration"
	q := &bot.QuizPoll{
		Question: "(1/5) Where did the ILO first set out its fair migration agenda?",
		Options:  []string{"In Convention No. 97", long},
		Buttons:  []bot.Button{{Label: "In Convention No. 97", Data: "a:w1:q1:0:x"}, {Label: long, Data: "a:w1:q1:1:y"}},
	}

	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Quiz: q}); err != nil {
		t.Fatal(err)
	}

	m := srv.Messages(dm)[0]
	want := q.Question + "\n\n1. In Convention No. 97\n2. " + long
	if m.Content != want {
		t.Errorf("content %q, want the options listed in full: %q", m.Content, want)
	}
	if l := m.Rows[1][0].Label; !strings.HasPrefix(l, "2. In the Director") || len([]rune(l)) != 80 {
		t.Errorf("second button %q, want it numbered and shortened to 80", l)
	}
}
