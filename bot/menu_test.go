package bot_test

import (
	"testing"

	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/locales"
)

// description is the menu entry for command name, "" if absent.
func description(cmds []telegramtest.Command, name string) string {
	for _, c := range cmds {
		if c.Command == name {
			return c.Description
		}
	}
	return ""
}

// /language sets the chat's own command menu in the language chosen, on
// Telegram (setMyCommands with a chat scope, checked against the Bot
// API description), whatever the language of the app.
func TestLanguageChangeSetsTheChatsMenu(t *testing.T) {
	s := newStaff(t, "2022-10-24T08:00")
	const ana, newcomer = 9401, 9402
	s.join(ana, locales.EN, "Europe/Rome", nil, true)

	mustContain(t, s.from(ana, "/language es"), "A partir de ahora le escribiré en español.")
	menu, ok := s.api.ChatCommands(ana, "")
	if !ok {
		t.Fatal("no command menu was set for the chat")
	}
	if d := description(menu, "agenda"); d != "sus sesiones de los próximos 7 días, o de la semana N" {
		t.Errorf("Spanish menu: /agenda is %q", d)
	}
	if d := description(menu, "grade"); d != "" {
		t.Errorf("the participants' menu lists /grade (%q)", d)
	}
	if _, ok := s.api.ChatCommands(ana+1, ""); ok {
		t.Error("another chat's menu was set too")
	}

	mustContain(t, s.from(ana, "press:lang:en"), "I will write to you in English from now on.")
	menu, _ = s.api.ChatCommands(ana, "")
	if d := description(menu, "agenda"); d != "your sessions in the next 7 days, or in week N" {
		t.Errorf("English menu: /agenda is %q", d)
	}

	// Someone not yet registered gets the menu in their language too.
	mustContain(t, s.from(newcomer, "/language es"), "Le escribiré en español.")
	menu, _ = s.api.ChatCommands(newcomer, "")
	if d := description(menu, "register"); d != "registrarse con su nombre" {
		t.Errorf("newcomer's menu: /register is %q", d)
	}
}
