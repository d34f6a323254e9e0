package discord

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Limits of Discord's embeds.
const (
	maxEmbedTitle = 256
	maxEmbedDesc  = 4096
	maxFieldName  = 256
	maxFieldValue = 1024
	maxFields     = 25
	maxFooter     = 2048
	// maxEmbedTotal is what all the embeds of one message may hold in
	// titles, descriptions, field names and values, and footers.
	maxEmbedTotal = 6000
)

// cardColor is the stripe beside the bot's cards.
const cardColor = 0x1E5AA8

// blank stands in for an empty field name or value, which Discord refuses.
const blank = "\u200b"

// sendCard sends a card as embeds, one message per embed: as many as
// its fields need, the title on the first, the footer and the buttons
// on the last.
func (a *Adapter) sendCard(ctx context.Context, chat string, c *bot.Card, buttons [][]bot.Button) (bot.Sent, error) {
	comps, err := a.components(buttons)
	if err != nil {
		return bot.Sent{}, err
	}
	embeds := a.embeds(c)
	var sent bot.Sent
	for i, e := range embeds {
		var cs []discordgo.MessageComponent
		if i == len(embeds)-1 {
			cs = comps
		}
		id, err := a.post(ctx, chat, "", []*discordgo.MessageEmbed{e}, cs)
		if err != nil {
			return sent, err
		}
		sent.MessageID = id
	}
	return sent, nil
}

// embeds lays a card out as embeds that each fit in one message: a
// field that would pass 25 fields or the 6000 characters goes on in a
// new embed. Room for the footer is kept in every one.
func (a *Adapter) embeds(c *bot.Card) []*discordgo.MessageEmbed {
	first := &discordgo.MessageEmbed{
		Title:       a.clip("card title", c.Title, maxEmbedTitle),
		Description: a.clip("card description", c.Description, maxEmbedDesc),
		Color:       cardColor,
	}
	footer := a.clip("card footer", c.Footer, maxFooter)
	room := maxEmbedTotal - runes(footer)
	out, cur := []*discordgo.MessageEmbed{first}, first
	size := runes(first.Title) + runes(first.Description)
	for _, f := range c.Fields {
		field := &discordgo.MessageEmbedField{
			Name:   orBlank(a.clip("card field name", f.Name, maxFieldName)),
			Value:  orBlank(a.clip("card field value", f.Value, maxFieldValue)),
			Inline: f.Inline,
		}
		n := runes(field.Name) + runes(field.Value)
		if len(cur.Fields) == maxFields || size+n > room {
			cur = &discordgo.MessageEmbed{Color: cardColor}
			out = append(out, cur)
			size = 0
		}
		cur.Fields = append(cur.Fields, field)
		size += n
	}
	if footer != "" {
		cur.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	return out
}

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}

func runes(s string) int { return utf8.RuneCountInString(s) }
