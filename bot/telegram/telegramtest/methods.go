package telegramtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// serve answers a valid call the way Telegram would.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, c call) {
	p := c.params
	switch c.method {
	case "getMe":
		writeOK(w, botUser())
	case "getUpdates":
		s.getUpdates(w, r, p)
	case "sendMessage":
		s.sendMessage(w, p)
	case "sendPoll":
		s.sendPoll(w, p)
	case "sendDocument":
		s.sendFile(w, c, "document")
	case "sendPhoto":
		s.sendFile(w, c, "photo")
	case "editMessageText":
		s.editMessageText(w, p)
	case "editMessageReplyMarkup":
		s.editMessageReplyMarkup(w, p)
	case "answerCallbackQuery", "deleteMessage":
		writeOK(w, true)
	case "setMyCommands":
		s.setMyCommands(w, p)
	case "setWebhook":
		s.setWebhook(w, p)
	case "deleteWebhook":
		s.deleteWebhook(w)
	default:
		writeError(w, http.StatusNotFound, "Not Found: telegramtest does not serve "+c.method, 0)
	}
}

// getUpdates confirms what lies below offset and returns what is left,
// waiting a little for new updates when asked to long-poll.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset := atoi(p["offset"])
	limit := atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	wait := time.Duration(atoi(p["timeout"])) * time.Second
	cut, ok := s.beginPoll(w)
	if !ok {
		return
	}
	defer s.endPoll()
	deadline := time.NewTimer(min(wait, longPollCap))
	defer deadline.Stop()
	for {
		batch, changed := s.takeUpdates(offset, limit)
		if len(batch) > 0 || wait <= 0 {
			writeUpdates(w, batch)
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			writeUpdates(w, nil)
			return
		case <-s.closed:
			writeUpdates(w, nil)
			return
		case <-cut:
			writeError(w, http.StatusConflict, conflictPolls, 0)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) takeUpdates(offset, limit int) ([]json.RawMessage, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if offset > 0 {
		s.confirm(offset)
	}
	var batch []json.RawMessage
	for _, q := range s.queue {
		if len(batch) == limit {
			break
		}
		batch = append(batch, q.body)
		s.deliveries[q.id]++
	}
	return batch, s.changed
}

// confirm forgets every update below offset, as Telegram does.
func (s *Server) confirm(offset int) {
	i := 0
	for i < len(s.queue) && s.queue[i].id < offset {
		i++
	}
	s.queue = s.queue[i:]
	s.confirmed = max(s.confirmed, offset)
}

func writeUpdates(w http.ResponseWriter, batch []json.RawMessage) {
	var b bytes.Buffer
	b.WriteString(`{"ok":true,"result":[`)
	for i, u := range batch {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(u)
	}
	b.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) sendMessage(w http.ResponseWriter, p map[string]string) {
	chatID, ok := s.reachable(w, p)
	if !ok {
		return
	}
	buttons, markup := parseKeyboard(p["reply_markup"])
	s.mu.Lock()
	s.nextMessage++
	out := Outgoing{MessageID: s.nextMessage, ChatID: chatID, Text: p["text"], Buttons: buttons, At: s.clock.Now()}
	s.outgoing[chatID] = append(s.outgoing[chatID], out)
	s.mu.Unlock()
	msg := s.botMessage(out)
	msg.ReplyMarkup = markup
	writeOK(w, msg)
}

// sendFile keeps an uploaded document or photo as an outgoing message;
// the file must come as an upload, as the bot sends what it makes.
func (s *Server) sendFile(w http.ResponseWriter, c call, field string) {
	chatID, ok := s.reachable(w, c.params)
	if !ok {
		return
	}
	f, ok := c.files[field]
	if !ok || len(f.Data) == 0 {
		writeError(w, http.StatusBadRequest, "Bad Request: there is no "+field+" in the request", 0)
		return
	}
	f.Kind = field
	buttons, markup := parseKeyboard(c.params["reply_markup"])
	s.mu.Lock()
	s.nextMessage++
	out := Outgoing{MessageID: s.nextMessage, ChatID: chatID, Text: c.params["caption"], Buttons: buttons, File: &f, At: s.clock.Now()}
	s.outgoing[chatID] = append(s.outgoing[chatID], out)
	s.mu.Unlock()
	msg := s.botMessage(out)
	msg.ReplyMarkup = markup
	writeOK(w, msg)
}

// reachable reads chat_id and refuses chats that blocked the bot.
func (s *Server) reachable(w http.ResponseWriter, p map[string]string) (int64, bool) {
	chatID, err := strconv.ParseInt(p["chat_id"], 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return 0, false
	}
	s.mu.Lock()
	blocked := s.blocked[chatID]
	s.mu.Unlock()
	if blocked {
		writeError(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", 0)
		return 0, false
	}
	return chatID, true
}

func parseKeyboard(text string) ([][]Button, *apiKeyboard) {
	if text == "" {
		return nil, nil
	}
	var kb apiKeyboard
	if err := json.Unmarshal([]byte(text), &kb); err != nil || kb.InlineKeyboard == nil {
		return nil, nil
	}
	rows := make([][]Button, len(kb.InlineKeyboard))
	for i, row := range kb.InlineKeyboard {
		for _, b := range row {
			rows[i] = append(rows[i], Button{Text: b.Text, Data: b.CallbackData})
		}
	}
	return rows, &kb
}

func (s *Server) botMessage(out Outgoing) apiMessage {
	me := botUser()
	return apiMessage{
		MessageID: out.MessageID,
		From:      &me,
		Date:      out.At.Unix(),
		Chat:      apiChat{ID: out.ChatID, Type: "private"},
		Text:      out.Text,
	}
}

type pollOptionIn struct {
	Text string `json:"text"`
}

func (s *Server) sendPoll(w http.ResponseWriter, p map[string]string) {
	chatID, ok := s.reachable(w, p)
	if !ok {
		return
	}
	var options []pollOptionIn
	if err := json.Unmarshal([]byte(p["options"]), &options); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse options JSON object", 0)
		return
	}
	var correct []int
	if c := p["correct_option_ids"]; c != "" {
		if err := json.Unmarshal([]byte(c), &correct); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse correct_option_ids", 0)
			return
		}
	}
	poll := s.newPoll(chatID, p, options, correct)
	writeOK(w, s.pollMessage(poll))
}

func (s *Server) newPoll(chatID int64, p map[string]string, options []pollOptionIn, correct []int) Poll {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMessage++
	s.nextPoll++
	poll := &Poll{
		ID:          strconv.FormatInt(5000000000000000000+int64(s.nextPoll), 10),
		ChatID:      chatID,
		MessageID:   s.nextMessage,
		Question:    p["question"],
		Correct:     correct,
		Explanation: p["explanation"],
		Anonymous:   p["is_anonymous"] != "false",
		Type:        p["type"],
		CloseDate:   int64(atoi(p["close_date"])),
	}
	if poll.Type == "" {
		poll.Type = "regular"
	}
	for i, o := range options {
		poll.Options = append(poll.Options, o.Text)
		poll.PersistentIDs = append(poll.PersistentIDs, poll.ID+"-"+strconv.Itoa(i))
	}
	s.polls[poll.ID] = poll
	out := Outgoing{MessageID: poll.MessageID, ChatID: chatID, Text: poll.Question, PollID: poll.ID, At: s.clock.Now()}
	s.outgoing[chatID] = append(s.outgoing[chatID], out)
	return *poll
}

func (s *Server) pollMessage(poll Poll) apiMessage {
	msg := s.botMessage(Outgoing{MessageID: poll.MessageID, ChatID: poll.ChatID, At: s.clock.Now()})
	ap := &apiPoll{
		ID:               poll.ID,
		Question:         poll.Question,
		IsAnonymous:      poll.Anonymous,
		Type:             poll.Type,
		CorrectOptionIDs: poll.Correct,
		Explanation:      poll.Explanation,
		CloseDate:        poll.CloseDate,
	}
	for i, text := range poll.Options {
		ap.Options = append(ap.Options, apiPollOption{PersistentID: poll.PersistentIDs[i], Text: text})
	}
	msg.Poll = ap
	return msg
}

// editMessageText replaces the text and the buttons of a message the bot
// sent, as Telegram does: an edit without reply_markup drops the
// keyboard, and an edit that changes nothing is refused.
func (s *Server) editMessageText(w http.ResponseWriter, p map[string]string) {
	chatID, ok := s.reachable(w, p)
	if !ok {
		return
	}
	buttons, markup := parseKeyboard(p["reply_markup"])
	id := atoi(p["message_id"])
	s.mu.Lock()
	sent := s.outgoing[chatID]
	i := slices.IndexFunc(sent, func(o Outgoing) bool { return o.MessageID == id })
	same := i >= 0 && sent[i].Text == p["text"] && sameButtons(sent[i].Buttons, buttons)
	if i >= 0 && !same {
		sent[i].Text, sent[i].Buttons = p["text"], buttons
	}
	s.mu.Unlock()
	switch {
	case i < 0:
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0)
		return
	case same:
		writeError(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", 0)
		return
	}
	msg := s.botMessage(sent[i])
	msg.ReplyMarkup = markup
	writeOK(w, msg)
}

func sameButtons(a, b [][]Button) bool {
	return slices.EqualFunc(a, b, func(x, y []Button) bool { return slices.Equal(x, y) })
}

// editMessageReplyMarkup replaces the buttons of a message the bot sent,
// so Outgoing shows what the person now sees.
func (s *Server) editMessageReplyMarkup(w http.ResponseWriter, p map[string]string) {
	chatID, ok := s.reachable(w, p)
	if !ok {
		return
	}
	buttons, markup := parseKeyboard(p["reply_markup"])
	out, found := s.editSent(chatID, atoi(p["message_id"]), func(o *Outgoing) { o.Buttons = buttons })
	if !found {
		writeError(w, http.StatusBadRequest, "Bad Request: message to edit not found", 0)
		return
	}
	msg := s.botMessage(out)
	msg.ReplyMarkup = markup
	writeOK(w, msg)
}

// editSent changes the sent message id in chat by change, under the
// lock, and returns it as it now is; found is false when there is none.
func (s *Server) editSent(chat int64, id int, change func(*Outgoing)) (Outgoing, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := s.outgoing[chat]
	i := slices.IndexFunc(sent, func(o Outgoing) bool { return o.MessageID == id })
	if i < 0 {
		return Outgoing{}, false
	}
	change(&sent[i])
	return sent[i], true
}

// commandScope is a BotCommandScope as setMyCommands takes it.
type commandScope struct {
	Type   string          `json:"type"`
	ChatID json.RawMessage `json:"chat_id"`
}

// setMyCommands keeps a menu per language, for everyone (no scope or
// scope "default") or for one chat (scope "chat"). The spec check has
// already seen that a scope is one of the BotCommandScope types; a chat
// scope's chat_id must name a chat by its number (private chats have no
// @username).
func (s *Server) setMyCommands(w http.ResponseWriter, p map[string]string) {
	var cmds []Command
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0)
		return
	}
	var scope commandScope
	if text := p["scope"]; text != "" {
		if err := json.Unmarshal([]byte(text), &scope); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: can't parse BotCommandScope JSON object", 0)
			return
		}
	}
	lang := p["language_code"]
	switch scope.Type {
	case "", "default":
		s.mu.Lock()
		s.commands[lang] = cmds
		s.mu.Unlock()
	case "chat":
		chatID, err := strconv.ParseInt(strings.Trim(string(scope.ChatID), `"`), 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
			return
		}
		s.setChatCommands(chatID, lang, cmds)
	default:
		writeError(w, http.StatusNotFound, "Not Found: telegramtest keeps menus for the default and chat scopes only, not "+scope.Type, 0)
		return
	}
	writeOK(w, true)
}

func (s *Server) setChatCommands(chatID int64, lang string, cmds []Command) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chatCommands[chatID] == nil {
		s.chatCommands[chatID] = map[string][]Command{}
	}
	s.chatCommands[chatID][lang] = cmds
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
