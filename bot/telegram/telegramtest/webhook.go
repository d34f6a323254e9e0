package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"
)

// What Telegram answers a getUpdates it will not serve.
const (
	conflictPolls   = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	conflictWebhook = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

// pollers tracks the getUpdates calls in progress. Telegram serves one
// consumer: a second call cuts the first short with 409 Conflict.
type pollers struct {
	active    int
	cut       chan struct{} // closed to cut the newest call short
	conflicts int
}

// webhook is the address set by setWebhook, if any.
type webhook struct {
	url, secret string
	sets        int
}

// beginPoll registers a getUpdates call, cutting short one already in
// progress; it answers 409 itself while a webhook is set.
func (s *Server) beginPoll(w http.ResponseWriter) (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook.url != "" {
		writeError(w, http.StatusConflict, conflictWebhook, 0)
		return nil, false
	}
	if s.pollers.active > 0 {
		s.pollers.conflicts++
		close(s.pollers.cut)
	}
	s.pollers.active++
	s.pollers.cut = make(chan struct{})
	return s.pollers.cut, true
}

func (s *Server) endPoll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pollers.active--
}

// Conflicts is how many getUpdates calls arrived while another was in
// progress: more than one bot instance polling.
func (s *Server) Conflicts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pollers.conflicts
}

func (s *Server) setWebhook(w http.ResponseWriter, p map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = webhook{url: p["url"], secret: p["secret_token"], sets: s.webhook.sets + 1}
	writeOK(w, true)
}

func (s *Server) deleteWebhook(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook.url, s.webhook.secret = "", ""
	writeOK(w, true)
}

// Webhook is the address and secret the bot last set with setWebhook;
// url is "" when none is set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// PostUpdate sends the queued update id to url as Telegram's webhook
// does, with secret in the X-Telegram-Bot-Api-Secret-Token header (none
// when secret is ""), and returns the HTTP status. A 2xx answer
// confirms the update, as Telegram forgets an update delivered so.
func (s *Server) PostUpdate(url, secret string, id int) (int, error) {
	body, ok := s.queuedBody(id)
	if !ok {
		return 0, fmt.Errorf("telegramtest: no queued update %d", id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries[id]++
	s.broadcast()
	return resp.StatusCode, nil
}

func (s *Server) queuedBody(id int) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queue {
		if q.id == id {
			return q.body, true
		}
	}
	return nil, false
}
