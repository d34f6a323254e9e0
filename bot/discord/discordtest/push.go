package discordtest

import (
	"strings"
	"time"
)

// SetName gives a user the names their events carry; by default a user
// is "user<id>" with no global (display) name.
func (s *Server) SetName(userID, username, globalName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	p.username, p.globalName = username, globalName
}

// DMChannel is the id of the DM channel between the bot and a user,
// opened on first use.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannel(s.person(userID))
}

// PushDM delivers a message a user wrote to the bot in their DM channel
// and returns its id.
func (s *Server) PushDM(userID, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	m := apiMessage{
		ID:        s.id(),
		ChannelID: s.dmChannel(p),
		Content:   text,
		Author:    p.api(),
		Timestamp: s.clock.Now().UTC().Format(time.RFC3339Nano),
		Mentions:  []apiUser{},
	}
	s.push("MESSAGE_CREATE", m)
	return m.ID
}

// PushGuildMessage delivers a message a user wrote in a guild channel,
// mentioning the bot if mention is set, and returns its id. The bot may
// then post in that channel.
func (s *Server) PushGuildMessage(channelID, userID, text string, mention bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	if _, ok := s.messages[channelID]; !ok {
		s.messages[channelID] = nil
	}
	m := apiMessage{
		ID:        s.id(),
		ChannelID: channelID,
		GuildID:   GuildID,
		Content:   text,
		Author:    p.api(),
		Timestamp: s.clock.Now().UTC().Format(time.RFC3339Nano),
		Mentions:  []apiUser{},
	}
	if mention {
		m.Content = "<@" + BotID + "> " + text
		m.Mentions = []apiUser{botUser()}
	}
	s.push("MESSAGE_CREATE", m)
	return m.ID
}

// PushButton delivers a press on a button with customID under the bot's
// latest message in channelID, by a user whose client speaks locale
// ("es-ES"), and returns the interaction id. A channel that is not a DM
// channel is taken as a guild channel.
func (s *Server) PushButton(userID, channelID, customID, locale string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	in := s.newInteraction(interactionComponent, channelID)
	api := s.interactionFor(in, p, locale)
	api.Data = apiComponentData{CustomID: customID, ComponentType: 2}
	if sent := s.messages[channelID]; len(sent) > 0 {
		last := sent[len(sent)-1]
		in.onMessage = last.ID
		msg := last.api()
		api.Message = &msg
	}
	s.push("INTERACTION_CREATE", api)
	return in.id
}

// PushCommand delivers a slash command a user ran in their DM channel
// with the bot; args, when not empty, is the value of the "args" option.
// It returns the interaction id. The command must be registered.
func (s *Server) PushCommand(userID, name, args, locale string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person(userID)
	return s.pushCommand(p, s.dmChannel(p), name, args, locale)
}

// PushGuildCommand is PushCommand in a guild channel.
func (s *Server) PushGuildCommand(channelID, userID, name, args, locale string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushCommand(s.person(userID), channelID, name, args, locale)
}

// pushCommand builds the interaction; the caller holds s.mu.
func (s *Server) pushCommand(p *person, channel, name, args, locale string) string {
	cmd := s.usableCommand(channel, name)
	data := apiCommandData{ID: cmd.ID, Name: name, Type: 1}
	if args != "" {
		if _, ok := option(cmd, "args"); !ok {
			s.t.Errorf("discordtest: /%s has no \"args\" option", name)
		}
		data.Options = []apiCommandOption{{Name: "args", Type: 3, Value: args}}
	}
	in := s.newInteraction(interactionCommand, channel)
	api := s.interactionFor(in, p, locale)
	api.Data = data
	s.push("INTERACTION_CREATE", api)
	return in.id
}

// newInteraction records an interaction about to be pushed; the caller
// holds s.mu.
func (s *Server) newInteraction(kind int, channel string) *interaction {
	id := s.id()
	in := &interaction{id: id, token: "token-" + id, channel: channel, kind: kind, pushedAt: s.clock.Now()}
	s.interactions[id] = in
	return in
}

// interactionFor builds the event: in a DM the user is "user", in a
// guild "member.user"; the caller holds s.mu.
func (s *Server) interactionFor(in *interaction, p *person, locale string) apiInteraction {
	api := apiInteraction{
		ID:            in.id,
		ApplicationID: AppID,
		Type:          in.kind,
		ChannelID:     in.channel,
		Channel:       apiChannel{ID: in.channel, Type: 1},
		Token:         in.token,
		Version:       1,
		Locale:        locale,
		Context:       1,
	}
	u := p.api()
	if _, dm := s.dmUser[in.channel]; dm {
		api.User = &u
		return api
	}
	api.GuildID = GuildID
	api.GuildLocale = "en-US"
	api.Channel.Type = 0
	api.Context = 0
	api.Member = &apiMember{User: u, Roles: append([]string{}, s.roles[p.id]...)}
	if _, ok := s.messages[in.channel]; !ok {
		s.messages[in.channel] = nil
	}
	return api
}

// person finds or makes a user; the caller holds s.mu.
func (s *Server) person(id string) *person {
	p, ok := s.users[id]
	if !ok {
		p = &person{id: id, username: "user" + strings.TrimLeft(id, "0")}
		s.users[id] = p
	}
	return p
}

// dmChannel opens a user's DM channel once; the caller holds s.mu.
func (s *Server) dmChannel(p *person) string {
	if p.dm == "" {
		p.dm = s.id()
		s.dmUser[p.dm] = p.id
		s.messages[p.dm] = nil
	}
	return p.dm
}

func (p *person) api() apiUser {
	u := apiUser{ID: p.id, Username: p.username, Discriminator: "0"}
	if p.globalName != "" {
		g := p.globalName
		u.GlobalName = &g
	}
	return u
}
