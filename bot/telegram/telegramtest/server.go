// Package telegramtest is a fake Telegram Bot API server for tests: it
// serves queued updates through getUpdates, answers the calls a bot
// makes, records every request with the clock's time, checks each one
// against the Bot API description in shared/specs, and can be told to
// fail or to play a user who blocked the bot.
package telegramtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/internal/specs"
	"github.com/elmabot/elmabot/bot/internal/upload"
)

// Token is the only bot token the server accepts.
const Token = "123456:telegramtest"

// BotID and BotUsername describe the bot getMe reports.
const (
	BotID       int64 = 123456
	BotUsername       = "elma_test_bot"
)

// longPollCap bounds how long an empty getUpdates waits, whatever timeout
// the bot asked for, so an idle long poll never holds a test up.
const longPollCap = 50 * time.Millisecond

// awaitLimit is how long Await waits for progress before failing the test.
const awaitLimit = 10 * time.Second

// Server is a fake Bot API server. Create it with NewServer.
type Server struct {
	t      testing.TB
	clock  clockwork.Clock
	spec   *Spec
	http   *httptest.Server
	closed chan struct{}
	close  sync.Once

	mu         sync.Mutex
	record     bool
	requests   []Request
	counts     map[string]int
	changed    chan struct{} // closed and replaced whenever something happens
	queue      []queued
	nextUpdate int
	deliveries map[int]int
	confirmed  int
	failNext   map[string][]failure
	failAlways map[string]failure
	// failAfter fails a method once an update was delivered (see
	// FailAfterDelivering).
	failAfter   map[string]failAfter
	blocked     map[int64]bool
	names       map[int64][2]string
	nextMessage int
	nextPoll    int
	nextQuery   int
	polls       map[string]*Poll
	outgoing    map[int64][]Outgoing
	commands    map[string][]Command
	// chatCommands are the menus set for one chat (scope "chat"), by
	// chat id then language ("" = every language).
	chatCommands map[int64]map[string][]Command
	rate         *rateLimit
	pollers      pollers
	webhook      webhook
}

type queued struct {
	id   int
	body json.RawMessage
}

type failAfter struct {
	update int
	failure
}

type failure struct {
	status     int
	retryAfter int
}

// NewServer starts a server that lives until the test ends. The clock
// stamps recorded requests and message dates; nil means the real clock.
// Without the Bot API description the test is skipped, or fails when the
// CI environment variable is set.
func NewServer(t testing.TB, clock clockwork.Clock) *Server {
	t.Helper()
	spec := mustSpec(t)
	if clock == nil {
		clock = clockwork.NewRealClock()
	}
	s := &Server{
		t:          t,
		clock:      clock,
		spec:       spec,
		closed:     make(chan struct{}),
		record:     true,
		counts:     map[string]int{},
		changed:    make(chan struct{}),
		nextUpdate: 1000,
		deliveries: map[int]int{},
		failNext:   map[string][]failure{},
		failAlways: map[string]failure{},
		failAfter:  map[string]failAfter{},
		blocked:    map[int64]bool{},
		names:      map[int64][2]string{},
		polls:      map[string]*Poll{},
		outgoing:   map[int64][]Outgoing{},
		commands:   map[string][]Command{},

		chatCommands: map[int64]map[string][]Command{},
	}
	s.http = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func mustSpec(t testing.TB) *Spec {
	t.Helper()
	return specs.Require(t, SpecFile, "the Telegram Bot API description", LoadSpec)
}

// URL is the API address to give the bot (its APIURL); methods live
// under URL + "/bot<token>/<method>".
func (s *Server) URL() string { return s.http.URL }

// Endpoint is the address pattern go-telegram-bot-api expects.
func (s *Server) Endpoint() string { return s.http.URL + "/bot%s/%s" }

// Close stops the server, releasing any waiting long poll first.
func (s *Server) Close() {
	s.close.Do(func() {
		close(s.closed)
		s.http.Close()
	})
}

// SetRecording turns the request log on or off; counts are kept either
// way. Benchmarks turn it off to keep memory flat.
func (s *Server) SetRecording(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record = on
}

// ServeHTTP answers one Bot API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := splitPath(r.URL.Path)
	if !ok || token != Token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0)
		return
	}
	params, files, err := readParams(r)
	if err != nil {
		s.t.Errorf("telegramtest: %s: unreadable request: %v", method, err)
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	// Logged once answered, so that a test woken by Await finds what the
	// call produced (an outgoing message, a poll) already recorded.
	defer s.log(method, params)
	if problems := s.spec.Check(method, params); len(problems) > 0 {
		for _, p := range problems {
			s.t.Errorf("telegramtest: request breaks the Bot API spec: %s", p)
		}
		writeError(w, http.StatusBadRequest, "Bad Request: "+strings.Join(problems, "; "), 0)
		return
	}
	if f, ok := s.takeFailure(method); ok {
		writeFailure(w, f)
		return
	}
	text := textParams(params)
	if f, ok := s.overRate(method, text); ok {
		writeFailure(w, f)
		return
	}
	s.serve(w, r, call{method: method, params: text, files: files})
}

// splitPath takes "/bot<token>/<method>" apart.
func splitPath(path string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	return token, method, ok && method != ""
}

// call is one Bot API call as the server reads it.
type call struct {
	method string
	params map[string]string
	files  map[string]File // uploaded files by parameter name
}

// readParams decodes a form, multipart or JSON body; uploads come back
// by parameter name.
func readParams(r *http.Request) (map[string]param, map[string]File, error) {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ctype {
	case "application/json":
		p, err := readJSON(r.Body)
		return p, nil, err
	case "multipart/form-data":
		return readMultipart(r)
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, err
	}
	return formParams(r.Form), nil, nil
}

// readMultipart reads a multipart body, keeping each uploaded file whole
// so a test can look at what was sent.
func readMultipart(r *http.Request) (map[string]param, map[string]File, error) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return nil, nil, err
	}
	params := formParams(r.MultipartForm.Value)
	files := map[string]File{}
	for name, headers := range r.MultipartForm.File {
		if len(headers) == 0 {
			continue
		}
		data, err := upload.Read(headers[0])
		if err != nil {
			return nil, nil, err
		}
		params[name] = param{form: true, text: "(file)"}
		files[name] = File{Name: headers[0].Filename, Data: data}
	}
	return params, files, nil
}

func formParams(values map[string][]string) map[string]param {
	params := make(map[string]param, len(values))
	for name, v := range values {
		if len(v) > 0 {
			params[name] = param{form: true, text: v[0]}
		}
	}
	return params
}

func readJSON(body io.Reader) (map[string]param, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	params := map[string]param{}
	if len(strings.TrimSpace(string(data))) == 0 {
		return params, nil
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("JSON body is not an object")
	}
	for name, value := range obj {
		params[name] = param{value: value}
	}
	return params, nil
}

// textParams gives every parameter as text, JSON-encoding structured
// values of a JSON body the way a form would carry them.
func textParams(params map[string]param) map[string]string {
	out := make(map[string]string, len(params))
	for name, p := range params {
		switch {
		case p.form:
			out[name] = p.text
		default:
			if s, ok := p.value.(string); ok {
				out[name] = s
				continue
			}
			b, _ := json.Marshal(p.value)
			out[name] = string(b)
		}
	}
	return out
}

// log records a request and wakes whoever waits for one.
func (s *Server) log(method string, params map[string]param) {
	at := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[method]++
	if s.record {
		s.requests = append(s.requests, Request{Method: method, Params: textParams(params), At: at})
	}
	s.broadcast()
}

// broadcast wakes every waiter; the caller holds s.mu.
func (s *Server) broadcast() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// FailNext makes the next call of method fail with status; for 429,
// retryAfter goes into the response parameters. Calls queue up.
func (s *Server) FailNext(method string, status, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[method] = append(s.failNext[method], failure{status, retryAfter})
}

// FailAlways makes every call of method fail with status until Heal.
func (s *Server) FailAlways(method string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAlways[method] = failure{status: status}
}

// FailAfterDelivering makes every call of method fail with status from
// the first call after update was delivered, until Heal: the bot gets the
// update and can never confirm it, as when it dies between the two, with
// no window in which a quick bot confirms it first. It ends FailAlways
// for method.
func (s *Server) FailAfterDelivering(update int, method string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failAlways, method)
	s.failAfter[method] = failAfter{update: update, failure: failure{status: status}}
}

// Heal ends FailAlways and FailAfterDelivering and drops queued failures
// for method.
func (s *Server) Heal(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.failAlways, method)
	delete(s.failAfter, method)
	delete(s.failNext, method)
}

// Block plays a user who blocked the bot: any message to chatID is
// refused with 403.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.failNext[method]; len(q) > 0 {
		s.failNext[method] = q[1:]
		return q[0], true
	}
	if fa, ok := s.failAfter[method]; ok && s.deliveries[fa.update] > 0 {
		return fa.failure, true
	}
	f, ok := s.failAlways[method]
	return f, ok
}

func writeFailure(w http.ResponseWriter, f failure) {
	switch {
	case f.status == http.StatusTooManyRequests:
		writeError(w, f.status, fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), f.retryAfter)
	case f.status == http.StatusForbidden:
		writeError(w, f.status, "Forbidden: bot was blocked by the user", 0)
	case f.status >= 500:
		writeError(w, f.status, "Internal Server Error", 0)
	default:
		writeError(w, f.status, "Bad Request: scripted failure", 0)
	}
}

func writeOK(w http.ResponseWriter, result any) {
	writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
}

func writeError(w http.ResponseWriter, status int, desc string, retryAfter int) {
	resp := apiResponse{ErrorCode: status, Description: desc}
	if retryAfter > 0 {
		resp.Parameters = &apiParameters{RetryAfter: retryAfter}
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
