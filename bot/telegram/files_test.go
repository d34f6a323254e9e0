package telegram_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/elmabot/elmabot/bot"
)

// A reply with files reaches the chat as its text, then one upload per
// file: a picture as a photo, anything else as a document, the bytes as
// given, the buttons under the last message.
func TestFilesAreUploaded(t *testing.T) {
	srv, a, _ := setup(t)
	csv := []byte("email,total\r\nana@example.org,61\r\n")
	png := []byte("\x89PNG\r\n\x1a\nnot really a picture")
	rep := bot.Reply{
		ChatID:  "42",
		Text:    "Your export",
		Buttons: [][]bot.Button{{{Label: "Again", Data: "x:again"}}},
		Files: []bot.File{
			{Name: "grades.csv", Type: "text/csv", Data: csv},
			{Name: "tiers.png", Type: "image/png", Data: png, Photo: true},
		},
	}
	sent, err := a.Send(context.Background(), rep)
	if err != nil {
		t.Fatal(err)
	}
	out := srv.Outgoing(42)
	if len(out) != 3 {
		t.Fatalf("chat got %d messages, want text and two files: %+v", len(out), out)
	}
	if out[0].Text != "Your export" || out[0].File != nil || len(out[0].Buttons) != 0 {
		t.Errorf("first message %+v, want the text without buttons", out[0])
	}
	if sent.MessageID != "1" {
		t.Errorf("sent %+v", sent)
	}
	doc, photo := out[1].File, out[2].File
	if doc == nil || doc.Kind != "document" || doc.Name != "grades.csv" || !bytes.Equal(doc.Data, csv) {
		t.Errorf("second message carries %+v, want the CSV as a document", doc)
	}
	if photo == nil || photo.Kind != "photo" || photo.Name != "tiers.png" || !bytes.Equal(photo.Data, png) {
		t.Errorf("third message carries %+v, want the PNG as a photo", photo)
	}
	if len(out[2].Buttons) != 1 || out[2].Buttons[0][0].Data != "x:again" {
		t.Errorf("buttons %+v, want them under the last file", out[2].Buttons)
	}
}

// A file with nothing in it is refused before any request.
func TestEmptyFileIsRefused(t *testing.T) {
	srv, a, _ := setup(t)
	_, err := a.Send(context.Background(), bot.Reply{ChatID: "42", Files: []bot.File{{Name: "empty.csv"}}})
	if err == nil {
		t.Fatal("an empty file was accepted")
	}
	if n := len(srv.Outgoing(42)); n != 0 {
		t.Errorf("chat got %d messages", n)
	}
}
