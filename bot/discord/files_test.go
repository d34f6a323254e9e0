package discord_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
)

// A reply with files reaches the channel as its text, then a message
// with the files attached (multipart, checked against the spec's schema
// by the fake), the buttons under it.
func TestFilesAreAttached(t *testing.T) {
	srv, a, dm := sendSetup(t)
	csv := []byte("email,total\r\nana@example.org,61\r\n")
	png := []byte("\x89PNG\r\n\x1a\nnot really a picture")
	rep := bot.Reply{
		ChatID: dm, Text: "Your export",
		Buttons: [][]bot.Button{{{Label: "Again", Data: "x:again"}}},
		Files: []bot.File{
			{Name: "grades.csv", Type: "text/csv", Data: csv},
			{Name: "tiers.png", Type: "image/png", Data: png, Photo: true},
		},
	}
	if _, err := a.Send(context.Background(), rep); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(dm)
	if len(msgs) != 2 {
		t.Fatalf("channel got %d messages, want the text and one with the files", len(msgs))
	}
	if msgs[0].Content != "Your export" || len(msgs[0].Files) != 0 || len(msgs[0].Rows) != 0 {
		t.Errorf("first message %+v, want the bare text", msgs[0])
	}
	files := msgs[1].Files
	if len(files) != 2 || files[0].Name != "grades.csv" || !bytes.Equal(files[0].Data, csv) ||
		files[1].Name != "tiers.png" || !bytes.Equal(files[1].Data, png) || files[1].ContentType != "image/png" {
		t.Errorf("attached %+v", files)
	}
	if len(msgs[1].Rows) != 1 || msgs[1].Rows[0][0].CustomID != "x:again" {
		t.Errorf("buttons %+v, want them under the files", msgs[1].Rows)
	}
}

// Twelve files go as two messages, since Discord takes ten a message.
func TestFilesTenToAMessage(t *testing.T) {
	srv, a, dm := sendSetup(t)
	var files []bot.File
	for i := range 12 {
		files = append(files, bot.File{Name: fmt.Sprintf("chart-%d.png", i), Type: "image/png", Data: []byte{byte(i + 1)}, Photo: true})
	}
	if _, err := a.Send(context.Background(), bot.Reply{ChatID: dm, Files: files}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(dm)
	if len(msgs) != 2 || len(msgs[0].Files) != 10 || len(msgs[1].Files) != 2 {
		t.Fatalf("got %d messages: %+v", len(msgs), msgs)
	}
}

// sendSetup is a fake Discord, an adapter on a moving fake clock, and
// Ana's DM channel.
func sendSetup(t *testing.T) (*discordtest.Server, *discord.Adapter, string) {
	t.Helper()
	clock := start()
	srv := discordtest.NewServer(t, clock)
	fakeclock.Run(t, clock, 100*time.Millisecond)
	a := newAdapter(t, srv, clock)
	dm := srv.DMChannel(ana)
	return srv, a, dm
}
