package telegram

import (
	"context"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/elmabot/elmabot/bot"
)

var _ bot.Editor = (*Adapter)(nil)

// RemoveButtons takes the inline keyboard off a message the bot sent
// (editMessageReplyMarkup with an empty keyboard), through the outbox:
// Telegram counts edits against the chat's limit like messages.
func (a *Adapter) RemoveButtons(ctx context.Context, chatID, messageID string) error {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: chat id %q is not a Telegram chat", chatID)
	}
	msg, err := strconv.Atoi(messageID)
	if err != nil {
		return fmt.Errorf("telegram: message id %q is not a Telegram message", messageID)
	}
	edit := tgbotapi.NewEditMessageReplyMarkup(chat, msg, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	return a.out.Do(ctx, chatID, func(ctx context.Context) error {
		if _, err := a.bot(ctx).Request(edit); err != nil {
			return a.wrap("editMessageReplyMarkup", err)
		}
		return nil
	})
}
