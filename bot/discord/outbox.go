package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Backoff for passing failures (5xx, network): 1s, 2s, 4s ... up to 30s.
const (
	backoffBase = time.Second
	backoffMax  = 30 * time.Second
)

// Discord's JSON error code for a person whose DMs are closed to the bot
// (they blocked it, left every shared server, or turned DMs off).
const codeCannotMessageUser = discordgo.ErrCodeCannotSendMessagesToThisUser

// do makes one REST call, retrying it as the error warrants: after a 429
// it waits the retry_after Discord named, after a 5xx or a network
// failure it backs off; at most maxRetries times, waiting on the clock.
// The pacing between calls is discordgo's: its per-route buckets hold a
// call back until Discord's X-RateLimit headers allow it.
//
// chat names the channel of a message to a person; a refusal there
// (403, or code 50007) wraps bot.ErrUnreachable.
func (a *Adapter) do(ctx context.Context, chat string, call func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		err := a.attempt(ctx, call)
		if err == nil {
			return nil
		}
		wait, retry := a.verdict(ctx, err, attempt)
		if !retry {
			return final(chat, err, attempt)
		}
		a.log.Debug("discord: retrying", "chat", chat, "attempt", attempt+1, "wait", wait, "err", err)
		if err := bot.Sleep(ctx, a.clock, wait); err != nil {
			return err
		}
	}
}

func (a *Adapter) attempt(ctx context.Context, call func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	return call(ctx)
}

// verdict decides whether a failed call is tried again, and after how
// long.
func (a *Adapter) verdict(ctx context.Context, err error, attempt int) (time.Duration, bool) {
	if ctx.Err() != nil || attempt >= a.maxRetries {
		return 0, false
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, 0), true
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		if rest.Response != nil && rest.Response.StatusCode >= 500 {
			return backoff(attempt), true
		}
		return 0, false
	}
	if errors.Is(err, discordgo.ErrJSONUnmarshal) {
		return 0, false // delivered; only the answer was odd
	}
	return backoff(attempt), true // network trouble
}

// final words the error the caller gets.
func final(chat string, err error, attempt int) error {
	if chat != "" && unreachable(err) {
		return fmt.Errorf("discord: channel %s: %w: %v", chat, bot.ErrUnreachable, err)
	}
	if attempt > 0 {
		return fmt.Errorf("discord: gave up after %d tries: %w", attempt+1, err)
	}
	return fmt.Errorf("discord: %w", err)
}

// unreachable tells a refusal to deliver to a person from other errors.
func unreachable(err error) bool {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) {
		return false
	}
	if rest.Message != nil && rest.Message.Code == codeCannotMessageUser {
		return true
	}
	return rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden
}

func backoff(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	return min(d, backoffMax)
}
