package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// answerPrefix starts the data of a quiz answer's button (bot/sign.go).
// Recognising it is presentation, not a course rule: the core still
// judges the press.
const answerPrefix = "a:"

// updateMessage is an interaction callback that replaces the components
// of the message whose button was pressed (type 7, UPDATE_MESSAGE);
// content and everything else stay as they are.
type updateMessage struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data updateData                        `json:"data"`
}

type updateData struct {
	Components []discordgo.MessageComponent `json:"components"`
}

// pressResponse acknowledges a button press in a DM. A pressed quiz
// answer turns the question's buttons off, the chosen one standing out,
// so that the question reads as answered and cannot be pressed again;
// any other press is a deferred update that leaves the message alone.
func pressResponse(i *discordgo.Interaction, choice string) any {
	if strings.HasPrefix(choice, answerPrefix) && i.Message != nil {
		if rows, ok := disabledRows(i.Message.Components, choice); ok {
			return updateMessage{Type: discordgo.InteractionResponseUpdateMessage, Data: updateData{Components: rows}}
		}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
}

// disabledRows copies a message's rows of buttons, all disabled: the
// pressed one primary (not green: it may be the wrong answer), the rest
// grey. ok is false when the message holds anything but rows of
// buttons, or not the pressed one, which this does not rebuild.
func disabledRows(comps []discordgo.MessageComponent, pressed string) ([]discordgo.MessageComponent, bool) {
	out := make([]discordgo.MessageComponent, 0, len(comps))
	found := false
	for _, c := range comps {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			return nil, false
		}
		line := make([]discordgo.MessageComponent, 0, len(row.Components))
		for _, item := range row.Components {
			b, ok := item.(*discordgo.Button)
			if !ok {
				return nil, false
			}
			off := *b
			off.Disabled = true
			off.Style = discordgo.SecondaryButton
			if b.CustomID == pressed {
				off.Style = discordgo.PrimaryButton
				found = true
			}
			line = append(line, off)
		}
		out = append(out, discordgo.ActionsRow{Components: line})
	}
	return out, found
}
