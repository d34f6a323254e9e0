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
// have (channel_types, options), so the request is built here.
type command struct {
	Name                     string            `json:"name"`
	Type                     int               `json:"type"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Contexts                 []int             `json:"contexts"`
	IntegrationTypes         []int             `json:"integration_types"`
	Options                  []commandOption   `json:"options"`
}

type commandOption struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations,omitempty"`
	Required                 bool              `json:"required"`
}

// SetCommands registers the bot's slash commands globally, replacing
// whatever was registered. menus holds the command list per language
// ("en", "es", as bot.Bot.Commands gives them): the English one sets the
// names and default descriptions; each other language's descriptions
// are shown to people whose Discord speaks it (for "es": es-ES and
// es-419). The commands can be used in the DM with the bot, where the
// course happens. Global commands take up to an hour to show everywhere.
func (a *Adapter) SetCommands(ctx context.Context, menus map[string][]bot.CommandInfo) error {
	cmds, err := a.commandList(menus)
	if err != nil {
		return err
	}
	appID, err := a.application(ctx)
	if err != nil {
		return err
	}
	endpoint := discordgo.EndpointApplicationGlobalCommands(appID)
	return a.do(ctx, "", func(ctx context.Context) error {
		_, err := a.session.RequestWithBucketID("PUT", endpoint, cmds, endpoint, discordgo.WithContext(ctx))
		return err
	})
}

// commandList builds the request body from the menus.
func (a *Adapter) commandList(menus map[string][]bot.CommandInfo) ([]command, error) {
	base := menus[baseLang]
	if len(base) == 0 {
		return nil, fmt.Errorf("discord: no %q command menu to take names from", baseLang)
	}
	if len(base) > maxCommands {
		return nil, fmt.Errorf("discord: at most %d commands, not %d", maxCommands, len(base))
	}
	local := a.localizations(menus)
	cmds := make([]command, 0, len(base))
	for _, c := range base {
		if !validCommand(c.Name) {
			return nil, fmt.Errorf("discord: command %q: 1-%d lowercase letters, digits, - or _", c.Name, maxCommandName)
		}
		if strings.TrimSpace(c.Description) == "" {
			return nil, fmt.Errorf("discord: command %q has no description", c.Name)
		}
		cmds = append(cmds, command{
			Name:                     c.Name,
			Type:                     chatInput,
			Description:              a.clip("command description", c.Description, maxCommandDesc),
			DescriptionLocalizations: local[c.Name],
			Contexts:                 []int{contextBotDM},
			IntegrationTypes:         []int{guildInstall},
			Options:                  []commandOption{argsOptionFor(slices.Collect(maps.Keys(menus)))},
		})
	}
	return cmds, nil
}

// localizations maps each command to its descriptions by Discord locale.
func (a *Adapter) localizations(menus map[string][]bot.CommandInfo) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, lang := range slices.Sorted(maps.Keys(menus)) {
		if lang == baseLang {
			continue
		}
		for _, c := range menus[lang] {
			if strings.TrimSpace(c.Description) == "" {
				continue
			}
			for _, loc := range discordLocales(lang) {
				if out[c.Name] == nil {
					out[c.Name] = map[string]string{}
				}
				out[c.Name][loc] = a.clip("command description", c.Description, maxCommandDesc)
			}
		}
	}
	return out
}

func argsOptionFor(langs []string) commandOption {
	base, _ := optionText(baseLang)
	o := commandOption{Type: int(discordgo.ApplicationCommandOptionString), Name: argsOption, Description: base}
	for _, lang := range slices.Sorted(slices.Values(langs)) {
		text, ok := optionText(lang)
		if !ok || lang == baseLang {
			continue
		}
		for _, loc := range discordLocales(lang) {
			if o.DescriptionLocalizations == nil {
				o.DescriptionLocalizations = map[string]string{}
			}
			o.DescriptionLocalizations[loc] = text
		}
	}
	return o
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
