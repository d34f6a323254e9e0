package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"
)

// call sends a REST request to the server as a bot would.
func call(t *testing.T, s *Server, method, path, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+"/api/v10"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// newRecorded starts a server whose complaints are collected, not fatal.
func newRecorded(t *testing.T, clock clockwork.Clock) (*Server, *recordingTB) {
	rec := &recordingTB{TB: t}
	testSpec(t)
	return NewServer(rec, clock), rec
}

func TestServerFailsTheTestOnBadRequests(t *testing.T) {
	s, rec := newRecorded(t, nil)
	dm := s.DMChannel("42")
	cases := []struct {
		method, path, body string
		status             int
		complaint          string
	}{
		{"POST", "/channels/" + dm + "/messages", `{"content":"hi","colour":1}`, 400, "unknown property"},
		{"POST", "/channels/" + dm + "/messages", `{"content":"` + strings.Repeat("a", 2001) + `"}`, 400, "a bot may send 2000"},
		{"POST", "/channels/" + dm + "/messages", `{"content":"hi","components":[` +
			`{"type":1,"components":[{"type":2,"style":1,"label":"A","custom_id":"same"},{"type":2,"style":1,"label":"B","custom_id":"same"}]}]}`, 400, "used twice"},
		{"POST", "/channels/" + dm + "/messages", `{"tts":false}`, 400, "empty message"},
		{"GET", "/no/such/thing", "", 404, "no such path"},
		{"DELETE", "/gateway", "", 405, "takes no DELETE"},
	}
	for _, c := range cases {
		before := rec.count()
		resp := call(t, s, c.method, c.path, c.body)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		if got := rec.since(before); !strings.Contains(got, c.complaint) {
			t.Errorf("%s %s: server said %q, want a complaint with %q", c.method, c.path, got, c.complaint)
		}
	}
	if resp := call(t, s, "POST", "/channels/"+dm+"/messages", `{"content":"fine"}`); resp.StatusCode != 200 {
		t.Errorf("a valid message got %d", resp.StatusCode)
	}
	if n := len(s.Messages(dm)); n != 1 {
		t.Errorf("%d messages stored, want only the valid one", n)
	}
}

func TestServerHoldsInteractionsToDiscordsRules(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s, rec := newRecorded(t, clock)
	dm := s.DMChannel("42")
	first := s.PushButton("42", dm, "yes", "es-ES")
	second := s.PushButton("42", dm, "no", "es-ES")
	cb := func(id string) string { return "/interactions/" + id + "/token-" + id + "/callback" }

	if resp := call(t, s, "PATCH", "/webhooks/"+AppID+"/token-"+first+"/messages/@original", `{"content":"x"}`); resp.StatusCode != 404 {
		t.Errorf("editing before the acknowledgement: %d, want 404", resp.StatusCode)
	}
	if resp := call(t, s, "POST", cb(first), `{"type":6}`); resp.StatusCode != 204 {
		t.Errorf("acknowledgement: %d, want 204", resp.StatusCode)
	}
	if resp := call(t, s, "POST", cb(first), `{"type":6}`); resp.StatusCode != 400 {
		t.Errorf("second acknowledgement: %d, want 400", resp.StatusCode)
	}
	clock.Advance(AckLimit + time.Millisecond)
	if resp := call(t, s, "POST", cb(second), `{"type":6}`); resp.StatusCode != 404 {
		t.Errorf("late acknowledgement: %d, want 404", resp.StatusCode)
	}
	got := rec.errors()
	for _, want := range []string{"before interaction " + first, first + " acknowledged twice", second + " acknowledged after"} {
		if !strings.Contains(got, want) {
			t.Errorf("server complaints %q lack %q", got, want)
		}
	}
	if r, ok := s.Response(first); !ok || r.Type != 6 || r.Delay != 0 {
		t.Errorf("recorded %+v, want the first acknowledgement at once", r)
	}
}

func TestServerRefusesBlockedUsersAndWrongTokens(t *testing.T) {
	s := NewServer(t, nil)
	dm := s.DMChannel("42")
	s.Block("42")
	if resp := call(t, s, "POST", "/channels/"+dm+"/messages", `{"content":"hi"}`); resp.StatusCode != 403 {
		t.Errorf("message to a blocked user: %d, want 403", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.URL()+"/api/v9/users/@me", nil)
	req.Header.Set("Authorization", "Bot nope")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
}

func TestGatewaySpeaksTheProtocol(t *testing.T) {
	s := NewServer(t, nil)
	s.PushDM("42", "queued before anyone listened")
	ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read := func() frame {
		t.Helper()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := read(); f.Op != 10 || !strings.Contains(string(f.D), "heartbeat_interval") {
		t.Fatalf("first frame %+v, want HELLO", f)
	}
	if err := ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": Token, "intents": 4608}}); err != nil {
		t.Fatal(err)
	}
	ready := read()
	var d struct {
		SessionID string  `json:"session_id"`
		User      apiUser `json:"user"`
	}
	_ = json.Unmarshal(ready.D, &d)
	if ready.Op != 0 || ready.Type != "READY" || d.SessionID == "" || d.User.ID != BotID || *ready.S != 1 {
		t.Fatalf("after IDENTIFY got %+v, want READY as event 1", ready)
	}
	if ev := read(); ev.Type != "MESSAGE_CREATE" || *ev.S != 2 || !strings.Contains(string(ev.D), "queued before") {
		t.Errorf("got %+v, want the queued DM as event 2", ev)
	}
	if err := ws.WriteJSON(map[string]any{"op": 1, "d": 2}); err != nil {
		t.Fatal(err)
	}
	if f := read(); f.Op != 11 {
		t.Errorf("heartbeat answered with %+v, want op 11", f)
	}
	s.PushDM("42", "live")
	if ev := read(); ev.Type != "MESSAGE_CREATE" || *ev.S != 3 || !strings.Contains(string(ev.D), "live") {
		t.Errorf("got %+v, want the live DM as event 3", ev)
	}
	if ids := s.Identifies(); len(ids) != 1 || ids[0].Intents != 4608 {
		t.Errorf("identifies %+v, want one with intents 4608", ids)
	}
}

func TestGatewayRejectsAWrongToken(t *testing.T) {
	s := NewServer(t, nil)
	ws, _, err := websocket.DefaultDialer.Dial(s.GatewayURL()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var hello frame
	if err := ws.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	_ = ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": "nope", "intents": 0}})
	_, _, err = ws.ReadMessage()
	if !websocket.IsCloseError(err, 4004) {
		t.Errorf("read after a bad IDENTIFY: %v, want close 4004", err)
	}
}
