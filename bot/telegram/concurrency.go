package telegram

import "github.com/elmabot/elmabot/bot"

var _ bot.Pacer = (*Adapter)(nil)

// Concurrency is how many sends the core may have under way at once:
// a second's worth of the outbox's global rate, so a wave keeps the
// outbox busy without queueing for long. Unpaced (tests), a fixed 64.
func (a *Adapter) Concurrency() int {
	if a.out.global <= 0 {
		return 64
	}
	return a.out.global
}
