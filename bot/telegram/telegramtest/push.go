package telegramtest

import (
	"encoding/json"
	"strconv"
)

// SetName gives a user the names their updates carry; by default a user
// is "User <id>".
func (s *Server) SetName(userID int64, first, last string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[userID] = [2]string{first, last}
}

// PushMessage queues a text message from userID in their private chat
// and returns its update id. langCode is the user's app language ("" for
// none).
func (s *Server) PushMessage(userID int64, text, langCode string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.user(userID, langCode)
	s.nextMessage++
	msg := &apiMessage{
		MessageID: s.nextMessage,
		From:      &from,
		Date:      s.clock.Now().Unix(),
		Chat:      apiChat{ID: userID, Type: "private", FirstName: from.FirstName, LastName: from.LastName},
		Text:      text,
	}
	return s.push(apiUpdate{Message: msg})
}

// PushGroupMessage queues a message userID wrote in a group chat.
func (s *Server) PushGroupMessage(chatID, userID int64, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.user(userID, "")
	s.nextMessage++
	msg := &apiMessage{
		MessageID: s.nextMessage,
		From:      &from,
		Date:      s.clock.Now().Unix(),
		Chat:      apiChat{ID: chatID, Type: "group", Title: "Study group"},
		Text:      text,
	}
	return s.push(apiUpdate{Message: msg})
}

// PushCallback queues a press on an inline button carrying data, under
// the latest message the bot sent to userID that carries such a button,
// else under its last message (a forged or stale press).
func (s *Server) PushCallback(userID int64, data string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.user(userID, "")
	s.nextQuery++
	msg := s.messageWith(userID, data)
	q := &apiCallbackQuery{
		ID:           "cq" + strconv.Itoa(s.nextQuery),
		From:         from,
		Message:      &msg,
		ChatInstance: "ci" + strconv.FormatInt(userID, 10),
		Data:         data,
	}
	return s.push(apiUpdate{CallbackQuery: q})
}

// CallbackID is the callback query id PushCallback gave the n-th press
// (1-based), for matching answerCallbackQuery calls.
func CallbackID(n int) string { return "cq" + strconv.Itoa(n) }

// PushPollAnswer queues userID's vote in a poll; options are the chosen
// option indexes, empty for a retracted vote.
func (s *Server) PushPollAnswer(userID int64, pollID string, options []int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.user(userID, "")
	ans := &apiPollAnswer{PollID: pollID, User: &from, OptionIDs: []int{}, OptionPersistentIDs: []string{}}
	for _, o := range options {
		ans.OptionIDs = append(ans.OptionIDs, o)
		ans.OptionPersistentIDs = append(ans.OptionPersistentIDs, s.persistentID(pollID, o))
	}
	return s.push(apiUpdate{PollAnswer: ans})
}

// PushBlocked queues the update Telegram sends when userID blocks the bot
// (blocked true) or unblocks it.
func (s *Server) PushBlocked(userID int64, blocked bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.user(userID, "")
	me := botUser()
	var forever int64
	member, kicked := apiMember{Status: "member", User: me}, apiMember{Status: "kicked", User: me, UntilDate: &forever}
	up := &apiMemberUpdated{
		Chat: apiChat{ID: userID, Type: "private", FirstName: from.FirstName, LastName: from.LastName},
		From: from, Date: s.clock.Now().Unix(), OldChatMember: kicked, NewChatMember: member,
	}
	if blocked {
		up.OldChatMember, up.NewChatMember = member, kicked
	}
	return s.push(apiUpdate{MyChatMember: up})
}

func (s *Server) persistentID(pollID string, option int) string {
	if p, ok := s.polls[pollID]; ok && option >= 0 && option < len(p.PersistentIDs) {
		return p.PersistentIDs[option]
	}
	return pollID + "-" + strconv.Itoa(option)
}

// user builds the sender; the caller holds s.mu.
func (s *Server) user(id int64, langCode string) apiUser {
	u := apiUser{ID: id, FirstName: "User", LastName: strconv.FormatInt(id, 10), LanguageCode: langCode}
	if n, ok := s.names[id]; ok {
		u.FirstName, u.LastName = n[0], n[1]
	}
	return u
}

// lastMessage is the bot's latest message in a private chat, or a stand-in
// when it has sent none; the caller holds s.mu.
func (s *Server) lastMessage(chatID int64) apiMessage {
	out := Outgoing{MessageID: 1, ChatID: chatID, Text: "…", At: s.clock.Now()}
	if sent := s.outgoing[chatID]; len(sent) > 0 {
		out = sent[len(sent)-1]
	}
	return s.botMessage(out)
}

// messageWith is the bot's latest message to chatID with a button
// carrying data, or its last message; the caller holds s.mu.
func (s *Server) messageWith(chatID int64, data string) apiMessage {
	sent := s.outgoing[chatID]
	for i := len(sent) - 1; i >= 0; i-- {
		for _, row := range sent[i].Buttons {
			for _, b := range row {
				if b.Data == data {
					return s.botMessage(sent[i])
				}
			}
		}
	}
	return s.lastMessage(chatID)
}

// push encodes and queues an update; the caller holds s.mu.
func (s *Server) push(u apiUpdate) int {
	s.nextUpdate++
	u.UpdateID = s.nextUpdate
	body, err := json.Marshal(u)
	if err != nil {
		s.t.Fatalf("telegramtest: encoding an update: %v", err)
	}
	s.queue = append(s.queue, queued{id: u.UpdateID, body: body})
	s.broadcast()
	return u.UpdateID
}

// botUser is the bot as Telegram describes it.
func botUser() apiUser {
	return apiUser{ID: BotID, IsBot: true, FirstName: "e-LMA", Username: BotUsername}
}
