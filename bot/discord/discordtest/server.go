// Package discordtest is a fake Discord for tests: an HTTP server that
// answers the REST calls a bot makes, and a gateway over websocket that
// says hello, takes the bot's IDENTIFY, answers heartbeats and delivers
// the events a test pushes. Every REST request is recorded with the
// clock's time and checked against Discord's OpenAPI description in
// shared/specs, and against the rules the description cannot say
// (interactions answered once and within three seconds, unique
// custom_ids, 2000-character messages); a violation fails the test.
// EnforceRateLimits makes it answer at Discord's rate limits, with the
// X-RateLimit headers and 429s Discord sends, on the server's clock.
//
//	srv := discordtest.NewServer(t, clock)
//	a, _ := discord.New(discord.Config{Token: discordtest.Token, APIBase: srv.URL()})
//	go a.Run(ctx, handler)
//	srv.PushDM("2001", "hello")
//	msgs := srv.AwaitMessages(srv.DMChannel("2001"), 1)
package discordtest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/internal/specs"
)

// The identities the fake Discord gives the bot and its world. Ids are
// snowflakes: decimal strings.
const (
	Token   = "discordtest.bot.token"
	BotID   = "1000000000000000001"
	AppID   = "1000000000000000002"
	BotName = "elma_test_bot"
	GuildID = "1000000000000000003"
	// OtherGuildID is a second server the bot is in, where nothing
	// happens: events come from GuildID.
	OtherGuildID = "1000000000000000004"
)

// AckLimit is how long Discord waits for a bot to acknowledge an
// interaction before the interaction fails for the person.
const AckLimit = 3 * time.Second

// tokenLife is how long an interaction token can be used for follow-ups.
const tokenLife = 15 * time.Minute

// maxContent is a bot message's limit; the description says 4000, which
// holds only for people with a paid plan.
const maxContent = 2000

// maxRows is how many action rows a message with legacy components takes.
const maxRows = 5

// awaitLimit is how long Await waits for progress before failing the test.
const awaitLimit = 10 * time.Second

// Server is a fake Discord. Create it with NewServer.
type Server struct {
	t        testing.TB
	clock    clockwork.Clock
	spec     *Spec
	http     *httptest.Server
	upgrader websocket.Upgrader
	close    sync.Once

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced whenever something happens
	requests     []Request
	counts       map[string]int
	failNext     map[string][]failure
	blocked      map[string]bool
	nextID       int64
	users        map[string]*person
	dmUser       map[string]string // DM channel id -> user id
	messages     map[string][]*Message
	interactions map[string]*interaction // by id
	responses    []InteractionResponse
	commands     []Command
	guildCmds    map[string][]Command // each guild's own commands, by guild id
	roles        map[string][]string  // a member's roles in the guild, by user id
	events       []*ScheduledEvent    // the test guild's scheduled events
	gw           gateway
	limits       *limiter // nil until EnforceRateLimits
	rates        RateStats
}

type failure struct {
	status     int
	retryAfter float64
	proxy      bool // answered by a proxy in front of Discord: a page, not JSON
}

// person is a Discord user of the test.
type person struct {
	id, username, globalName string
	dm                       string // their DM channel with the bot, once opened
}

// interaction is one interaction the server pushed, with what the bot
// has done with it.
type interaction struct {
	id, token, channel string
	kind               int // 2 application command, 3 message component
	pushedAt           time.Time
	ack                int    // the callback type the bot answered with; 0: none yet
	ackFlags           int    // the flags of the acknowledgement (64: ephemeral)
	original           string // the id of the response message, once there is one
	onMessage          string // the message whose button was pressed
}

// NewServer starts a fake Discord that lives until the test ends. The
// clock stamps requests and decides the three-second and fifteen-minute
// limits; nil means the real clock. Without the OpenAPI description the
// test is skipped, or fails when the CI environment variable is set.
func NewServer(t testing.TB, clock clockwork.Clock) *Server {
	t.Helper()
	spec := mustSpec(t)
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	s := &Server{
		t:            t,
		clock:        clock,
		spec:         spec,
		changed:      make(chan struct{}),
		counts:       map[string]int{},
		failNext:     map[string][]failure{},
		blocked:      map[string]bool{},
		nextID:       1100000000000000000,
		users:        map[string]*person{},
		dmUser:       map[string]string{},
		messages:     map[string][]*Message{},
		interactions: map[string]*interaction{},
		roles:        map[string][]string{},
		guildCmds:    map[string][]Command{},
		gw:           newGateway(),
	}
	s.http = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func mustSpec(t testing.TB) *Spec {
	t.Helper()
	return specs.Require(t, SpecFile, "Discord's OpenAPI description", LoadSpec)
}

// URL is where the REST API lives; give it to the bot as the base that
// replaces https://discord.com. Paths are /api/v<N>/...
func (s *Server) URL() string { return s.http.URL }

// GatewayURL is the websocket address GET /gateway hands out.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/ws" }

// Close drops the gateway connections and stops the server.
func (s *Server) Close() {
	s.close.Do(func() {
		s.DropGateway()
		s.http.Close()
	})
}

// ServeHTTP answers one REST call, or opens the gateway.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" || r.URL.Path == "/ws/" {
		s.serveGateway(w, r)
		return
	}
	path, ok := apiPath(r.URL.Path)
	if !ok {
		s.t.Errorf("discordtest: %s %s: not under /api/v9 or /api/v10", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	body, files, err := readBody(r)
	if err != nil {
		s.t.Errorf("discordtest: %s %s: unreadable body: %v", r.Method, path, err)
		writeError(w, http.StatusBadRequest, 0, "unreadable body")
		return
	}
	route, params, ok := s.spec.Match(r.Method, path)
	if !ok {
		s.unknownRoute(w, r.Method, path, body)
		return
	}
	req := Request{Method: r.Method, Path: path, Route: route.String(), Params: params, Query: r.URL.Query(), Files: files, At: s.clock.Now()}
	req.Body, _ = decodeJSON(body)
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	// Logged once answered, so that a test woken by Await finds what the
	// call produced (a message, an acknowledgement) already in place.
	defer func() { s.log(req, rec.status) }()
	if !s.authorized(route, r.Header.Get("Authorization")) {
		writeError(rec, http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}
	if v := s.admit(route, params, req.At, rec.Header()); v.limited {
		writeLimited(rec, v)
		return
	}
	problems := s.spec.CheckRequest(route, params, r.URL.Query(), body)
	problems = append(problems, s.spec.CheckFiles(route, files)...)
	problems = append(problems, discordRules(route, req.Body, len(files))...)
	if len(problems) > 0 {
		for _, p := range problems {
			s.t.Errorf("discordtest: request breaks Discord's API: %s", p)
		}
		writeError(rec, http.StatusBadRequest, 50035, "Invalid Form Body: "+strings.Join(problems, "; "))
		return
	}
	if f, ok := s.takeFailure(req); ok {
		writeFailure(rec, f)
		return
	}
	s.serve(rec, req)
}

// apiPath strips the versioned prefix. discordgo v0.29 speaks v9; the
// description is of v10, which takes the same calls the bot makes.
func apiPath(p string) (string, bool) {
	for _, prefix := range []string{"/api/v9/", "/api/v10/"} {
		if rest, ok := strings.CutPrefix(p, prefix); ok {
			return "/" + rest, true
		}
	}
	return "", false
}

func (s *Server) unknownRoute(w http.ResponseWriter, method, path string, body []byte) {
	s.log(Request{Method: method, Path: path, At: s.clock.Now()}, http.StatusNotFound)
	if s.spec.PathExists(path) {
		s.t.Errorf("discordtest: %s %s: the path takes no %s", method, path, method)
		writeError(w, http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		return
	}
	s.t.Errorf("discordtest: %s %s: no such path in Discord's API (body %s)", method, path, body)
	writeError(w, http.StatusNotFound, 0, "404: Not Found")
}

// authorized checks the bot token: required where the route says so,
// and right wherever it is sent.
func (s *Server) authorized(route Route, header string) bool {
	if header == "" {
		return !route.NeedsToken()
	}
	return header == "Bot "+Token
}

// recorder remembers the status written, for the request log.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// log records a request and wakes whoever waits for one.
func (s *Server) log(req Request, status int) {
	req.Status = status
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[req.Route]++
	s.requests = append(s.requests, req)
	s.broadcast()
}

// broadcast wakes every waiter; the caller holds s.mu.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// FailNext makes the next request matching pattern fail with status.
// pattern is a route ("POST /channels/{channel_id}/messages") or a
// concrete request ("POST /channels/123/messages"). For 429,
// retryAfter (seconds, fractions allowed) goes into the body as Discord
// sends it. Failures queue up.
func (s *Server) FailNext(pattern string, status int, retryAfter float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[pattern] = append(s.failNext[pattern], failure{status: status, retryAfter: retryAfter})
}

// FailNextFromProxy makes the next call matching pattern a 429 from a
// proxy in front of Discord (Cloudflare's, say): an HTML page, the wait
// only in the Retry-After header, in whole seconds.
func (s *Server) FailNextFromProxy(pattern string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[pattern] = append(s.failNext[pattern], failure{status: http.StatusTooManyRequests, retryAfter: float64(retryAfter), proxy: true})
}

// Block plays a person who closed their DMs to the bot: messages to
// their DM channel are refused with 403, code 50007.
func (s *Server) Block(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

func (s *Server) takeFailure(req Request) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{req.Route, req.Method + " " + req.Path} {
		if q := s.failNext[key]; len(q) > 0 {
			s.failNext[key] = q[1:]
			return q[0], true
		}
	}
	return failure{}, false
}

func writeFailure(w http.ResponseWriter, f failure) {
	switch {
	case f.proxy:
		w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter)))
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = w.Write([]byte("<html><body><h1>429 Too Many Requests</h1></body></html>"))
	case f.status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.retryAfter))))
		w.Header().Set("X-RateLimit-Scope", "user")
		writeJSON(w, f.status, map[string]any{"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": false})
	case f.status >= 500:
		writeError(w, f.status, 0, fmt.Sprintf("%d: Server Error", f.status))
	default:
		writeError(w, f.status, 0, "scripted failure")
	}
}

// writeError answers as Discord does: a JSON error with a code.
func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "code": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// id hands out a new snowflake; the caller holds s.mu.
func (s *Server) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// discordRules checks what Discord enforces beyond the description:
// a bot's message holds at most 2000 characters and 5 action rows, the
// custom_ids of one message differ, its embeds keep their limits, and it
// has text, components, embeds or files.
func discordRules(route Route, body any, files int) []string {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil
	}
	if data, ok := obj["data"].(map[string]any); ok && strings.HasSuffix(route.Template, "/callback") {
		obj = data
	}
	var problems []string
	if c, ok := obj["content"].(string); ok && len([]rune(c)) > maxContent {
		problems = append(problems, fmt.Sprintf("%s: content of %d characters, a bot may send %d", route, len([]rune(c)), maxContent))
	}
	rows, _ := obj["components"].([]any)
	if len(rows) > maxRows {
		problems = append(problems, fmt.Sprintf("%s: %d action rows, at most %d", route, len(rows), maxRows))
	}
	seen := map[string]bool{}
	for _, b := range decodeRows(rows) {
		for _, btn := range b {
			if btn.CustomID != "" && seen[btn.CustomID] {
				problems = append(problems, fmt.Sprintf("%s: custom_id %q used twice in one message", route, btn.CustomID))
			}
			seen[btn.CustomID] = true
		}
	}
	embeds, _ := obj["embeds"].([]any)
	problems = append(problems, embedRules(route, embeds)...)
	if route.String() == "POST /channels/{channel_id}/messages" && strings.TrimSpace(str(obj["content"])) == "" && len(rows) == 0 && len(embeds) == 0 && files == 0 {
		problems = append(problems, fmt.Sprintf("%s: an empty message (Discord answers 50006)", route))
	}
	return problems
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// maxEmbedTotal is what the embeds of one message may hold in titles,
// descriptions, field names and values, and footers together.
const maxEmbedTotal = 6000

// embedRules checks what the description cannot say of embeds: their
// characters together stay within 6000, and a field has a name and a
// value that are not blank.
func embedRules(route Route, embeds []any) []string {
	var problems []string
	total := 0
	for i, e := range decodeEmbeds(embeds) {
		total += len([]rune(e.Title)) + len([]rune(e.Description)) + len([]rune(e.Footer))
		for j, f := range e.Fields {
			total += len([]rune(f.Name)) + len([]rune(f.Value))
			if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
				problems = append(problems, fmt.Sprintf("%s: embeds[%d].fields[%d] has a blank name or value", route, i, j))
			}
		}
	}
	if total > maxEmbedTotal {
		problems = append(problems, fmt.Sprintf("%s: embeds of %d characters, at most %d in one message", route, total, maxEmbedTotal))
	}
	return problems
}
