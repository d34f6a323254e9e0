package discord

import (
	"strconv"
	"time"

	"github.com/elmabot/elmabot/bot"
)

var _ bot.TimeMarkup = (*Adapter)(nil)

// TimeMarkup writes t as Discord's timestamp markup, which every client
// shows in its reader's own zone and language: <t:UNIX:F> (date and
// time), <t:UNIX:t> (time of day), <t:UNIX:R> (relative, kept live).
func (a *Adapter) TimeMarkup(t time.Time, style bot.TimeStyle) string {
	f := "F"
	switch style {
	case bot.TimeOfDay:
		f = "t"
	case bot.TimeRelative:
		f = "R"
	}
	return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":" + f + ">"
}
