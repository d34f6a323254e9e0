package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/elmabot/elmabot/bot"
)

// Limits of Discord's messages and components.
const (
	maxContent   = 2000 // characters in a bot's message
	maxRowSize   = 5    // buttons in an action row
	maxRows      = 5    // action rows under a message
	maxCustomID  = 100  // characters of a button's custom_id
	maxLabel     = 80   // characters of a button's label
	maxQuizShown = 5    // quiz options shown one per row; more are packed
)

// Send delivers a reply and blocks until Discord took it. A quiz
// question becomes its question with one button per option (Discord has
// no quiz poll here; Sent.PollID stays empty); anything else is plain
// text with its buttons as action rows. Text longer than a message takes
// is split at line breaks, the buttons going under the last part.
//
// While a slash command is being handled, the first reply to its channel
// fills in the command's deferred response ("thinking…") instead of
// posting a new message; the ones after it are normal messages.
func (a *Adapter) Send(ctx context.Context, r bot.Reply) (bot.Sent, error) {
	if r.ChatID == "" {
		return bot.Sent{}, errors.New("discord: reply without a channel")
	}
	if role, channel, ok := parseRoleChat(r.ChatID); ok {
		return a.sendCalling(ctx, role, channel, r.Text)
	}
	if len(r.Files) > 0 {
		return a.sendWithFiles(ctx, r)
	}
	if r.Quiz == nil && r.Card != nil {
		return a.sendCard(ctx, r.ChatID, r.Card, r.Buttons)
	}
	if r.Quiz == nil {
		return a.sendText(ctx, r.ChatID, r.Text, r.Buttons)
	}
	if strings.TrimSpace(r.Text) != "" {
		if _, err := a.sendText(ctx, r.ChatID, r.Text, nil); err != nil {
			return bot.Sent{}, err
		}
	}
	return a.sendQuiz(ctx, r.ChatID, r.Quiz)
}

func (a *Adapter) sendQuiz(ctx context.Context, chat string, q *bot.QuizPoll) (bot.Sent, error) {
	if strings.TrimSpace(q.Question) == "" {
		return bot.Sent{}, errors.New("discord: quiz without a question")
	}
	if len(q.Buttons) == 0 {
		return bot.Sent{}, errors.New("discord: quiz without option buttons")
	}
	text, buttons := quizLayout(q)
	rows := [][]bot.Button{buttons}
	if len(buttons) <= maxQuizShown {
		// One option a row: options are sentences, which read best stacked.
		rows = make([][]bot.Button, len(buttons))
		for i, b := range buttons {
			rows[i] = []bot.Button{b}
		}
	}
	return a.sendText(ctx, chat, text, rows)
}

// quizLayout keeps every option readable: when one is longer than a
// button's label, the options are listed in full under the question and
// the buttons are numbered to match.
func quizLayout(q *bot.QuizPoll) (string, []bot.Button) {
	long := false
	for _, b := range q.Buttons {
		long = long || utf8.RuneCountInString(b.Label) > maxLabel
	}
	if !long {
		return q.Question, q.Buttons
	}
	var text strings.Builder
	text.WriteString(q.Question + "\n")
	buttons := make([]bot.Button, len(q.Buttons))
	for i, b := range q.Buttons {
		n := strconv.Itoa(i+1) + ". "
		text.WriteString("\n" + n + b.Label)
		buttons[i] = bot.Button{Label: n + b.Label, Data: b.Data}
	}
	return text.String(), buttons
}

func (a *Adapter) sendText(ctx context.Context, chat, text string, buttons [][]bot.Button) (bot.Sent, error) {
	comps, err := a.components(buttons)
	if err != nil {
		return bot.Sent{}, err
	}
	parts := bot.SplitText(text, maxContent)
	if len(parts) == 0 {
		return bot.Sent{}, errors.New("discord: empty message")
	}
	var sent bot.Sent
	for i, part := range parts {
		var c []discordgo.MessageComponent
		if i == len(parts)-1 {
			c = comps
		}
		id, err := a.post(ctx, chat, part, nil, c)
		if err != nil {
			return sent, err
		}
		sent.MessageID = id
	}
	return sent, nil
}

// post puts one message (text or embeds) in a channel: into a pending
// command response when ctx carries one for the channel, else as a new
// message.
func (a *Adapter) post(ctx context.Context, chat, text string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) (string, error) {
	if d := deferredFrom(ctx, chat); d != nil && d.claim() {
		id, err := a.fillDeferred(ctx, d, text, embeds, comps)
		if err == nil {
			return id, nil
		}
		// An expired token or a lost response: the message still goes out.
		a.log.Info("discord: could not fill the deferred response, posting instead", "chat", chat, "err", err)
	}
	return a.postMessage(ctx, chat, outMessage{text: text, embeds: embeds, comps: comps})
}

// outMessage is a message to create: its text, embeds, buttons and
// files.
type outMessage struct {
	text   string
	embeds []*discordgo.MessageEmbed
	comps  []discordgo.MessageComponent
	files  []bot.File
}

// send is the message as discordgo sends it; each try gets readers of
// its own, so a retried upload carries the files whole again.
func (o outMessage) send() *discordgo.MessageSend {
	return &discordgo.MessageSend{Content: o.text, Embeds: o.embeds, Components: o.comps, Files: discordFiles(o.files), AllowedMentions: noMentions()}
}

func discordFiles(files []bot.File) []*discordgo.File {
	var out []*discordgo.File
	for _, f := range files {
		out = append(out, &discordgo.File{Name: f.Name, ContentType: f.Type, Reader: bytes.NewReader(f.Data)})
	}
	return out
}

// postMessage creates a message in a channel through the pacer; in a
// server interaction's chat, as a private follow-up.
func (a *Adapter) postMessage(ctx context.Context, chat string, o outMessage) (string, error) {
	if _, _, ok := parseIxChat(chat); ok {
		return a.postInteraction(ctx, chat, o)
	}
	var m *discordgo.Message
	err := a.do(ctx, chat, func(ctx context.Context) error {
		var err error
		m, err = a.session.ChannelMessageSendComplex(chat, o.send(), discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", err
	}
	return m.ID, nil
}

// Discord takes at most ten attachments a message, and a bot's upload
// at most 10 MiB in all.
const (
	maxFiles     = 10
	maxFileBytes = 10 << 20
)

// sendWithFiles sends the text, then the files as attachments, ten to a
// message, with the buttons under the last one, at the bottom of the
// chat as on Telegram.
func (a *Adapter) sendWithFiles(ctx context.Context, r bot.Reply) (bot.Sent, error) {
	var sent bot.Sent
	if strings.TrimSpace(r.Text) != "" {
		s, err := a.sendText(ctx, r.ChatID, r.Text, nil)
		if err != nil {
			return s, err
		}
		sent = s
	}
	comps, err := a.components(r.Buttons)
	if err != nil {
		return sent, err
	}
	batches := chunk(r.Files, maxFiles)
	for i, batch := range batches {
		if err := checkFiles(batch); err != nil {
			return sent, err
		}
		msg := outMessage{files: batch}
		if i == len(batches)-1 {
			msg.comps = comps
		}
		id, err := a.postMessage(ctx, r.ChatID, msg)
		if err != nil {
			return sent, err
		}
		if sent.MessageID == "" {
			sent.MessageID = id
		}
	}
	return sent, nil
}

// checkFiles checks one message's files against Discord's limits.
func checkFiles(files []bot.File) error {
	total := 0
	for _, f := range files {
		if f.Name == "" || len(f.Data) == 0 {
			return errors.New("discord: a file needs a name and data")
		}
		total += len(f.Data)
	}
	if total > maxFileBytes {
		return fmt.Errorf("discord: %d bytes of files in one message, over the %d Discord takes", total, maxFileBytes)
	}
	return nil
}

// noMentions keeps text a person typed (a name, a question) from pinging
// anyone when the bot repeats it.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// components lays buttons out as action rows: the core's rows, each cut
// into rows of five; when that makes more than five rows, all buttons
// are packed five to a row. More than 25 buttons is an error. Labels
// longer than Discord shows are shortened; custom_ids cannot be, so a
// long one is an error.
func (a *Adapter) components(rows [][]bot.Button) ([]discordgo.MessageComponent, error) {
	var all []bot.Button
	var cut [][]bot.Button
	seen := map[string]bool{}
	for _, row := range rows {
		for _, b := range row {
			if err := checkButton(b, seen); err != nil {
				return nil, err
			}
			all = append(all, b)
		}
		cut = append(cut, chunk(row, maxRowSize)...)
	}
	if len(all) == 0 {
		return nil, nil
	}
	if len(cut) > maxRows {
		cut = chunk(all, maxRowSize)
	}
	if len(cut) > maxRows {
		return nil, fmt.Errorf("discord: %d buttons do not fit under one message (at most %d)", len(all), maxRows*maxRowSize)
	}
	out := make([]discordgo.MessageComponent, 0, len(cut))
	for _, row := range cut {
		line := make([]discordgo.MessageComponent, 0, len(row))
		for _, b := range row {
			line = append(line, discordgo.Button{
				Label:    a.clip("button label", b.Label, maxLabel),
				Style:    discordgo.PrimaryButton,
				CustomID: b.Data,
			})
		}
		out = append(out, discordgo.ActionsRow{Components: line})
	}
	return out, nil
}

func checkButton(b bot.Button, seen map[string]bool) error {
	if n := utf8.RuneCountInString(b.Data); n == 0 || n > maxCustomID {
		return fmt.Errorf("discord: button %q: custom_id must be 1-%d characters, is %d", b.Label, maxCustomID, n)
	}
	if strings.TrimSpace(b.Label) == "" {
		return fmt.Errorf("discord: button with data %q has no label", b.Data)
	}
	if seen[b.Data] {
		return fmt.Errorf("discord: two buttons carry %q; Discord needs each custom_id once per message", b.Data)
	}
	seen[b.Data] = true
	return nil
}

// chunk cuts a row into rows of at most n; empty rows vanish.
func chunk[T any](row []T, n int) [][]T {
	var out [][]T
	for len(row) > n {
		out = append(out, row[:n])
		row = row[n:]
	}
	if len(row) > 0 {
		out = append(out, row)
	}
	return out
}

// clip shortens s to max characters with an ellipsis, and says so in the
// log: course texts are written to fit, so this is a content slip.
func (a *Adapter) clip(what, s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	a.log.Warn("discord: text too long, shortened", "what", what, "limit", max, "text", s)
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
