package telegramtest

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

// Calls returns the recorded requests of one method, oldest first.
func (s *Server) Calls(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls(method)
}

func (s *Server) calls(method string) []Request {
	var out []Request
	for _, r := range s.requests {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// Count is how many calls of method arrived, recorded or not.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[method]
}

// Await blocks until at least n calls of method arrived and returns the
// recorded ones. It fails the test when ten seconds pass without a new
// call, so a broken bot cannot hang the run.
func (s *Server) Await(method string, n int) []Request {
	s.t.Helper()
	idle := time.NewTimer(awaitLimit)
	defer idle.Stop()
	for {
		s.mu.Lock()
		got, changed := s.counts[method], s.changed
		if got >= n {
			out := s.calls(method)
			s.mu.Unlock()
			return out
		}
		s.mu.Unlock()
		select {
		case <-changed:
			if s.Count(method) > got {
				idle.Reset(awaitLimit)
			}
		case <-idle.C:
			s.t.Fatalf("telegramtest: no %s call for %v; have %d, want %d", method, awaitLimit, got, n)
			return nil
		}
	}
}

// Deliveries is how many times getUpdates returned the update.
func (s *Server) Deliveries(updateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries[updateID]
}

// Confirmed is the highest offset the bot has passed to getUpdates: every
// update below it is acknowledged.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// Pending is how many queued updates are not yet acknowledged.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Outgoing returns the messages and polls the bot sent to a chat.
func (s *Server) Outgoing(chatID int64) []Outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.outgoing[chatID])
}

// Poll returns a poll the bot created.
func (s *Server) Poll(id string) (Poll, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.polls[id]
	if !ok {
		return Poll{}, false
	}
	return *p, true
}

// LastPoll returns the latest poll the bot sent to a chat.
func (s *Server) LastPoll(chatID int64) (Poll, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := s.outgoing[chatID]
	for i := len(sent) - 1; i >= 0; i-- {
		if p, ok := s.polls[sent[i].PollID]; ok {
			return *p, true
		}
	}
	return Poll{}, false
}

// ChatCommands returns the command menu set for one chat and a language
// ("" = every language of that chat's users); ok is false when none was.
func (s *Server) ChatCommands(chatID int64, lang string) (cmds []Command, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmds, ok = s.chatCommands[chatID][lang]
	return slices.Clone(cmds), ok
}

// Commands returns the command menu set for a language ("" = default).
func (s *Server) Commands(lang string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[lang])
}
