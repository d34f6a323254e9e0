package discordtest

import (
	"slices"
	"time"
)

// Requests returns every recorded request, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls returns the requests matching pattern, oldest first. pattern is
// a route ("POST /channels/{channel_id}/messages") or a concrete
// request ("POST /channels/123/messages").
func (s *Server) Calls(pattern string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls(pattern)
}

func (s *Server) calls(pattern string) []Request {
	var out []Request
	for _, r := range s.requests {
		if r.matches(pattern) {
			out = append(out, r)
		}
	}
	return out
}

func (r Request) matches(pattern string) bool {
	return pattern == r.Route || pattern == r.Method+" "+r.Path
}

// Await blocks until at least n requests matching pattern arrived and
// returns them. It fails the test when ten seconds pass without them,
// so a broken bot cannot hang the run.
func (s *Server) Await(pattern string, n int) []Request {
	s.t.Helper()
	var out []Request
	s.await("requests "+pattern, n, func() int {
		out = s.calls(pattern)
		return len(out)
	})
	return out
}

// AwaitMessages blocks until the bot made at least n messages in a
// channel (deleted ones included) and returns them.
func (s *Server) AwaitMessages(channelID string, n int) []Message {
	s.t.Helper()
	var out []Message
	s.await("messages in channel "+channelID, n, func() int {
		out = s.messagesIn(channelID)
		return len(out)
	})
	return out
}

// AwaitIdentified blocks until the bot identified on the gateway n times.
func (s *Server) AwaitIdentified(n int) []Identify {
	s.t.Helper()
	var out []Identify
	s.await("gateway identifies", n, func() int {
		out = slices.Clone(s.gw.identifies)
		return len(out)
	})
	return out
}

// await waits until count, called under s.mu, reaches n.
func (s *Server) await(what string, n int, count func() int) {
	s.t.Helper()
	limit := time.NewTimer(awaitLimit)
	defer limit.Stop()
	for {
		s.mu.Lock()
		got, changed := count(), s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-limit.C:
			s.t.Fatalf("discordtest: waited %v for %d %s, have %d", awaitLimit, n, what, got)
			return
		}
	}
}

// Count is how many requests matched pattern.
func (s *Server) Count(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.counts[pattern]; ok {
		return n
	}
	return len(s.calls(pattern))
}

// Messages returns the messages the bot made in a channel, oldest first,
// as they are now (edits applied).
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.messagesIn(channelID)
}

func (s *Server) messagesIn(channelID string) []Message {
	var out []Message
	for _, m := range s.messages[channelID] {
		out = append(out, *m)
	}
	return out
}

// InteractionResponses returns the bot's acknowledgements, oldest first.
func (s *Server) InteractionResponses() []InteractionResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

// Response returns the acknowledgement of one interaction.
func (s *Server) Response(interactionID string) (InteractionResponse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.responses {
		if r.Interaction == interactionID {
			return r, true
		}
	}
	return InteractionResponse{}, false
}

// Commands returns the registered global commands.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}

// Identifies returns what the bot sent each time it identified.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.gw.identifies)
}

// Resumes is how many times the bot resumed a dropped session.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.resumes
}

// Heartbeats is how many heartbeats the bot sent.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.heartbeats
}
