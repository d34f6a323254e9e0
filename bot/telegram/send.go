package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/elmabot/elmabot/bot"
)

// Limits of the Bot API (10.1), in characters as Telegram counts them
// (UTF-16 code units) or bytes where it says so.
const (
	maxText         = 4096
	maxCallbackData = 64 // bytes
	maxQuestion     = 300
	maxOption       = 100
	maxOptions      = 12
	maxExplanation  = 200
	maxCommands     = 100
	maxCommandDesc  = 256
)

// A poll's close_date must lie between 5 s and 2628000 s ahead; the
// lower bound gets a margin for the time the request takes.
const (
	closeDateMin = 10 * time.Second
	closeDateMax = 2628000 * time.Second
)

// Send delivers a reply through the outbox: a quiz question as a native,
// non-anonymous quiz poll (a survey question as a regular poll), anything else as plain text (no parse mode, so
// whatever a user typed is shown as typed) with its buttons as an inline
// keyboard. A text longer than Telegram takes is split at line breaks,
// the buttons going under the last part.
func (a *Adapter) Send(ctx context.Context, r bot.Reply) (bot.Sent, error) {
	chatID, err := strconv.ParseInt(r.ChatID, 10, 64)
	if err != nil {
		return bot.Sent{}, fmt.Errorf("telegram: chat id %q is not a Telegram chat", r.ChatID)
	}
	if len(r.Files) > 0 {
		return a.sendWithFiles(ctx, chatID, r)
	}
	if r.Quiz == nil {
		return a.sendText(ctx, chatID, r.Text, r.Buttons)
	}
	if strings.TrimSpace(r.Text) != "" {
		if _, err := a.sendText(ctx, chatID, r.Text, nil); err != nil {
			return bot.Sent{}, err
		}
	}
	return a.sendQuiz(ctx, chatID, r.Quiz)
}

func (a *Adapter) sendText(ctx context.Context, chatID int64, text string, buttons [][]bot.Button) (bot.Sent, error) {
	markup, err := keyboard(buttons)
	if err != nil {
		return bot.Sent{}, err
	}
	parts := bot.SplitText(text, maxText)
	if len(parts) == 0 {
		return bot.Sent{}, errors.New("telegram: empty message")
	}
	var sent bot.Sent
	for i, part := range parts {
		msg := tgbotapi.NewMessage(chatID, part)
		if i == len(parts)-1 && markup != nil {
			msg.ReplyMarkup = *markup
		}
		m, err := a.sendMessage(ctx, chatID, msg)
		if err != nil {
			return sent, err
		}
		sent.MessageID = strconv.Itoa(m.MessageID)
	}
	return sent, nil
}

// sendWithFiles sends the text with its buttons, then each file as a
// message of its own (a caption holds only 1024 characters, and the
// text should read the same with or without files); the buttons go under
// the last file, at the bottom of the chat.
func (a *Adapter) sendWithFiles(ctx context.Context, chatID int64, r bot.Reply) (bot.Sent, error) {
	var sent bot.Sent
	if strings.TrimSpace(r.Text) != "" {
		s, err := a.sendText(ctx, chatID, r.Text, nil)
		if err != nil {
			return s, err
		}
		sent = s
	}
	for i, f := range r.Files {
		var rows [][]bot.Button
		if i == len(r.Files)-1 {
			rows = r.Buttons
		}
		s, err := a.sendFile(ctx, chatID, f, rows)
		if err != nil {
			return sent, err
		}
		if sent.MessageID == "" {
			sent = s
		}
	}
	return sent, nil
}

// Upload limits of the Bot API: photos up to 10 MB, other files 50 MB.
const (
	maxPhotoBytes    = 10 << 20
	maxDocumentBytes = 50 << 20
)

// sendFile uploads one file: a picture as a photo, shown inline, unless
// it is too big for one; anything else as a document.
func (a *Adapter) sendFile(ctx context.Context, chatID int64, f bot.File, buttons [][]bot.Button) (bot.Sent, error) {
	if f.Name == "" || len(f.Data) == 0 {
		return bot.Sent{}, errors.New("telegram: a file needs a name and data")
	}
	if len(f.Data) > maxDocumentBytes {
		return bot.Sent{}, fmt.Errorf("telegram: file %s is %d bytes, over the %d Telegram takes", f.Name, len(f.Data), maxDocumentBytes)
	}
	markup, err := keyboard(buttons)
	if err != nil {
		return bot.Sent{}, err
	}
	upload := tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data}
	var msg tgbotapi.Chattable
	if f.Photo && len(f.Data) <= maxPhotoBytes {
		p := tgbotapi.NewPhoto(chatID, upload)
		if markup != nil {
			p.ReplyMarkup = *markup
		}
		msg = p
	} else {
		d := tgbotapi.NewDocument(chatID, upload)
		if markup != nil {
			d.ReplyMarkup = *markup
		}
		msg = d
	}
	m, err := a.sendMessage(ctx, chatID, msg)
	return bot.Sent{MessageID: strconv.Itoa(m.MessageID)}, err
}

// sendMessage sends one message of any kind to chatID through the outbox.
func (a *Adapter) sendMessage(ctx context.Context, chatID int64, msg tgbotapi.Chattable) (tgbotapi.Message, error) {
	var m tgbotapi.Message
	err := a.out.Do(ctx, strconv.FormatInt(chatID, 10), func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		var err error
		m, err = a.bot(ctx).Send(msg)
		return err
	})
	return m, err
}

// keyboard builds the inline keyboard; Telegram takes at most 64 bytes of
// callback data per button.
func keyboard(rows [][]bot.Button) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		if len(row) == 0 {
			continue
		}
		line := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			if len(b.Data) == 0 || len(b.Data) > maxCallbackData {
				return nil, fmt.Errorf("telegram: button %q: callback data must be 1-%d bytes, is %d", b.Label, maxCallbackData, len(b.Data))
			}
			if strings.TrimSpace(b.Label) == "" {
				return nil, fmt.Errorf("telegram: button with data %q has no label", b.Data)
			}
			line = append(line, tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Data))
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, line)
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, nil
	}
	return &kb, nil
}

// inputPollOption is the Bot API's InputPollOption, which the library
// predates.
type inputPollOption struct {
	Text string `json:"text"`
}

func (a *Adapter) sendQuiz(ctx context.Context, chatID int64, q *bot.QuizPoll) (bot.Sent, error) {
	params, err := a.quizParams(chatID, q)
	if err != nil {
		return bot.Sent{}, err
	}
	var resp *tgbotapi.APIResponse
	err = a.out.Do(ctx, strconv.FormatInt(chatID, 10), func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		var err error
		resp, err = a.bot(ctx).MakeRequest("sendPoll", params)
		return err
	})
	if err != nil {
		return bot.Sent{}, err
	}
	// Only two fields of the sent message matter; decoding just them
	// spares a full Message per question.
	var m struct {
		MessageID int `json:"message_id"`
		Poll      *struct {
			ID string `json:"id"`
		} `json:"poll"`
	}
	if err := json.Unmarshal(resp.Result, &m); err != nil || m.Poll == nil || m.Poll.ID == "" {
		return bot.Sent{}, fmt.Errorf("telegram: sendPoll: reply carries no poll (%v)", err)
	}
	return bot.Sent{MessageID: strconv.Itoa(m.MessageID), PollID: m.Poll.ID}, nil
}

// quizParams builds sendPoll as Bot API 10.1 has it: options as
// InputPollOption objects, a quiz (or a survey's regular poll) that is not anonymous (so answers come
// back as poll_answer updates naming the person), the correct option in
// correct_option_ids. Telegram keeps the correct option to itself for
// showing it; the core keeps its own copy, keyed by the poll id.
func (a *Adapter) quizParams(chatID int64, q *bot.QuizPoll) (tgbotapi.Params, error) {
	if n := len(q.Options); n < 1 || n > maxOptions {
		return nil, fmt.Errorf("telegram: a quiz takes 1-%d options, not %d", maxOptions, n)
	}
	if !q.Survey && (q.Correct < 0 || q.Correct >= len(q.Options)) {
		return nil, fmt.Errorf("telegram: correct option %d out of range", q.Correct)
	}
	question := a.clip("question", q.Question, maxQuestion)
	if strings.TrimSpace(question) == "" {
		return nil, errors.New("telegram: quiz without a question")
	}
	options := make([]inputPollOption, len(q.Options))
	for i, o := range q.Options {
		if strings.TrimSpace(o) == "" {
			return nil, fmt.Errorf("telegram: quiz option %d is empty", i)
		}
		options[i] = inputPollOption{Text: a.clip("option", o, maxOption)}
	}
	p := tgbotapi.Params{
		"chat_id":      strconv.FormatInt(chatID, 10),
		"question":     question,
		"is_anonymous": "false",
	}
	if err := p.AddInterface("options", options); err != nil {
		return nil, err
	}
	if err := a.pollKind(p, q); err != nil {
		return nil, err
	}
	if d := q.CloseAt.Sub(a.clock.Now()); !q.CloseAt.IsZero() && d >= closeDateMin && d <= closeDateMax {
		p["close_date"] = strconv.FormatInt(q.CloseAt.Unix(), 10)
	}
	return p, nil
}

// pollKind makes p a quiz with its correct option and explanation, or,
// for a survey question, a regular poll taking one vote that cannot be
// changed: the core keeps the first vote (regular polls allow revoting
// unless told otherwise).
func (a *Adapter) pollKind(p tgbotapi.Params, q *bot.QuizPoll) error {
	if q.Survey {
		p["type"] = "regular"
		p["allows_multiple_answers"] = "false"
		p["allows_revoting"] = "false"
		return nil
	}
	p["type"] = "quiz"
	if err := p.AddInterface("correct_option_ids", []int{q.Correct}); err != nil {
		return err
	}
	p.AddNonEmpty("explanation", a.clip("explanation", explanationLines(q.Explanation), maxExplanation))
	return nil
}

// explanationLines keeps the two line feeds Telegram allows in an
// explanation and turns the rest into spaces.
func explanationLines(s string) string {
	var b strings.Builder
	feeds := 0
	for _, r := range s {
		if r == '\n' {
			feeds++
			if feeds > 2 {
				r = ' '
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// clip shortens s to max characters with an ellipsis, and says so in the
// log: course texts are written to fit, so this is a content slip.
func (a *Adapter) clip(what, s string, max int) string {
	if bot.UTF16Len(s) <= max {
		return s
	}
	a.log.Warn("telegram: text too long, shortened", "what", what, "limit", max, "text", s)
	head, _ := bot.CutUTF16(s, max-1)
	return head + "…"
}

// SetCommands sets the command menu for one language (ISO 639-1 code;
// "" sets the menu for everyone without a menu of their own).
func (a *Adapter) SetCommands(ctx context.Context, lang string, cmds []bot.CommandInfo) error {
	code, err := languageCode(lang)
	if err != nil {
		return err
	}
	return a.setMyCommands(ctx, cmds, code, nil)
}

var _ bot.ChatMenus = (*Adapter)(nil)

// chatScope is the BotCommandScopeChat of setMyCommands.
type chatScope struct {
	Type   string `json:"type"`
	ChatID int64  `json:"chat_id"`
}

// SetChatCommands sets the command menu of one chat, for every language:
// a chat's own menu comes before the per-language menus, so the menu
// follows the language chosen in the bot, not the app's.
func (a *Adapter) SetChatCommands(ctx context.Context, chatID string, cmds []bot.CommandInfo) error {
	chat, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram: chat id %q is not a Telegram chat", chatID)
	}
	return a.setMyCommands(ctx, cmds, "", &chatScope{Type: "chat", ChatID: chat})
}

// setMyCommands checks a menu against Telegram's limits and sets it for a
// language code ("" for all) and a scope (nil for the default).
func (a *Adapter) setMyCommands(ctx context.Context, cmds []bot.CommandInfo, code string, scope *chatScope) error {
	if len(cmds) > maxCommands {
		return fmt.Errorf("telegram: at most %d commands, not %d", maxCommands, len(cmds))
	}
	list := make([]tgbotapi.BotCommand, 0, len(cmds))
	for _, c := range cmds {
		if !validCommand(c.Name) {
			return fmt.Errorf("telegram: command %q: 1-32 lowercase letters, digits or underscores", c.Name)
		}
		if strings.TrimSpace(c.Description) == "" {
			return fmt.Errorf("telegram: command %q has no description", c.Name)
		}
		list = append(list, tgbotapi.BotCommand{Command: c.Name, Description: a.clip("command description", c.Description, maxCommandDesc)})
	}
	p := tgbotapi.Params{}
	if err := p.AddInterface("commands", list); err != nil {
		return err
	}
	if scope != nil {
		if err := p.AddInterface("scope", scope); err != nil {
			return err
		}
	}
	p.AddNonEmpty("language_code", code)
	// Each menu has a lane of its own: a menu is not a message to a
	// chat, so the per-chat gap must not hold the three menus a start
	// sets one second apart.
	return a.out.Do(ctx, "setMyCommands:"+code, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		_, err := a.bot(ctx).MakeRequest("setMyCommands", p)
		return err
	})
}

func validCommand(name string) bool {
	if len(name) == 0 || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// languageCode reduces a language tag such as "es-CO" to the two-letter
// code Telegram wants.
func languageCode(lang string) (string, error) {
	if lang == "" {
		return "", nil
	}
	code, _, _ := strings.Cut(strings.ToLower(lang), "-")
	code, _, _ = strings.Cut(code, "_")
	if len(code) != 2 || code[0] < 'a' || code[0] > 'z' || code[1] < 'a' || code[1] > 'z' {
		return "", fmt.Errorf("telegram: %q is not a two-letter language code", lang)
	}
	return code, nil
}
