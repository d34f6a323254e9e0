package discordtest

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// ScheduledEvent is a guild scheduled event as the fake Discord keeps it.
type ScheduledEvent struct {
	ID           string
	GuildID      string
	CreatorID    string
	Name         string
	Description  string
	Location     string
	Start, End   time.Time
	EntityType   int
	PrivacyLevel int
	Status       int // 1 scheduled, 2 active, 3 completed, 4 cancelled
	Edits        int
}

// Codes Discord answers with about scheduled events.
const (
	codeUnknownGuild = 10004
	codeUnknownEvent = 10070
	entityExternal   = 3
	statusScheduled  = 1
)

// AddScheduledEvent puts an event in the test guild as someone else
// made it (creatorID, a moderator say) and returns its id.
func (s *Server) AddScheduledEvent(creatorID, name string, start, end time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &ScheduledEvent{ID: s.id(), GuildID: GuildID, CreatorID: creatorID, Name: name, Location: "somewhere",
		Start: start.UTC(), End: end.UTC(), EntityType: entityExternal, PrivacyLevel: 2, Status: statusScheduled}
	s.events = append(s.events, e)
	s.broadcast()
	return e.ID
}

// DeleteScheduledEvent removes an event as a moderator would.
func (s *Server) DeleteScheduledEvent(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = slices.DeleteFunc(s.events, func(e *ScheduledEvent) bool { return e.ID == id })
	s.broadcast()
}

// ScheduledEvents lists the test guild's events, in the order made.
func (s *Server) ScheduledEvents() []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ScheduledEvent, 0, len(s.events))
	for _, e := range s.events {
		out = append(out, *e)
	}
	return out
}

// serveEvents answers the scheduled-event routes; false for any other.
func (s *Server) serveEvents(w http.ResponseWriter, req Request) bool {
	switch req.Route {
	case "GET /guilds/{guild_id}/scheduled-events":
		s.listEvents(w, req)
	case "POST /guilds/{guild_id}/scheduled-events":
		s.createEvent(w, req)
	case "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}":
		s.editEvent(w, req)
	case "DELETE /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}":
		s.deleteEvent(w, req)
	default:
		return false
	}
	return true
}

func (s *Server) listEvents(w http.ResponseWriter, req Request) {
	if req.Params["guild_id"] != GuildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]apiScheduledEvent, 0, len(s.events))
	for _, e := range s.events {
		out = append(out, e.api())
	}
	writeJSON(w, http.StatusOK, out)
}

// createEvent makes an event, as Discord would: an external one needs a
// location and an end after its start, which must be ahead.
func (s *Server) createEvent(w http.ResponseWriter, req Request) {
	if req.Params["guild_id"] != GuildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
		return
	}
	body, _ := req.Body.(map[string]any)
	e := &ScheduledEvent{GuildID: GuildID, CreatorID: BotID, Status: statusScheduled}
	if s.refused(w, req, e.apply(body, req.At, true)) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e.ID = s.id()
	e.Edits = 0
	s.events = append(s.events, e)
	writeJSON(w, http.StatusOK, e.api())
}

func (s *Server) editEvent(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.findEvent(w, req)
	if e == nil {
		return
	}
	body, _ := req.Body.(map[string]any)
	next := *e
	if s.refused(w, req, next.apply(body, req.At, false)) {
		return
	}
	*e = next
	writeJSON(w, http.StatusOK, e.api())
}

func (s *Server) deleteEvent(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.findEvent(w, req)
	if e == nil {
		return
	}
	s.events = slices.DeleteFunc(s.events, func(x *ScheduledEvent) bool { return x == e })
	w.WriteHeader(http.StatusNoContent)
}

// refused fails the test and answers 400 when there is a problem.
func (s *Server) refused(w http.ResponseWriter, req Request, problem string) bool {
	if problem == "" {
		return false
	}
	s.t.Errorf("discordtest: %s: %s", req.Route, problem)
	writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body: "+problem)
	return true
}

// findEvent finds the event a request names, or answers 404; the caller
// holds s.mu.
func (s *Server) findEvent(w http.ResponseWriter, req Request) *ScheduledEvent {
	if req.Params["guild_id"] != GuildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild")
		return nil
	}
	for _, e := range s.events {
		if e.ID == req.Params["guild_scheduled_event_id"] {
			return e
		}
	}
	writeError(w, http.StatusNotFound, codeUnknownEvent, "Unknown Guild Scheduled Event")
	return nil
}

// apply sets what a create or an edit carries and checks what Discord
// checks beyond the description; it returns the problem, if any.
func (e *ScheduledEvent) apply(body map[string]any, now time.Time, create bool) string {
	oldStart := e.Start
	if v, ok := body["name"].(string); ok {
		e.Name = v
	}
	if v, ok := body["description"].(string); ok {
		e.Description = v
	}
	if v, ok := body["entity_type"]; ok && v != nil {
		e.EntityType = intOf(v)
	}
	if v, ok := body["privacy_level"]; ok {
		e.PrivacyLevel = intOf(v)
	}
	if m, ok := body["entity_metadata"].(map[string]any); ok {
		e.Location = str(m["location"])
	}
	for key, at := range map[string]*time.Time{"scheduled_start_time": &e.Start, "scheduled_end_time": &e.End} {
		if v, ok := body[key].(string); ok {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return fmt.Sprintf("%s %q is not a date-time", key, v)
			}
			*at = t.UTC()
		}
	}
	e.Edits++
	switch {
	case e.Name == "":
		return "an event needs a name"
	case e.EntityType == entityExternal && (e.Location == "" || e.End.IsZero()):
		return "an external event needs entity_metadata.location and scheduled_end_time"
	case !e.End.IsZero() && !e.End.After(e.Start):
		return "scheduled_end_time is not after scheduled_start_time"
	case (create || !e.Start.Equal(oldStart)) && !e.Start.After(now):
		return fmt.Sprintf("scheduled_start_time %s is not in the future (now %s)", e.Start.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return ""
}

// apiScheduledEvent is an external event as Discord sends it.
type apiScheduledEvent struct {
	ID             string            `json:"id"`
	GuildID        string            `json:"guild_id"`
	Name           string            `json:"name"`
	Description    *string           `json:"description"`
	ChannelID      *string           `json:"channel_id"`
	CreatorID      string            `json:"creator_id"`
	Image          *string           `json:"image"`
	Start          string            `json:"scheduled_start_time"`
	End            *string           `json:"scheduled_end_time"`
	Status         int               `json:"status"`
	EntityType     int               `json:"entity_type"`
	EntityID       *string           `json:"entity_id"`
	UserCount      int               `json:"user_count"`
	PrivacyLevel   int               `json:"privacy_level"`
	EntityMetadata map[string]string `json:"entity_metadata"`
}

func (e *ScheduledEvent) api() apiScheduledEvent {
	out := apiScheduledEvent{ID: e.ID, GuildID: e.GuildID, Name: e.Name, CreatorID: e.CreatorID,
		Start: e.Start.Format(time.RFC3339), Status: e.Status, EntityType: e.EntityType, PrivacyLevel: e.PrivacyLevel,
		EntityMetadata: map[string]string{"location": e.Location}}
	if e.Description != "" {
		out.Description = &e.Description
	}
	if !e.End.IsZero() {
		end := e.End.Format(time.RFC3339)
		out.End = &end
	}
	return out
}
