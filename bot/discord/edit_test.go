package discord_test

import (
	"context"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

// A press carries the id of the message it was under, and RemoveButtons
// takes that message's buttons away, as the core does with a broadcast
// preview once it is sent or cancelled.
func TestPressCarriesItsMessageAndButtonsCanBeRemoved(t *testing.T) {
	srv, a, e, dm, msg := echoedHello(t)
	srv.PushButton(ana, dm, "yes", "en-US")
	e.awaitReturned(t, 2)
	got := e.calls()
	if press := got[len(got)-1].u; press.Choice != "yes" || press.MessageID != msg.ID {
		t.Fatalf("press %+v, want choice yes under message %s", press, msg.ID)
	}

	var _ bot.Editor = a
	if err := a.RemoveButtons(context.Background(), dm, msg.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range srv.Messages(dm) {
		if m.ID == msg.ID && len(m.Rows) != 0 {
			t.Errorf("message %s still has buttons: %+v", m.ID, m.Rows)
		}
	}
}

// EditMessage rewrites a sent message's text and buttons in place, as
// the core does with the electives list when one is pressed.
func TestEditMessageRewritesTextAndButtons(t *testing.T) {
	srv, a, _, dm, msg := echoedHello(t)

	var _ bot.MessageEditor = a
	rep := bot.Reply{Text: "You follow 1 elective.", Buttons: [][]bot.Button{{{Label: "✓ Skills", Data: "el:skills"}, {Label: "○ Gender", Data: "el:gender"}}}}
	if err := a.EditMessage(context.Background(), dm, msg.ID, rep); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(dm)
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the DM, want the one edited", len(msgs))
	}
	got := msgs[0]
	if got.Content != rep.Text || len(got.Rows) != 1 || len(got.Rows[0]) != 2 || got.Rows[0][0].Label != "✓ Skills" || got.Rows[0][1].CustomID != "el:gender" {
		t.Errorf("edited message %+v, want %q with the two buttons", got, rep.Text)
	}
	if err := a.EditMessage(context.Background(), dm, msg.ID, bot.Reply{Text: "No buttons now."}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Messages(dm)[0]; got.Content != "No buttons now." || len(got.Rows) != 0 {
		t.Errorf("edited message %+v, want the text alone", got)
	}
}

// echoedHello runs the adapter with the echo handler behind it, and has
// ana say hello in her DM: it returns the echo's answer there.
func echoedHello(t *testing.T) (*discordtest.Server, *discord.Adapter, *echo, string, discordtest.Message) {
	t.Helper()
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)

	srv.PushDM(ana, "hello")
	dm := srv.DMChannel(ana)
	msg := srv.AwaitMessages(dm, 1)[0]
	e.awaitReturned(t, 1)
	return srv, a, e, dm, msg
}
