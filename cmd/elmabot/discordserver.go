package main

import (
	"fmt"
	"strings"

	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/course"
)

// discordServer reads the course's Discord server from the environment:
// ELMA_DISCORD_GUILD, ELMA_DISCORD_COORDINATOR_ROLE,
// ELMA_DISCORD_ELECTIVE_ROLES (elective-id:role-id,...),
// ELMA_DISCORD_ELECTIVE_CHANNEL and ELMA_DISCORD_ANNOUNCE_CHANNEL. An
// elective the course does not have is a typo, refused.
func (g *globals) discordServer(c *course.Course) (discord.Server, error) {
	s := discord.Server{
		Guild:           strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_GUILD")),
		CoordinatorRole: strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_COORDINATOR_ROLE")),
		ElectiveChannel: strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_ELECTIVE_CHANNEL")),
		AnnounceChannel: strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_ANNOUNCE_CHANNEL")),
	}
	raw := strings.TrimSpace(g.env.Getenv("ELMA_DISCORD_ELECTIVE_ROLES"))
	if raw == "" {
		return s, nil
	}
	s.ElectiveRoles = map[string]string{}
	for _, pair := range strings.Split(raw, ",") {
		id, role, ok := strings.Cut(strings.TrimSpace(pair), ":")
		id, role = strings.TrimSpace(id), strings.TrimSpace(role)
		if !ok || id == "" || role == "" {
			return s, fmt.Errorf("ELMA_DISCORD_ELECTIVE_ROLES: %q is not elective-id:role-id", pair)
		}
		if _, known := c.Agenda.Elective(id); !known {
			return s, fmt.Errorf("ELMA_DISCORD_ELECTIVE_ROLES: the course has no elective %q", id)
		}
		s.ElectiveRoles[id] = role
	}
	return s, nil
}
