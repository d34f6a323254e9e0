package discord

import "github.com/elmabot/elmabot/bot"

var _ bot.Pacer = (*Adapter)(nil)

// Concurrency is how many sends the core may have under way at once:
// a second's worth of the global rate, so the pacer, not a fixed pool,
// sets a wave's speed. Unpaced (tests), a fixed 64.
func (a *Adapter) Concurrency() int {
	if a.globalRate <= 0 {
		return 64
	}
	return a.globalRate
}
