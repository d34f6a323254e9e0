package telegramtest

import "time"

// Request is one call the server received, as the bot sent it.
type Request struct {
	Method string
	// Params holds every parameter as text: form values as sent, JSON
	// body values as their string or their JSON encoding.
	Params map[string]string
	// At is the server clock's time when the call arrived.
	At time.Time
}

// Button is one inline keyboard button the bot sent.
type Button struct {
	Text string
	Data string
}

// Outgoing is a message the bot put in a chat: a text or a poll.
type Outgoing struct {
	MessageID int
	ChatID    int64
	Text      string // the text, or the poll's question
	Buttons   [][]Button
	PollID    string // set for a poll
	File      *File  // set for a document or a photo
	At        time.Time
}

// File is a document or photo the bot uploaded.
type File struct {
	Kind string // "document" or "photo"
	Name string
	Data []byte
}

// Poll is a poll the bot created, with what it asked for.
type Poll struct {
	ID            string
	ChatID        int64
	MessageID     int
	Question      string
	Options       []string
	PersistentIDs []string
	Correct       []int
	Explanation   string
	Anonymous     bool
	Type          string
	CloseDate     int64
}

// Command is one entry of a command menu set with setMyCommands.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// The Bot API objects the server writes, with the spec's field names.

type apiUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type apiChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

type apiMessage struct {
	MessageID   int          `json:"message_id"`
	From        *apiUser     `json:"from,omitempty"`
	Date        int64        `json:"date"`
	Chat        apiChat      `json:"chat"`
	Text        string       `json:"text,omitempty"`
	Poll        *apiPoll     `json:"poll,omitempty"`
	ReplyMarkup *apiKeyboard `json:"reply_markup,omitempty"`
}

type apiKeyboard struct {
	InlineKeyboard [][]apiButton `json:"inline_keyboard"`
}

type apiButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type apiPollOption struct {
	PersistentID string `json:"persistent_id"`
	Text         string `json:"text"`
	VoterCount   int    `json:"voter_count"`
}

type apiPoll struct {
	ID                    string          `json:"id"`
	Question              string          `json:"question"`
	Options               []apiPollOption `json:"options"`
	TotalVoterCount       int             `json:"total_voter_count"`
	IsClosed              bool            `json:"is_closed"`
	IsAnonymous           bool            `json:"is_anonymous"`
	Type                  string          `json:"type"`
	AllowsMultipleAnswers bool            `json:"allows_multiple_answers"`
	AllowsRevoting        bool            `json:"allows_revoting"`
	MembersOnly           bool            `json:"members_only"`
	CorrectOptionIDs      []int           `json:"correct_option_ids,omitempty"`
	Explanation           string          `json:"explanation,omitempty"`
	CloseDate             int64           `json:"close_date,omitempty"`
}

type apiCallbackQuery struct {
	ID           string      `json:"id"`
	From         apiUser     `json:"from"`
	Message      *apiMessage `json:"message,omitempty"`
	ChatInstance string      `json:"chat_instance"`
	Data         string      `json:"data,omitempty"`
}

type apiPollAnswer struct {
	PollID              string   `json:"poll_id"`
	User                *apiUser `json:"user,omitempty"`
	OptionIDs           []int    `json:"option_ids"`
	OptionPersistentIDs []string `json:"option_persistent_ids"`
}

type apiUpdate struct {
	UpdateID      int               `json:"update_id"`
	Message       *apiMessage       `json:"message,omitempty"`
	CallbackQuery *apiCallbackQuery `json:"callback_query,omitempty"`
	PollAnswer    *apiPollAnswer    `json:"poll_answer,omitempty"`
	MyChatMember  *apiMemberUpdated `json:"my_chat_member,omitempty"`
}

// apiMemberUpdated is a ChatMemberUpdated: in a private chat, the user
// blocked the bot (the bot's new status "kicked") or unblocked it
// ("member").
type apiMemberUpdated struct {
	Chat          apiChat   `json:"chat"`
	From          apiUser   `json:"from"`
	Date          int64     `json:"date"`
	OldChatMember apiMember `json:"old_chat_member"`
	NewChatMember apiMember `json:"new_chat_member"`
}

type apiMember struct {
	Status    string  `json:"status"`
	User      apiUser `json:"user"`
	UntilDate *int64  `json:"until_date,omitempty"` // "kicked" only: 0, for ever
}

type apiResponse struct {
	OK          bool           `json:"ok"`
	Result      any            `json:"result,omitempty"`
	ErrorCode   int            `json:"error_code,omitempty"`
	Description string         `json:"description,omitempty"`
	Parameters  *apiParameters `json:"parameters,omitempty"`
}

type apiParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}
