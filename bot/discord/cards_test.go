package discord_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// /agenda and /progress answer a slash command with an embed: one field
// per session, times as timestamp markup; a bar toward each certificate.
// The fake Discord checks every embed against the OpenAPI description
// and Discord's own limits.
func TestAgendaAndProgressAsEmbeds(t *testing.T) {
	r := newCourseRig(t, "2022-10-21T19:00")
	id := r.join(ana, locales.EN, "")
	ctx := context.Background()
	if err := r.store.SubmitEssay(ctx, id, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := r.store.GradeEssay(ctx, id, store.Grade{Total: 45, By: "coord", At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	r.serve()
	dm := r.srv.DMChannel(ana)

	r.srv.PushCommand(ana, "agenda", "2", "en-US")
	agenda := oneEmbed(t, r.srv.AwaitMessages(dm, 1)[0])
	if agenda.Title != "Week 2 sessions (in your own time, with Turin time):" {
		t.Errorf("agenda title %q", agenda.Title)
	}
	week2 := 0
	for _, ev := range r.course.Agenda.Events {
		if ev.Week == 2 {
			week2++
		}
	}
	if len(agenda.Fields) != week2 {
		t.Errorf("agenda has %d fields, want one per week 2 session (%d)", len(agenda.Fields), week2)
	}
	plenary := agenda.Fields[0] // Mon 24 Oct 15:00-17:00 Turin, 13:00 UTC
	if plenary.Name != "Global and regional labour migration trends" {
		t.Errorf("first field %q, want the week's plenary", plenary.Name)
	}
	mustHave(t, plenary.Value, "<t:1666616400:F>–<t:1666623600:t> your time", "Mon 24 Oct, 15:00–17:00 Turin time", "Languages: English, Spanish")

	r.srv.PushCommand(ana, "progress", "", "en-US")
	progress := oneEmbed(t, r.srv.AwaitMessages(dm, 2)[1])
	if progress.Title != "Your progress" || len(progress.Fields) != 2 {
		t.Fatalf("progress embed %+v, want a title and a field per certificate", progress)
	}
	mustHave(t, progress.Description, "Your total: 45 points.")
	mustHave(t, progress.Fields[0].Name+"\n"+progress.Fields[0].Value, "Certificate of participation", "▰▰▰▰▰▰▰▱▱▱ 45/60 points", "15 more points")
	mustHave(t, progress.Fields[1].Name+"\n"+progress.Fields[1].Value, "Certificate of achievement", "▰▰▰▱▱▱▱▱▱▱ 45/120 points", "75 more points")
	mustHave(t, progress.Footer, "Still within reach")
	allValid(t, r.srv)
}

func oneEmbed(t *testing.T, m discordtest.Message) discordtest.Embed {
	t.Helper()
	if len(m.Embeds) != 1 {
		t.Fatalf("message %q has %d embeds, want 1", m.Content, len(m.Embeds))
	}
	return m.Embeds[0]
}

// A card larger than one message takes (more than 25 fields, more than
// 6000 characters) goes out as several embeds, in order, each within
// Discord's limits, the buttons under the last; an overlong value is
// shortened and a blank one filled.
func TestLargeCardIsSplitWithinLimits(t *testing.T) {
	srv := discordtest.NewServer(t, nil)
	a := newAdapter(t, srv, nil)
	dm := srv.DMChannel(ana)
	card := &bot.Card{Title: "Agenda", Description: "All sessions", Footer: "footer"}
	for i := range 40 {
		value := strings.Repeat("x", 400)
		switch i {
		case 3:
			value = strings.Repeat("y", 1500)
		case 4:
			value = " "
		}
		card.Fields = append(card.Fields, bot.CardField{Name: fmt.Sprintf("session %02d", i), Value: value})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Send(ctx, bot.Reply{ChatID: dm, Text: "text fallback", Card: card, Buttons: [][]bot.Button{{{Label: "OK", Data: "ok"}}}}); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages(dm)
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want at least 3 for 40 fields of 400 characters", len(msgs))
	}
	var names []string
	for i, m := range msgs {
		e := oneEmbed(t, m)
		if m.Content != "" {
			t.Errorf("message %d carries the text fallback %q", i, m.Content)
		}
		if (i == 0) != (e.Title == "Agenda") || (i == len(msgs)-1) != (e.Footer == "footer") || (i == len(msgs)-1) != (len(m.Rows) == 1) {
			t.Errorf("message %d: title %q, footer %q, %d button rows", i, e.Title, e.Footer, len(m.Rows))
		}
		for _, f := range e.Fields {
			names = append(names, f.Name)
			if len([]rune(f.Value)) > 1024 {
				t.Errorf("field %s has %d characters", f.Name, len([]rune(f.Value)))
			}
		}
	}
	if len(names) != 40 || names[0] != "session 00" || names[39] != "session 39" {
		t.Errorf("fields %v, want all 40 in order", names)
	}
	allValid(t, srv)
}
