package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/elmabot/elmabot/bot"
)

// SecretHeader carries a webhook's secret_token in Telegram's POSTs.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateSize bounds a webhook body; an update is a few kilobytes.
const maxUpdateSize = 1 << 20

// CheckSecret reports whether s is a secret_token Telegram accepts: 1 to
// 256 characters A-Z, a-z, 0-9, _ and -.
func CheckSecret(s string) error {
	if len(s) == 0 || len(s) > 256 {
		return fmt.Errorf("telegram: webhook secret must be 1 to 256 characters, not %d", len(s))
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return errors.New("telegram: webhook secret may hold only A-Z, a-z, 0-9, _ and -")
		}
	}
	return nil
}

// SetWebhook has Telegram POST every update to url, with secret in
// SecretHeader; getUpdates is refused from then on.
func (a *Adapter) SetWebhook(ctx context.Context, url, secret string) error {
	if err := CheckSecret(secret); err != nil {
		return err
	}
	p := tgbotapi.Params{"url": url, "secret_token": secret}
	if err := p.AddInterface("allowed_updates", allowedUpdates()); err != nil {
		return err
	}
	return a.call(ctx, "setWebhook", p)
}

// DeleteWebhook switches the webhook off, which getUpdates requires.
// Updates not yet delivered stay queued for getUpdates.
func (a *Adapter) DeleteWebhook(ctx context.Context) error {
	return a.call(ctx, "deleteWebhook", tgbotapi.Params{})
}

func (a *Adapter) call(ctx context.Context, method string, p tgbotapi.Params) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if _, err := a.bot(ctx).MakeRequest(method, p); err != nil {
		return a.wrap(method, err)
	}
	return nil
}

// Refused reports whether err is Telegram refusing the token, which no
// retry mends.
func Refused(err error) bool { return refused(err) }

// Webhook serves the updates Telegram POSTs, handing each to h. A POST
// without the secret is refused with 403. The answer is 200 only once
// the update was handled: on a failure (storage down, or the update
// being handled by another replica right now) it is 503, and Telegram
// sends the update again later. Any number of replicas may serve the
// same webhook behind one address: the core handles each update once.
//
// Updates are handled as they come; Telegram sends a chat's updates one
// at a time unless max_connections says otherwise. The intake's flood
// shedding is for long polling; here the core's own limit applies.
func (a *Adapter) Webhook(h bot.Handler, secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), []byte(secret)) != 1 {
			a.log.Warn("telegram: webhook POST without the secret", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, maxUpdateSize)).Decode(&u); err != nil {
			http.Error(w, "bad update: "+err.Error(), http.StatusBadRequest)
			return
		}
		// Handling goes on if Telegram hangs up: its effects are under
		// way, and the retry will find them done.
		ctx := context.WithoutCancel(r.Context())
		if err := a.deliver(ctx, h, a.convert(u)); err != nil {
			a.log.Warn("telegram: webhook update not handled; Telegram will send it again", "update", u.UpdateID, "err", err)
			http.Error(w, "not handled, try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
