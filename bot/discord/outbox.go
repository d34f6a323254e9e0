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

// minRateWait keeps a 429 that names no wait from being retried at once.
const minRateWait = 100 * time.Millisecond

// do makes one REST call, retrying it as the error warrants, waiting on
// the clock. A 429 is pacing, not failure: it is waited out for the
// retry_after Discord named (the pacing transport has noted it too, for
// the route or, when global, for every call) and tried again however
// often it comes. After a 5xx or a network failure it backs off, at
// most maxRetries times.
//
// chat names the channel of a message to a person; a refusal there
// (403, or code 50007) wraps bot.ErrUnreachable.
func (a *Adapter) do(ctx context.Context, chat string, call func(context.Context) error) error {
	failures := 0
	for {
		err := call(ctx)
		if err == nil {
			return nil
		}
		wait, limited := rateLimited(err)
		if !limited {
			var retry bool
			if wait, retry = a.verdict(ctx, err, failures); !retry {
				return final(chat, err, failures)
			}
			failures++
		}
		a.log.Debug("discord: retrying", "chat", chat, "rate_limited", limited, "failures", failures, "wait", wait, "err", err)
		if err := bot.Sleep(ctx, a.clock, wait); err != nil {
			return err
		}
		if limited {
			a.metrics.RateWait(string(bot.Discord), wait)
		}
	}
}

// rateLimited reads a 429's wait.
func rateLimited(err error) (time.Duration, bool) {
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) {
		return 0, false
	}
	return max(rl.RetryAfter, minRateWait), true
}

// verdict decides whether a failed call is tried again, and after how
// long.
func (a *Adapter) verdict(ctx context.Context, err error, failures int) (time.Duration, bool) {
	if ctx.Err() != nil || failures >= a.maxRetries {
		return 0, false
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) {
		if rest.Response != nil && rest.Response.StatusCode >= 500 {
			return backoff(failures), true
		}
		return 0, false
	}
	if errors.Is(err, discordgo.ErrJSONUnmarshal) {
		return 0, false // delivered; only the answer was odd
	}
	return backoff(failures), true // network trouble
}

// final words the error the caller gets.
func final(chat string, err error, failures int) error {
	if chat != "" && unreachable(err) {
		return fmt.Errorf("discord: channel %s: %w: %v", chat, bot.ErrUnreachable, err)
	}
	if failures > 0 {
		return fmt.Errorf("discord: gave up after %d tries: %w", failures+1, err)
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
