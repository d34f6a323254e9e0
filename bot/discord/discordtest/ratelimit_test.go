package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// limited is a 429's body as Discord sends it.
type limited struct {
	Message    string  `json:"message"`
	RetryAfter float64 `json:"retry_after"`
	Global     bool    `json:"global"`
}

// callBody sends a request like call and decodes a 429's body.
func callBody(t *testing.T, s *Server, method, path, body string) (*http.Response, limited) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+"/api/v10"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l limited
	if resp.StatusCode == http.StatusTooManyRequests {
		raw, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatalf("429 body %s: %v", raw, err)
		}
	}
	return resp, l
}

func TestRouteBucketsTakeFivePerFiveSecondsPerChannel(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s := NewServer(t, clock)
	s.EnforceRateLimits(DiscordLimits())
	dm, other := s.DMChannel("42"), s.DMChannel("43")
	post := func(ch string) (*http.Response, limited) {
		return callBody(t, s, "POST", "/channels/"+ch+"/messages", `{"content":"hi"}`)
	}

	for i := range 5 {
		resp, _ := post(dm)
		h := resp.Header
		if resp.StatusCode != 200 || h.Get("X-RateLimit-Limit") != "5" || h.Get("X-RateLimit-Remaining") != string(rune('4'-i)) {
			t.Fatalf("message %d: %d, limit %q remaining %q", i+1, resp.StatusCode, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"))
		}
		if h.Get("X-RateLimit-Reset-After") != "5.000" || h.Get("X-RateLimit-Bucket") == "" || h.Get("X-RateLimit-Reset") == "" {
			t.Errorf("message %d: headers %v, want the bucket, its reset and reset-after 5.000", i+1, h)
		}
	}
	clock.Advance(1500 * time.Millisecond)
	resp, body := post(dm)
	if resp.StatusCode != 429 || body.Global || body.RetryAfter != 3.5 || resp.Header.Get("Retry-After") != "4" || resp.Header.Get("X-RateLimit-Scope") != "user" {
		t.Errorf("sixth message: %d %+v headers %v, want a 429 for the bucket, retry after 3.5 s", resp.StatusCode, body, resp.Header)
	}
	if resp, _ := post(other); resp.StatusCode != 200 {
		t.Errorf("another channel: %d, want its own bucket", resp.StatusCode)
	}
	clock.Advance(3500 * time.Millisecond)
	if resp, _ := post(dm); resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "4" {
		t.Errorf("after the reset: %d remaining %q, want a fresh window", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	if got := s.RateStats(); got != (RateStats{Requests: 8, Limited: 1}) {
		t.Errorf("stats %+v, want 8 requests and one 429", got)
	}
}

func TestGlobalLimitSparesInteractionCallbacks(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s := NewServer(t, clock)
	s.EnforceRateLimits(Limits{Global: 3})
	chans := []string{s.DMChannel("41"), s.DMChannel("42"), s.DMChannel("43"), s.DMChannel("44")}
	press := s.PushButton("41", chans[0], "yes", "en-US")

	for _, ch := range chans[:3] {
		if resp, _ := callBody(t, s, "POST", "/channels/"+ch+"/messages", `{"content":"hi"}`); resp.StatusCode != 200 {
			t.Fatalf("message within the global limit: %d", resp.StatusCode)
		}
	}
	clock.Advance(400 * time.Millisecond)
	resp, body := callBody(t, s, "POST", "/channels/"+chans[3]+"/messages", `{"content":"hi"}`)
	h := resp.Header
	if resp.StatusCode != 429 || !body.Global || body.RetryAfter != 0.6 || h.Get("X-RateLimit-Global") != "true" || h.Get("X-RateLimit-Scope") != "global" || h.Get("Retry-After") != "1" {
		t.Errorf("fourth request in a second: %d %+v headers %v, want a global 429, retry after 0.6 s", resp.StatusCode, body, h)
	}
	if resp, _ := callBody(t, s, "POST", "/interactions/"+press+"/token-"+press+"/callback", `{"type":6}`); resp.StatusCode != 204 {
		t.Errorf("callback past the global limit: %d, want it taken", resp.StatusCode)
	}
	clock.Advance(600 * time.Millisecond)
	if resp, _ := callBody(t, s, "POST", "/channels/"+chans[3]+"/messages", `{"content":"hi"}`); resp.StatusCode != 200 {
		t.Errorf("after the second: %d, want it taken", resp.StatusCode)
	}
	if got := s.RateStats(); got != (RateStats{Requests: 6, Limited: 1, GlobalLimited: 1}) {
		t.Errorf("stats %+v, want 6 requests, one global 429", got)
	}
}
