package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// serve answers a valid request by its route.
func (s *Server) serve(w http.ResponseWriter, req Request) {
	switch req.Route {
	case "GET /gateway":
		writeJSON(w, http.StatusOK, map[string]any{"url": s.GatewayURL()})
	case "GET /gateway/bot":
		writeJSON(w, http.StatusOK, map[string]any{
			"url":                 s.GatewayURL(),
			"shards":              1,
			"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
		})
	case "GET /users/@me":
		writeJSON(w, http.StatusOK, botUser())
	case "GET /applications/@me":
		writeJSON(w, http.StatusOK, map[string]any{"id": AppID, "name": "elma", "description": "", "bot": botUser(), "flags": 0})
	case "POST /users/@me/channels":
		s.createDM(w, req)
	case "POST /channels/{channel_id}/messages":
		s.createMessage(w, req)
	case "PATCH /channels/{channel_id}/messages/{message_id}":
		s.editMessage(w, req)
	case "POST /interactions/{interaction_id}/{interaction_token}/callback":
		s.callback(w, req)
	case "GET /webhooks/{webhook_id}/{webhook_token}/messages/@original",
		"PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original",
		"DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original":
		s.original(w, req)
	case "POST /webhooks/{webhook_id}/{webhook_token}":
		s.followup(w, req)
	case "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}":
		s.editFollowup(w, req)
	case "PUT /applications/{application_id}/commands",
		"PUT /applications/{application_id}/guilds/{guild_id}/commands":
		s.putCommands(w, req)
	case "GET /applications/{application_id}/commands":
		s.getCommands(w, req)
	case "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}",
		"DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}":
		s.memberRole(w, req)
	default:
		if s.serveEvents(w, req) {
			return
		}
		s.t.Errorf("discordtest: %s is in Discord's API but not in this fake", req.Route)
		writeError(w, http.StatusNotImplemented, 0, "not implemented by discordtest")
	}
}

func (s *Server) createDM(w http.ResponseWriter, req Request) {
	body, _ := req.Body.(map[string]any)
	userID := str(body["recipient_id"])
	if userID == "" {
		writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body: recipient_id")
		return
	}
	s.mu.Lock()
	p := s.person(userID)
	ch := apiChannel{ID: s.dmChannel(p), Type: 1, Recipients: []apiUser{p.api()}}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, ch)
}

func (s *Server) createMessage(w http.ResponseWriter, req Request) {
	channel := req.Params["channel_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if status, code, msg, ok := s.reachable(channel); !ok {
		writeError(w, status, code, msg)
		return
	}
	m := s.addMessage(channel, req.Body, "channel", "", req.At)
	m.Files = req.Files
	writeJSON(w, http.StatusOK, m.api())
}

// reachable says whether the bot may post in a channel: a known DM
// channel of someone who did not block it, or a guild channel a test
// pushed a message from. The caller holds s.mu.
func (s *Server) reachable(channel string) (status, code int, message string, ok bool) {
	if user, isDM := s.dmUser[channel]; isDM {
		if s.blocked[user] {
			return http.StatusForbidden, 50007, "Cannot send messages to this user", false
		}
		return 0, 0, "", true
	}
	if _, known := s.messages[channel]; known {
		return 0, 0, "", true
	}
	return http.StatusNotFound, 10003, "Unknown Channel", false
}

func (s *Server) editMessage(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findMessage(req.Params["channel_id"], req.Params["message_id"])
	if m == nil || m.Flags&flagEphemeral != 0 {
		// An ephemeral message is not the channel's: only the
		// interaction's token reaches it.
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	m.edit(req.Body)
	writeJSON(w, http.StatusOK, m.api())
}

// callback takes the acknowledgement of an interaction: once, within
// three seconds, with a type that fits the interaction.
func (s *Server) callback(w http.ResponseWriter, req Request) {
	body, _ := req.Body.(map[string]any)
	typ := intOf(body["type"])
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[req.Params["interaction_id"]]
	if in == nil || in.token != req.Params["interaction_token"] {
		writeError(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	delay := req.At.Sub(in.pushedAt)
	if delay > AckLimit {
		s.t.Errorf("discordtest: interaction %s acknowledged after %v, Discord allows %v", in.id, delay, AckLimit)
		writeError(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	if in.ack != 0 {
		s.t.Errorf("discordtest: interaction %s acknowledged twice", in.id)
		writeError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	if !fits(in.kind, typ) {
		s.t.Errorf("discordtest: interaction %s of type %d answered with callback type %d", in.id, in.kind, typ)
		writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body: type")
		return
	}
	in.ack = typ
	data, _ := body["data"].(map[string]any)
	in.ackFlags = intOf(data["flags"])
	s.responses = append(s.responses, InteractionResponse{Interaction: in.id, Type: typ, Content: str(data["content"]), Flags: in.ackFlags, Delay: delay, At: req.At, Choices: choicesOf(data)})
	switch typ {
	case callbackMessage:
		in.original = s.addMessage(in.channel, data, "callback", in.id, req.At).ID
	case callbackUpdate:
		if m := s.findMessage(in.channel, in.onMessage); m != nil {
			m.edit(data)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// fits tells whether a callback type may answer an interaction type:
// updates of the message only for a pressed button.
func fits(kind, callback int) bool {
	switch callback {
	case callbackMessage, callbackDeferredMessage:
		return true
	case callbackDeferredUpdate, callbackUpdate:
		return kind == interactionComponent
	case callbackAutocomplete:
		return kind == interactionAutocomplete
	}
	return false
}

// original serves @original: the response to an interaction, which a
// deferred message brings into being on its first edit.
func (s *Server) original(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.webhookInteraction(w, req)
	if !ok {
		return
	}
	msgID := in.original
	if in.ack == callbackDeferredUpdate || in.ack == callbackUpdate {
		msgID = in.onMessage
	}
	m := s.findMessage(in.channel, msgID)
	switch req.Method {
	case http.MethodPatch:
		if m == nil && in.ack == callbackDeferredMessage {
			m = s.addMessage(in.channel, req.Body, "original", in.id, req.At)
			m.Flags = in.ackFlags // a deferred response keeps the flags of its acknowledgement
			in.original = m.ID
			writeJSON(w, http.StatusOK, m.api())
			return
		}
		if m == nil || m.Deleted {
			writeError(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		m.edit(req.Body)
		writeJSON(w, http.StatusOK, m.api())
	case http.MethodDelete:
		if in.ack == callbackDeferredMessage && in.original == "" {
			// Deleting a pending "thinking…" response removes it.
			m = s.addMessage(in.channel, nil, "original", in.id, req.At)
			in.original = m.ID
		}
		if m == nil || m.Deleted {
			writeError(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		m.Deleted = true
		w.WriteHeader(http.StatusNoContent)
	default:
		if m == nil || m.Deleted {
			writeError(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		writeJSON(w, http.StatusOK, m.api())
	}
}

func (s *Server) followup(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.webhookInteraction(w, req)
	if !ok {
		return
	}
	m := s.addMessage(in.channel, req.Body, "followup", in.id, req.At)
	if body, ok := req.Body.(map[string]any); ok {
		m.Flags = intOf(body["flags"])
	}
	if req.Query.Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, m.api())
}

// editFollowup edits a message made through the interaction's webhook.
func (s *Server) editFollowup(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.webhookInteraction(w, req)
	if !ok {
		return
	}
	m := s.findMessage(in.channel, req.Params["message_id"])
	if m == nil || m.Interaction != in.id || m.Deleted {
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	m.edit(req.Body)
	writeJSON(w, http.StatusOK, m.api())
}

// webhookInteraction finds the interaction an interaction webhook call
// is for: the application's id, a live token, an acknowledged
// interaction. The caller holds s.mu.
func (s *Server) webhookInteraction(w http.ResponseWriter, req Request) (*interaction, bool) {
	if req.Params["webhook_id"] != AppID {
		writeError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, false
	}
	var in *interaction
	for _, x := range s.interactions {
		if x.token == req.Params["webhook_token"] {
			in = x
		}
	}
	if in == nil || req.At.Sub(in.pushedAt) > tokenLife {
		writeError(w, http.StatusUnauthorized, 50027, "Invalid Webhook Token")
		return nil, false
	}
	if in.ack == 0 {
		s.t.Errorf("discordtest: %s before interaction %s was acknowledged", req.Route, in.id)
		writeError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, false
	}
	return in, true
}

// putCommands replaces the global commands, or a guild's.
func (s *Server) putCommands(w http.ResponseWriter, req Request) {
	if req.Params["application_id"] != AppID {
		writeError(w, http.StatusForbidden, 50001, "Missing Access")
		return
	}
	guild, inGuild := req.Params["guild_id"]
	if inGuild && guild != GuildID && guild != OtherGuildID {
		writeError(w, http.StatusNotFound, 10004, "Unknown Guild")
		return
	}
	cmds, ok := decodeCommands(w, req)
	if !ok {
		return
	}
	s.mu.Lock()
	if inGuild {
		s.guildCmds[guild] = s.register(cmds)
	} else {
		s.commands = s.register(cmds)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, cmds)
}

// decodeCommands reads the body of a PUT of commands.
func decodeCommands(w http.ResponseWriter, req Request) ([]apiCommand, bool) {
	raw, _ := json.Marshal(req.Body)
	var cmds []apiCommand
	if err := json.Unmarshal(raw, &cmds); err != nil {
		writeError(w, http.StatusBadRequest, 50035, "Invalid Form Body: "+err.Error())
		return nil, false
	}
	return cmds, true
}

// register gives the commands of a PUT their ids; the caller holds s.mu.
func (s *Server) register(cmds []apiCommand) []Command {
	out := []Command{}
	for i := range cmds {
		cmds[i].ID = s.id()
		cmds[i].ApplicationID = AppID
		cmds[i].Version = cmds[i].ID
		if cmds[i].Type == 0 {
			cmds[i].Type = 1
		}
		out = append(out, cmds[i].command())
	}
	return out
}

func (s *Server) getCommands(w http.ResponseWriter, req Request) {
	if req.Params["application_id"] != AppID {
		writeError(w, http.StatusForbidden, 50001, "Missing Access")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]apiCommand, 0, len(s.commands))
	for _, c := range s.commands {
		out = append(out, apiCommand{ID: c.ID, ApplicationID: AppID, Version: c.ID, Type: 1, Name: c.Name, Description: c.Description})
	}
	writeJSON(w, http.StatusOK, out)
}

// apiCommand is a command as the bot registers it and Discord echoes it.
type apiCommand struct {
	ID                       string            `json:"id"`
	ApplicationID            string            `json:"application_id"`
	Version                  string            `json:"version"`
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	DefaultMemberPermissions *int64            `json:"default_member_permissions,omitempty"`
	Contexts                 []int             `json:"contexts,omitempty"`
	Options                  []struct {
		Type                     int               `json:"type"`
		Name                     string            `json:"name"`
		NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
		Description              string            `json:"description"`
		DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
		Required                 bool              `json:"required"`
		Autocomplete             bool              `json:"autocomplete,omitempty"`
	} `json:"options,omitempty"`
}

func (c apiCommand) command() Command {
	out := Command{ID: c.ID, Name: c.Name, NameLocalizations: c.NameLocalizations, Description: c.Description,
		DescriptionLocalizations: c.DescriptionLocalizations, Contexts: c.Contexts, DefaultMemberPermissions: c.DefaultMemberPermissions}
	for _, o := range c.Options {
		out.Options = append(out.Options, CommandOption{Type: o.Type, Name: o.Name, NameLocalizations: o.NameLocalizations, Description: o.Description,
			DescriptionLocalizations: o.DescriptionLocalizations, Required: o.Required, Autocomplete: o.Autocomplete})
	}
	return out
}

// addMessage stores a message the bot made; body is the request's
// decoded JSON (content, components). The caller holds s.mu.
func (s *Server) addMessage(channel string, body any, via, interactionID string, at time.Time) *Message {
	obj, _ := body.(map[string]any)
	m := &Message{ID: s.id(), ChannelID: channel, Via: via, Interaction: interactionID, At: at}
	if via == "callback" {
		m.Flags = intOf(obj["flags"])
	}
	m.set(obj)
	m.Edits = 0
	s.messages[channel] = append(s.messages[channel], m)
	return m
}

// findMessage finds a message in a channel; the caller holds s.mu.
func (s *Server) findMessage(channel, id string) *Message {
	for _, m := range s.messages[channel] {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func (m *Message) edit(body any) {
	obj, _ := body.(map[string]any)
	m.set(obj)
}

// set applies the fields a create or an edit carries.
func (m *Message) set(obj map[string]any) {
	if c, ok := obj["content"].(string); ok {
		m.Content = c
	}
	if rows, ok := obj["components"]; ok {
		list, _ := rows.([]any)
		m.components = rows
		m.Rows = decodeRows(list)
	}
	if embeds, ok := obj["embeds"]; ok {
		list, _ := embeds.([]any)
		m.embeds = embeds
		m.Embeds = decodeEmbeds(list)
	}
	m.Edits++
}

func (m *Message) api() apiMessage {
	comps := m.components
	if comps == nil {
		comps = []any{}
	}
	embeds, _ := m.embeds.([]any)
	if embeds == nil {
		embeds = []any{}
	}
	return apiMessage{
		ID:          m.ID,
		ChannelID:   m.ChannelID,
		Content:     m.Content,
		Author:      botUser(),
		Timestamp:   m.At.UTC().Format(time.RFC3339Nano),
		Mentions:    []apiUser{},
		Components:  comps,
		Embeds:      embeds,
		Attachments: m.attachments(),
	}
}

// attachments describes the message's files as Discord's attachment
// objects.
func (m *Message) attachments() []any {
	out := make([]any, 0, len(m.Files))
	for i, f := range m.Files {
		url := "https://cdn.discordapp.invalid/attachments/" + m.ChannelID + "/" + m.ID + "/" + f.Name
		out = append(out, map[string]any{
			"id": m.ID + strconv.Itoa(i), "filename": f.Name, "size": len(f.Data),
			"url": url, "proxy_url": url, "content_type": f.ContentType,
		})
	}
	return out
}

func botUser() apiUser {
	return apiUser{ID: BotID, Username: BotName, Discriminator: "0", Bot: true}
}

func intOf(v any) int {
	n, _ := v.(json.Number)
	i, _ := n.Int64()
	return int(i)
}
