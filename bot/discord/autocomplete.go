package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Limits of an autocomplete answer.
const (
	maxChoices    = 25
	maxChoiceText = 100
)

// autocompleteResult answers an autocomplete interaction (type 8) with
// the choices alone: discordgo's response type would send message
// fields too.
type autocompleteResult struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data autocompleteChoices               `json:"data"`
}

type autocompleteChoices struct {
	Choices []choice `json:"choices"`
}

type choice struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// autocomplete answers what a person is typing into a command's field
// with the core's suggestions (bot.Suggester), within Discord's three
// seconds: the suggestions come from the course, not storage, and the
// answer goes out at once. A handler that suggests nothing gets an
// empty list, which Discord shows as no suggestions.
func (a *Adapter) autocomplete(ctx context.Context, q *lanes, h bot.Handler, i *discordgo.Interaction) {
	res := autocompleteResult{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: autocompleteChoices{Choices: []choice{}}}
	data := i.ApplicationCommandData()
	if s, ok := h.(bot.Suggester); ok {
		for _, sg := range s.Suggest(string(i.Locale), data.Name, focused(data.Options)) {
			if len(res.Data.Choices) == maxChoices || sg.Value == "" || len([]rune(sg.Value)) > maxChoiceText {
				continue
			}
			label := sg.Label
			if label == "" {
				label = sg.Value
			}
			res.Data.Choices = append(res.Data.Choices, choice{Name: a.clip("suggestion", label, maxChoiceText), Value: sg.Value})
		}
	}
	a.acknowledge(ctx, q, i, res)
}

// focused is the text of the option being typed.
func focused(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	for _, o := range opts {
		if o != nil && o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			return o.StringValue()
		}
	}
	return ""
}
