package discordtest

import (
	"net/http"
	"slices"
)

// flagEphemeral marks a message only the interaction's user sees.
const flagEphemeral = 64

// Interaction context types, as commands list where they may be used.
const (
	contextGuild = 0
	contextBotDM = 1
)

// Ephemeral reports whether only the interaction's user sees the message.
func (m Message) Ephemeral() bool { return m.Flags&flagEphemeral != 0 }

// SetRoles gives a member of the guild their roles, as their
// interactions there carry them.
func (s *Server) SetRoles(userID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[userID] = slices.Clone(roles)
}

// Roles lists a member's roles in the guild, as the bot left them.
func (s *Server) Roles(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.roles[userID])
}

// GuildCommands returns the commands registered for the guild.
func (s *Server) GuildCommands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.guildCmds[GuildID])
}

// PushButtonOn is PushButton under a given message of the channel,
// such as a private (ephemeral) reply among others'.
func (s *Server) PushButtonOn(userID, channelID, messageID, customID, locale string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.findMessage(channelID, messageID)
	if m == nil {
		s.t.Errorf("discordtest: no message %s in channel %s to press a button under", messageID, channelID)
		return ""
	}
	p := s.person(userID)
	in := s.newInteraction(interactionComponent, channelID)
	api := s.interactionFor(in, p, locale)
	api.Data = apiComponentData{CustomID: customID, ComponentType: 2}
	in.onMessage = m.ID
	msg := m.api()
	msg.Flags = m.Flags
	api.Message = &msg
	s.push("INTERACTION_CREATE", api)
	return in.id
}

// PushAutocomplete delivers what a user is typing into the "args"
// field of a command, in a channel (a DM channel or a guild channel),
// and returns the interaction id; the bot answers with choices
// (InteractionResponse.Choices).
func (s *Server) PushAutocomplete(channelID, userID, name, typed, locale string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	cmd := s.usableCommand(channelID, name)
	in := s.newInteraction(interactionAutocomplete, channelID)
	api := s.interactionFor(in, p, locale)
	api.Data = apiCommandData{ID: cmd.ID, Name: name, Type: 1, Options: []apiCommandOption{{Name: "args", Type: 3, Value: typed, Focused: true}}}
	if o, ok := option(cmd, "args"); !ok || !o.Autocomplete {
		s.t.Errorf("discordtest: /%s has no \"args\" option with autocomplete; Discord would not ask", name)
	}
	s.push("INTERACTION_CREATE", api)
	return in.id
}

// usableCommand finds the command a user could pick in a channel: a
// global one whose contexts include the channel's kind, or in a guild
// channel one of the guild's. The caller holds s.mu.
func (s *Server) usableCommand(channel, name string) Command {
	_, dm := s.dmUser[channel]
	want := contextGuild
	if dm {
		want = contextBotDM
	}
	for _, c := range s.commands {
		if c.Name == name && (len(c.Contexts) == 0 || slices.Contains(c.Contexts, want)) {
			return c
		}
	}
	if !dm {
		for _, c := range s.guildCmds[GuildID] {
			if c.Name == name {
				return c
			}
		}
	}
	s.t.Errorf("discordtest: /%s is not a command registered for this channel; Discord would not offer it", name)
	return Command{ID: "0"}
}

func option(c Command, name string) (CommandOption, bool) {
	for _, o := range c.Options {
		if o.Name == name {
			return o, true
		}
	}
	return CommandOption{}, false
}

// memberRole gives a member a role (PUT) or takes it away (DELETE).
// Only the users the test knows are members.
func (s *Server) memberRole(w http.ResponseWriter, req Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, role := req.Params["user_id"], req.Params["role_id"]
	if req.Params["guild_id"] != GuildID {
		writeError(w, http.StatusNotFound, 10004, "Unknown Guild")
		return
	}
	if _, ok := s.users[user]; !ok {
		writeError(w, http.StatusNotFound, 10007, "Unknown Member")
		return
	}
	have := slices.DeleteFunc(s.roles[user], func(r string) bool { return r == role })
	if req.Method == http.MethodPut {
		have = append(have, role)
	}
	s.roles[user] = have
	s.broadcast()
	w.WriteHeader(http.StatusNoContent)
}

// choicesOf reads an autocomplete answer's choices.
func choicesOf(data map[string]any) []Choice {
	list, _ := data["choices"].([]any)
	var out []Choice
	for _, c := range list {
		m, _ := c.(map[string]any)
		out = append(out, Choice{Name: str(m["name"]), Value: str(m["value"])})
	}
	return out
}

// AddChannel makes a text channel of the guild the bot may post in
// (an announcements channel), before anyone wrote there.
func (s *Server) AddChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.messages[channelID]; !ok {
		s.messages[channelID] = nil
	}
}
