package telegram

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/elmabot/elmabot/bot"
)

// allowedUpdates are the update kinds the bot asks Telegram for.
func allowedUpdates() []string {
	return []string{"message", "callback_query", "poll_answer", "my_chat_member"}
}

// privateOnly answers a command sent in a group: the bot keeps each
// person's course to their private chat.
const privateOnly = "I only talk in private chats: open a chat with me and write there.\n" +
	"Solo converso en chats privados: abre un chat conmigo y escríbeme allí."

// Run long-polls Telegram and hands every update to h until ctx is done;
// it then waits for the handlers still running and returns nil. It
// returns an error only when Telegram refuses the token.
//
// An update is confirmed to Telegram (the getUpdates offset moves past
// it) only after h handled it, and so is every update before it. When h
// fails, the update and the later ones of its chat wait (1 s, 2 s, 4 s
// ... up to 30 s on the clock) and are handled again when getUpdates
// brings them back, so a crash or a storage outage loses nothing.
// Updates of different chats are handled side by side, those of one chat
// in order. Run fetches more while earlier updates are still being
// handled, so one slow chat does not hold up the others, up to the 100
// updates one getUpdates returns from the oldest one not yet handled
// (Telegram cannot confirm past it). An update is never handed over twice
// by the same Run once it was handled.
//
// A chat that types faster than Config.FloodBurst and FloodEvery allow,
// or has FloodQueue typed messages queued, has the excess dropped on
// arrival, along with its typed messages still waiting behind the one
// being handled (all count as handled); the first drop of such an
// episode reaches h as an update with Slowdown set, so the person hears
// why. Button presses, quiz votes and block notices are never dropped,
// nor is an update being tried again.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	in := newIntake(ctx, a, h)
	defer in.stop()
	failures := 0
	for ctx.Err() == nil {
		ups, err := a.getUpdates(ctx, in.offset(), in.pollTimeout())
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if refused(err) {
				return err
			}
			failures++
			wait := max(backoff(failures-1), retryAfter(err))
			a.log.Warn("telegram: getUpdates failed", "err", err, "retry_in", wait)
			_ = bot.Sleep(ctx, a.clock, wait)
			continue
		}
		in.settle(in.dispatch(ups))
		if !in.takeFailed() {
			failures = 0
			continue
		}
		failures++
		wait := backoff(failures - 1)
		a.log.Warn("telegram: update not handled, will ask again", "offset", in.offset(), "retry_in", wait)
		_ = bot.Sleep(ctx, a.clock, wait)
	}
	return nil
}

func (a *Adapter) getUpdates(ctx context.Context, offset int, timeout time.Duration) ([]tgbotapi.Update, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout+sendTimeout)
	defer cancel()
	cfg := tgbotapi.UpdateConfig{
		Offset:         offset,
		Limit:          batchSize,
		Timeout:        int(timeout / time.Second),
		AllowedUpdates: allowedUpdates(),
	}
	ups, err := a.bot(ctx).GetUpdates(cfg)
	if err != nil {
		return nil, a.wrap("getUpdates", err)
	}
	return ups, nil
}

// refused tells a bad token (401, or 404 for a malformed one) from
// trouble worth waiting out.
func refused(err error) bool {
	var apiErr *tgbotapi.Error
	return errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusNotFound)
}

func retryAfter(err error) time.Duration {
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		return time.Duration(apiErr.RetryAfter) * time.Second
	}
	return 0
}

// incoming is an update ready for delivery.
type incoming struct {
	id       int
	lane     string      // updates of one lane are delivered in order
	update   *bot.Update // nil when there is nothing for the core
	callback string      // a callback query to answer first
	group    int64       // a group chat to send privateOnly to
	// typed marks a message a person wrote, which the intake may drop
	// when their chat floods; nothing else is ever dropped.
	typed bool
	// notice marks the slow-down notice for a dropped message: that
	// update already counts as handled, so the notice holds nothing back
	// and is not tried again.
	notice bool
}

func (a *Adapter) deliver(ctx context.Context, h bot.Handler, in incoming) error {
	if in.callback != "" {
		a.answerCallback(ctx, in.callback)
	}
	if in.group != 0 {
		if _, err := a.sendText(ctx, in.group, privateOnly, nil); err != nil {
			a.log.Info("telegram: could not answer in a group", "chat", in.group, "err", err)
		}
		return nil
	}
	if in.update == nil {
		return nil
	}
	return h.Handle(ctx, *in.update)
}

// answerCallback stops the button's spinner at once, before the core
// works; it bypasses the outbox, whose limits are for messages. A failure
// (say, a query answered before a redelivery) changes nothing for the
// update.
func (a *Adapter) answerCallback(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if _, err := a.bot(ctx).Request(tgbotapi.NewCallback(id, "")); err != nil {
		a.log.Debug("telegram: answerCallbackQuery failed", "id", id, "err", err)
	}
}

// convert turns a Telegram update into what the core understands.
func (a *Adapter) convert(u tgbotapi.Update) incoming {
	in := incoming{id: u.UpdateID}
	switch {
	case u.Message != nil:
		fromMessage(u.Message, &in)
	case u.CallbackQuery != nil:
		fromCallback(u.CallbackQuery, &in)
	case u.PollAnswer != nil:
		fromPollAnswer(u.PollAnswer, &in)
	case u.MyChatMember != nil:
		fromMemberUpdate(u.MyChatMember, &in)
	}
	if in.update != nil {
		in.update.ID = "tg:" + strconv.Itoa(u.UpdateID)
	}
	return in
}

// fromMemberUpdate reads a private chat's my_chat_member update: the
// person blocked the bot ("kicked") or unblocked it ("member").
// Membership changes in groups are none of the bot's business.
func fromMemberUpdate(m *tgbotapi.ChatMemberUpdated, in *incoming) {
	status := m.NewChatMember.Status
	if m.Chat.Type != "private" || (status != "kicked" && status != "member") {
		return
	}
	in.lane = chatKey(m.Chat.ID)
	up := person(&m.From, m.Chat.ID)
	blocked := status == "kicked"
	up.Blocked = &blocked
	in.update = &up
}

func fromMessage(m *tgbotapi.Message, in *incoming) {
	if m.Chat == nil || m.From == nil || m.From.IsBot {
		return
	}
	in.lane = chatKey(m.Chat.ID)
	if m.Chat.Type != "private" {
		if strings.HasPrefix(m.Text, "/") {
			in.group, in.typed = m.Chat.ID, true
		}
		return
	}
	if strings.TrimSpace(m.Text) == "" {
		return
	}
	up := person(m.From, m.Chat.ID)
	up.Text = plainCommand(m.Text)
	in.update, in.typed = &up, true
}

func fromCallback(q *tgbotapi.CallbackQuery, in *incoming) {
	in.callback = q.ID
	if q.From == nil || q.Data == "" {
		return
	}
	chatID := q.From.ID
	if q.Message != nil && q.Message.Chat != nil {
		if q.Message.Chat.Type != "private" {
			return
		}
		chatID = q.Message.Chat.ID
	}
	in.lane = chatKey(chatID)
	up := person(q.From, chatID)
	up.Choice = q.Data
	if q.Message != nil {
		up.MessageID = strconv.Itoa(q.Message.MessageID)
	}
	in.update = &up
}

// fromPollAnswer routes a vote to the voter's private chat, whose id is
// the user's id.
func fromPollAnswer(p *tgbotapi.PollAnswer, in *incoming) {
	if p.User.ID == 0 {
		return // an anonymous vote; the bot's quizzes are not anonymous
	}
	in.lane = chatKey(p.User.ID)
	up := person(&p.User, p.User.ID)
	up.Poll = &bot.PollAnswer{PollID: p.PollID, Options: append([]int(nil), p.OptionIDs...)}
	in.update = &up
}

func person(u *tgbotapi.User, chatID int64) bot.Update {
	return bot.Update{
		Platform: bot.Telegram,
		UserID:   strconv.FormatInt(u.ID, 10),
		ChatID:   chatKey(chatID),
		Name:     strings.TrimSpace(u.FirstName + " " + u.LastName),
		LangHint: u.LanguageCode,
	}
}

func chatKey(id int64) string { return strconv.FormatInt(id, 10) }

// plainCommand drops the "@botname" Telegram clients may add to a
// command ("/start@elma_bot CODE" -> "/start CODE").
func plainCommand(text string) string {
	if !strings.HasPrefix(text, "/") {
		return text
	}
	word, rest, spaced := strings.Cut(text, " ")
	word, _, _ = strings.Cut(word, "@")
	if spaced {
		return word + " " + rest
	}
	return word
}
