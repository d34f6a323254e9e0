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
	chat, msg, err := messageRef(chatID, messageID)
	if err != nil {
		return err
	}
	edit := tgbotapi.NewEditMessageReplyMarkup(chat, msg, tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}})
	return a.out.Do(ctx, chatID, func(ctx context.Context) error {
		if _, err := a.bot(ctx).Request(edit); err != nil {
			return a.wrap("editMessageReplyMarkup", err)
		}
		return nil
	})
}

var _ bot.MessageEditor = (*Adapter)(nil)

// EditMessage rewrites the text and buttons of a message the bot sent
// (editMessageText with reply_markup; without buttons Telegram drops the
// keyboard), through the outbox like any send.
func (a *Adapter) EditMessage(ctx context.Context, chatID, messageID string, r bot.Reply) error {
	chat, msg, err := messageRef(chatID, messageID)
	if err != nil {
		return err
	}
	markup, err := keyboard(r.Buttons)
	if err != nil {
		return err
	}
	edit := tgbotapi.NewEditMessageText(chat, msg, a.clip("edited message", r.Text, maxText))
	edit.ReplyMarkup = markup
	return a.out.Do(ctx, chatID, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		if _, err := a.bot(ctx).Request(edit); err != nil {
			return a.wrap("editMessageText", err)
		}
		return nil
	})
}

// messageRef reads the core's chat and message ids as Telegram's.
func messageRef(chatID, messageID string) (int64, int, error) {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("telegram: chat id %q is not a Telegram chat", chatID)
	}
	msg, err := strconv.Atoi(messageID)
	if err != nil {
		return 0, 0, fmt.Errorf("telegram: message id %q is not a Telegram message", messageID)
	}
	return chat, msg, nil
}
