package discordtest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// testSpec loads the description, or skips the test without it (fails
// in CI).
func testSpec(t *testing.T) *Spec {
	t.Helper()
	path, err := FindSpec()
	var s *Spec
	if err == nil {
		s, err = LoadSpec(path)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return s
}

func TestMatchPrefersLiteralSegments(t *testing.T) {
	s := testSpec(t)
	cases := []struct{ method, path, route string }{
		{"GET", "/users/@me", "GET /users/@me"},
		{"GET", "/users/123", "GET /users/{user_id}"},
		{"PATCH", "/webhooks/1/tok/messages/@original", "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original"},
		{"PATCH", "/webhooks/1/tok/messages/55", "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"},
		{"POST", "/interactions/9/tok/callback", "POST /interactions/{interaction_id}/{interaction_token}/callback"},
	}
	for _, c := range cases {
		r, _, ok := s.Match(c.method, c.path)
		if !ok || r.String() != c.route {
			t.Errorf("%s %s matched %q (%v), want %q", c.method, c.path, r.String(), ok, c.route)
		}
	}
	if _, _, ok := s.Match("POST", "/channels/1/nothing-here"); ok {
		t.Error("a path that is not in the API matched")
	}
}

// check validates a JSON body sent to method path.
func check(t *testing.T, s *Spec, method, path, query string, body string) []string {
	t.Helper()
	r, params, ok := s.Match(method, path)
	if !ok {
		t.Fatalf("%s %s not in the spec", method, path)
	}
	q := map[string][]string{}
	if query != "" {
		k, v, _ := strings.Cut(query, "=")
		q[k] = []string{v}
	}
	return s.CheckRequest(r, params, q, []byte(body))
}

func button(fields string) string {
	return `{"content":"hi","components":[{"type":1,"components":[{"type":2,` + fields + `}]}]}`
}

// externalEvent is a scheduled event's body as the bot sends it.
func externalEvent(start, location string) string {
	return `{"name":"Plenary","description":"Week 2","scheduled_start_time":` + start + `,"scheduled_end_time":"2022-10-24T15:00:00Z",` +
		`"privacy_level":2,"entity_type":3,"channel_id":null,"entity_metadata":{"location":` + location + `}}`
}

func TestCheckRequestAcceptsWhatDiscordTakes(t *testing.T) {
	s := testSpec(t)
	valid := []struct{ method, path, query, body string }{
		{"POST", "/channels/1/messages", "", button(`"style":1,"label":"Yes","custom_id":"yes","disabled":false`)},
		{"POST", "/channels/1/messages", "", `{"content":"hi","tts":false,"embeds":null,"components":null,"sticker_ids":null,"allowed_mentions":{"parse":[]}}`},
		{"POST", "/interactions/1/tok/callback", "", `{"type":6}`},
		{"POST", "/interactions/1/tok/callback", "", `{"type":4,"data":{"content":"hi","flags":64,"tts":false,"components":null,"embeds":null}}`},
		{"POST", "/webhooks/1/tok", "wait=true", `{"content":"hi"}`},
		{"PUT", "/applications/1/commands", "", `[{"name":"quiz","type":1,"description":"Take a quiz","description_localizations":{"es-ES":"Hacer"},"contexts":[1],"integration_types":[0],"options":[{"type":3,"name":"args","description":"Rest","required":false}]}]`},
		{"GET", "/gateway", "", ``},
		{"POST", "/guilds/1/scheduled-events", "", externalEvent(`"2022-10-24T13:00:00Z"`, `"eCampus"`)},
		{"PATCH", "/guilds/1/scheduled-events/2", "", externalEvent(`"2022-10-24T13:00:00Z"`, `"eCampus"`)},
		{"GET", "/guilds/1/scheduled-events", "", ``},
		{"DELETE", "/guilds/1/scheduled-events/2", "", ``},
	}
	for _, v := range valid {
		if problems := check(t, s, v.method, v.path, v.query, v.body); len(problems) > 0 {
			t.Errorf("%s %s %s: %v", v.method, v.path, v.body, problems)
		}
	}
}

func TestCheckRequestCatchesViolations(t *testing.T) {
	s := testSpec(t)
	invalid := []struct {
		name                      string
		method, path, query, body string
		want                      string
	}{
		{"misspelt property", "POST", "/channels/1/messages", "", `{"contnet":"hi"}`, "body.contnet: unknown property"},
		{"wrong type", "POST", "/channels/1/messages", "", `{"content":5}`, "is not string or null"},
		{"button without style", "POST", "/channels/1/messages", "", button(`"label":"Yes","custom_id":"yes"`), `required property "style" missing`},
		{"no such style", "POST", "/channels/1/messages", "", button(`"style":9,"custom_id":"yes"`), "fits none"},
		{"long custom_id", "POST", "/channels/1/messages", "", button(`"style":1,"custom_id":"` + strings.Repeat("x", 101) + `"`), "at most 100"},
		{"row of six", "POST", "/channels/1/messages", "", `{"components":[{"type":1,"components":[` + strings.Repeat(`{"type":2,"style":1,"custom_id":"a"},`, 5) + `{"type":2,"style":1,"custom_id":"b"}]}]}`, "at most 5"},
		{"snowflake path", "POST", "/channels/general/messages", "", `{"content":"hi"}`, "does not match"},
		{"unknown query", "POST", "/webhooks/1/tok", "foo=1", `{"content":"hi"}`, `unknown query parameter "foo"`},
		{"bad boolean query", "POST", "/webhooks/1/tok", "wait=maybe", `{"content":"hi"}`, "is not boolean"},
		{"no such callback", "POST", "/interactions/1/tok/callback", "", `{"type":99}`, "fits none"},
		{"body where none goes", "GET", "/gateway", "", `{"a":1}`, "takes none"},
		{"missing body", "POST", "/channels/1/messages", "", ``, "request body missing"},
		{"event start not a date-time", "POST", "/guilds/1/scheduled-events", "", externalEvent(`"Mon 24 Oct 15:00"`, `"eCampus"`), "not a date-time"},
		{"event location too long", "POST", "/guilds/1/scheduled-events", "", externalEvent(`"2022-10-24T13:00:00Z"`, `"`+strings.Repeat("x", 101)+`"`), "at most 100"},
		{"event in a voice channel's shape", "POST", "/guilds/1/scheduled-events", "", `{"name":"x","scheduled_start_time":"2022-10-24T13:00:00Z","privacy_level":2,"entity_type":3}`, "fits none"},
		{"command option with extras", "PUT", "/applications/1/commands", "", `[{"name":"quiz","description":"x","options":[{"type":3,"name":"args","description":"x","channel_types":null}]}]`, "fits none"},
	}
	for _, c := range invalid {
		problems := check(t, s, c.method, c.path, c.query, c.body)
		if !strings.Contains(strings.Join(problems, "\n"), c.want) {
			t.Errorf("%s: problems %q, want one saying %q", c.name, problems, c.want)
		}
	}
}

// recordingTB stands in for the test a server reports to, so that a test
// can see the server fail a test on a bad request.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) errors() string { return r.since(0) }

// since joins the complaints after the first n.
func (r *recordingTB) since(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs[n:], "\n")
}

func (r *recordingTB) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs)
}
