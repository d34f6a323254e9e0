package discord_test

import (
	"context"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
)

// A press carries the id of the message it was under, and RemoveButtons
// takes that message's buttons away, as the core does with a broadcast
// preview once it is sent or cancelled.
func TestPressCarriesItsMessageAndButtonsCanBeRemoved(t *testing.T) {
	clock := start()
	srv := discordtest.NewServer(t, clock)
	a := newAdapter(t, srv, clock)
	e := newEcho(a, clock, srv)
	startRun(t, a, e)

	srv.PushDM(ana, "hello")
	dm := srv.DMChannel(ana)
	msg := srv.AwaitMessages(dm, 1)[0]
	e.awaitReturned(t, 1)
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
