package discord

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// argsOption is the one option every slash command takes: the rest of
// the line, so "/quiz week-1" works as it does when typed.
const argsOption = "args"

// baseLang is the language of the menu whose names and descriptions are
// the defaults; the other languages' descriptions become localizations.
const baseLang = "en"

// Limits of Discord's application commands.
const (
	maxCommands    = 100
	maxCommandName = 32
	maxCommandDesc = 100
)

// Command kinds and places, as Discord numbers them.
const (
	chatInput    = 1 // a slash command
	contextGuild = 0 // usable in a server's channels
	contextBotDM = 1 // usable in the DM with the bot
	guildInstall = 0 // installed with the bot in a server
)

// optionText describes the args option in the languages the course has.
func optionText(lang string) (string, bool) {
	switch lang {
	case "en":
		return "What follows the command (optional)", true
	case "es":
		return "Lo que sigue al comando (opcional)", true
	}
	return "", false
}

// command is an application command as PUT /applications/{id}/commands
// takes it. discordgo's own type sends fields a string option does not
// have (channel_types, options), and its permissions as a string where
// Discord's description has an integer, so the request is built here.
type command struct {
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Type                     int               `json:"type"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	// DefaultMemberPermissions 0 hides a command from the server's
	// members but its administrators, who may grant it to a role
	// (Server Settings > Integrations); nil shows it to everyone.
	DefaultMemberPermissions *int64          `json:"default_member_permissions,omitempty"`
	Contexts                 []int           `json:"contexts"`
	IntegrationTypes         []int           `json:"integration_types"`
	Options                  []commandOption `json:"options"`
}

type commandOption struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations,omitempty"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Required                 bool              `json:"required"`
	Autocomplete             bool              `json:"autocomplete,omitempty"`
}

// SetCommands registers the bot's slash commands, replacing whatever was
// registered. menus holds the command list per language ("en", "es", as
// bot.Bot.AllCommands gives them): the English one sets the names and
// default texts; each other language's names and descriptions are shown
// to people whose Discord speaks it (for "es": es-ES and es-419).
//
// The participants' commands are global: usable in the DM with the bot
// and, with a course server configured, in servers too. Global commands
// take up to an hour to show everywhere. The coordinators' commands
// (CommandInfo.Staff) are registered in the course server only, hidden
// from its members until an administrator grants them to a role; the
// core checks the role whatever the menu shows. Without a server they
// are typed as text in the DM.
func (a *Adapter) SetCommands(ctx context.Context, menus map[string][]bot.CommandInfo) error {
	global, staff, err := a.commandList(menus)
	if err != nil {
		return err
	}
	appID, err := a.application(ctx)
	if err != nil {
		return err
	}
	if err := a.putCommands(ctx, discordgo.EndpointApplicationGlobalCommands(appID), global); err != nil {
		return err
	}
	if a.server.Guild == "" {
		return nil
	}
	return a.putCommands(ctx, discordgo.EndpointApplicationGuildCommands(appID, a.server.Guild), staff)
}

func (a *Adapter) putCommands(ctx context.Context, endpoint string, cmds []command) error {
	if cmds == nil {
		cmds = []command{}
	}
	return a.do(ctx, "", func(ctx context.Context) error {
		_, err := a.session.RequestWithBucketID("PUT", endpoint, cmds, endpoint, discordgo.WithContext(ctx))
		return err
	})
}

// commandList builds the request bodies from the menus: the global
// commands and the course server's.
func (a *Adapter) commandList(menus map[string][]bot.CommandInfo) (global, staff []command, err error) {
	base := menus[baseLang]
	if len(base) == 0 {
		return nil, nil, fmt.Errorf("discord: no %q command menu to take names from", baseLang)
	}
	if len(base) > maxCommands {
		return nil, nil, fmt.Errorf("discord: at most %d commands, not %d", maxCommands, len(base))
	}
	for _, c := range base {
		if !validCommand(c.Name) {
			return nil, nil, fmt.Errorf("discord: command %q: 1-%d lowercase letters, digits, - or _", c.Name, maxCommandName)
		}
		if strings.TrimSpace(c.Description) == "" {
			return nil, nil, fmt.Errorf("discord: command %q has no description", c.Name)
		}
		cmd := a.commandFor(c, menus)
		if !c.Staff {
			global = append(global, cmd)
			continue
		}
		if a.server.Guild == "" {
			continue
		}
		hidden := int64(0)
		cmd.DefaultMemberPermissions = &hidden
		cmd.Contexts = []int{contextGuild}
		staff = append(staff, cmd)
	}
	return global, staff, nil
}

// commandFor is one command, localized from the other menus.
func (a *Adapter) commandFor(c bot.CommandInfo, menus map[string][]bot.CommandInfo) command {
	contexts := []int{contextBotDM}
	if a.server.Guild != "" {
		contexts = []int{contextGuild, contextBotDM}
	}
	desc, _ := optionText(baseLang)
	if c.ArgDescription != "" {
		desc = c.ArgDescription
	}
	opt := commandOption{Type: int(discordgo.ApplicationCommandOptionString), Name: argsOption, Description: a.clip("option description", desc, maxCommandDesc), Autocomplete: c.Suggests}
	cmd := command{
		Name:             c.Name,
		Type:             chatInput,
		Description:      a.clip("command description", c.Description, maxCommandDesc),
		Contexts:         contexts,
		IntegrationTypes: []int{guildInstall},
	}
	for _, lang := range slices.Sorted(maps.Keys(menus)) {
		if lang == baseLang {
			continue
		}
		if l, ok := find(menus[lang], c.Name); ok {
			a.localize(&cmd, &opt, lang, l)
		}
	}
	cmd.Options = []commandOption{opt}
	return cmd
}

// localize adds one language's texts of a command and its option, for
// each Discord locale of the language. A name Discord would refuse is
// left out (and logged): the English one shows instead.
func (a *Adapter) localize(cmd *command, opt *commandOption, lang string, l bot.CommandInfo) {
	argDesc := l.ArgDescription
	if argDesc == "" {
		argDesc, _ = optionText(lang)
	}
	for _, loc := range discordLocales(lang) {
		if strings.TrimSpace(l.Description) != "" {
			cmd.DescriptionLocalizations = put(cmd.DescriptionLocalizations, loc, a.clip("command description", l.Description, maxCommandDesc))
		}
		if strings.TrimSpace(argDesc) != "" {
			opt.DescriptionLocalizations = put(opt.DescriptionLocalizations, loc, a.clip("option description", argDesc, maxCommandDesc))
		}
		if a.usableName(l.LocalName) {
			cmd.NameLocalizations = put(cmd.NameLocalizations, loc, l.LocalName)
		}
		if a.usableName(l.ArgName) {
			opt.NameLocalizations = put(opt.NameLocalizations, loc, l.ArgName)
		}
	}
}

// usableName tells a localized name Discord takes; a bad one is logged.
func (a *Adapter) usableName(name string) bool {
	if name == "" {
		return false
	}
	if !validCommand(name) {
		a.log.Warn("discord: a localized command or option name Discord would refuse, left out", "name", name)
		return false
	}
	return true
}

func put(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func find(menu []bot.CommandInfo, name string) (bot.CommandInfo, bool) {
	for _, c := range menu {
		if c.Name == name {
			return c, true
		}
	}
	return bot.CommandInfo{}, false
}

// discordLocales lists the Discord locales of a language: "es" is
// "es-ES" and "es-419", "fr" is "fr".
func discordLocales(lang string) []string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	var out []string
	for loc := range discordgo.Locales {
		l := string(loc)
		if strings.EqualFold(l, lang) || strings.HasPrefix(strings.ToLower(l), lang+"-") {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func validCommand(name string) bool {
	if len(name) == 0 || len(name) > maxCommandName {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
