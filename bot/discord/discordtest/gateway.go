package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
)

// heartbeatInterval is what HELLO announces, in milliseconds; Discord's
// own value. The bot beats once at once and then rarely within a test.
const heartbeatInterval = 41250

// outBuffer is how many frames may wait for one connection's writer.
const outBuffer = 1024

// gateway is the server's websocket side; guarded by Server.mu.
type gateway struct {
	conns      map[*gwConn]bool
	ready      *gwConn  // the connection that identified last and is open
	queue      []gwSend // events pushed while no connection was ready
	seq        int64
	log        [][]byte // every dispatched event, by sequence number - 1, for resuming
	sessions   int
	resumes    int
	identifies []Identify
	heartbeats int
}

// gwSend is a dispatch event waiting for its sequence number.
type gwSend struct {
	typ  string
	data any
}

func newGateway() gateway { return gateway{conns: map[*gwConn]bool{}} }

// gwConn is one bot connection; out feeds its only writer.
type gwConn struct {
	ws     *websocket.Conn
	out    chan []byte
	closed bool // guarded by Server.mu
}

// frame is a gateway payload.
type frame struct {
	Op   int             `json:"op"`
	D    json.RawMessage `json:"d"`
	S    *int64          `json:"s,omitempty"`
	Type string          `json:"t,omitempty"`
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.t.Errorf("discordtest: gateway upgrade: %v", err)
		return
	}
	c := &gwConn{ws: ws, out: make(chan []byte, outBuffer)}
	s.mu.Lock()
	s.gw.conns[c] = true
	s.send(c, 10, map[string]any{"heartbeat_interval": heartbeatInterval})
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range c.out {
			if ws.WriteMessage(websocket.TextMessage, msg) != nil {
				return
			}
		}
	}()
	s.readGateway(c)
	s.mu.Lock()
	s.drop(c)
	s.mu.Unlock()
	<-done
	ws.Close()
}

// readGateway answers the bot's frames until the connection ends.
func (s *Server) readGateway(c *gwConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			s.t.Errorf("discordtest: gateway frame is not JSON: %s", data)
			return
		}
		if !s.gatewayOp(c, f) {
			return
		}
	}
}

// gatewayOp handles one frame; false ends the connection.
func (s *Server) gatewayOp(c *gwConn, f frame) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Op {
	case 1: // heartbeat
		s.gw.heartbeats++
		s.send(c, 11, nil)
	case 2: // identify
		return s.identify(c, f.D)
	case 6: // resume
		s.resume(c, f.D)
	case 3, 4, 8: // presence, voice state, request members: nothing to do
	default:
		s.t.Errorf("discordtest: gateway op %d is not one a bot sends", f.Op)
	}
	return true
}

// identify checks the token and answers READY; the caller holds s.mu.
func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	if err := json.Unmarshal(d, &id); err != nil || (id.Token != Token && id.Token != "Bot "+Token) {
		msg := websocket.FormatCloseMessage(4004, "Authentication failed.")
		// A socket deadline: wall time, whatever the test's clock.
		_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		return false
	}
	s.gw.identifies = append(s.gw.identifies, Identify{Intents: id.Intents, At: s.clock.Now()})
	s.gw.sessions++
	s.dispatch(c, "READY", map[string]any{
		"v":                  10,
		"user":               botUser(),
		"guilds":             []any{},
		"private_channels":   []any{},
		"session_id":         "session-" + strconv.Itoa(s.gw.sessions),
		"resume_gateway_url": s.GatewayURL(),
		"application":        map[string]any{"id": AppID, "flags": 0},
	})
	s.gw.ready = c
	s.flush()
	s.broadcast()
	return true
}

// resume replays the events after the sequence number the bot names,
// then says RESUMED, as Discord does after a dropped connection; the
// caller holds s.mu.
func (s *Server) resume(c *gwConn, d json.RawMessage) {
	var r struct {
		Seq int64 `json:"seq"`
	}
	_ = json.Unmarshal(d, &r)
	for i := max(r.Seq, 0); i < int64(len(s.gw.log)); i++ {
		s.write(c, s.gw.log[i])
	}
	s.gw.resumes++
	s.dispatch(c, "RESUMED", map[string]any{})
	s.gw.ready = c
	s.flush()
	s.broadcast()
}

// push delivers an event now, or once the bot is connected; the caller
// holds s.mu.
func (s *Server) push(typ string, data any) {
	s.gw.queue = append(s.gw.queue, gwSend{typ, data})
	s.flush()
	s.broadcast()
}

// flush sends the queued events to the ready connection; the caller
// holds s.mu.
func (s *Server) flush() {
	c := s.gw.ready
	if c == nil || c.closed {
		return
	}
	for _, e := range s.gw.queue {
		s.dispatch(c, e.typ, e.data)
	}
	s.gw.queue = nil
}

// dispatch sends an op 0 event with the next sequence number; the caller
// holds s.mu.
func (s *Server) dispatch(c *gwConn, typ string, data any) {
	s.gw.seq++
	seq := s.gw.seq
	msg := frameBytes(0, data, &seq, typ)
	s.gw.log = append(s.gw.log, msg)
	s.write(c, msg)
}

// send writes a non-dispatch frame; the caller holds s.mu.
func (s *Server) send(c *gwConn, op int, data any) {
	s.write(c, frameBytes(op, data, nil, ""))
}

func (s *Server) write(c *gwConn, msg []byte) {
	if c.closed {
		return
	}
	select {
	case c.out <- msg:
	default:
		s.t.Errorf("discordtest: the bot reads the gateway too slowly (%d frames waiting)", outBuffer)
	}
}

func frameBytes(op int, data any, seq *int64, typ string) []byte {
	d, _ := json.Marshal(data)
	b, _ := json.Marshal(frame{Op: op, D: d, S: seq, Type: typ})
	return b
}

// drop forgets a connection; the caller holds s.mu.
func (s *Server) drop(c *gwConn) {
	if c.closed {
		return
	}
	c.closed = true
	close(c.out)
	delete(s.gw.conns, c)
	if s.gw.ready == c {
		s.gw.ready = nil
	}
	s.broadcast()
}

// DropGateway closes every gateway connection, as when Discord restarts
// a gateway node; a bot is expected to reconnect and resume.
func (s *Server) DropGateway() {
	s.mu.Lock()
	var conns []*gwConn
	for c := range s.gw.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
}
