package discordtest

import (
	"encoding/json"
	"net/url"
	"time"
)

// Request is one REST call as the server saw it.
type Request struct {
	Method string
	Path   string            // as sent, without the /api/vN prefix
	Route  string            // the route it matched, "POST /channels/{channel_id}/messages"; "" if none
	Params map[string]string // path parameters by name
	Query  url.Values
	Body   any    // the decoded JSON body (numbers as json.Number); nil without one
	Files  []File // files of a multipart request, by field
	Status int    // what the server answered
	At     time.Time
}

// Message is a message the bot made in a channel, however it made it.
type Message struct {
	ID        string
	ChannelID string
	Content   string
	Rows      [][]Button // the action rows under it
	Embeds    []Embed
	// Via says how the message came: "channel" (POST channel messages),
	// "callback" (an interaction answered with a message), "original"
	// (a deferred interaction response, edited in), "followup".
	Via         string
	Interaction string // the interaction it answers, for the last three
	// Flags are the message's flags; 64 (Ephemeral) means only the
	// person who used the interaction sees it.
	Flags   int
	Edits   int
	Deleted bool
	Files   []File // attached when it was created
	At      time.Time

	components any // as the bot sent them, for echoing back
	embeds     any
}

// Embed is one embed of a message.
type Embed struct {
	Title       string
	Description string
	Fields      []EmbedField
	Footer      string
}

// EmbedField is one field of an embed.
type EmbedField struct {
	Name, Value string
	Inline      bool
}

// decodeEmbeds reads embeds from a decoded embeds list.
func decodeEmbeds(list []any) []Embed {
	var out []Embed
	for _, e := range list {
		obj, _ := e.(map[string]any)
		em := Embed{Title: str(obj["title"]), Description: str(obj["description"])}
		if f, ok := obj["footer"].(map[string]any); ok {
			em.Footer = str(f["text"])
		}
		fields, _ := obj["fields"].([]any)
		for _, f := range fields {
			fo, _ := f.(map[string]any)
			inline, _ := fo["inline"].(bool)
			em.Fields = append(em.Fields, EmbedField{Name: str(fo["name"]), Value: str(fo["value"]), Inline: inline})
		}
		out = append(out, em)
	}
	return out
}

// Button is one button of a message.
type Button struct {
	Label    string
	CustomID string
	Style    int
	Disabled bool
}

// InteractionResponse is the bot's answer to an interaction's callback.
type InteractionResponse struct {
	Interaction string
	Type        int // 4 message, 5 deferred message, 6 deferred update, 7 update
	Content     string
	Flags       int
	Delay       time.Duration // from the push to the answer, on the server's clock
	At          time.Time
	Choices     []Choice // an autocomplete answer's (type 8)
}

// Choice is one suggestion of an autocomplete answer.
type Choice struct {
	Name  string
	Value string
}

// Command is a registered application command.
type Command struct {
	ID                       string
	Name                     string
	NameLocalizations        map[string]string
	Description              string
	DescriptionLocalizations map[string]string
	Contexts                 []int
	// DefaultMemberPermissions is nil when everyone may see the command;
	// 0 hides it from all but a server's administrators.
	DefaultMemberPermissions *int64
	Options                  []CommandOption
}

// CommandOption is one option of a command.
type CommandOption struct {
	Type                     int
	Name                     string
	NameLocalizations        map[string]string
	Description              string
	DescriptionLocalizations map[string]string
	Required                 bool
	Autocomplete             bool
}

// Identify is what the bot said when it identified on the gateway.
type Identify struct {
	Intents int
	At      time.Time
}

// decodeRows reads action rows of buttons from a decoded components list.
func decodeRows(rows []any) [][]Button {
	var out [][]Button
	for _, r := range rows {
		row, _ := r.(map[string]any)
		items, _ := row["components"].([]any)
		var line []Button
		for _, it := range items {
			b, _ := it.(map[string]any)
			style, _ := b["style"].(json.Number)
			n, _ := style.Int64()
			disabled, _ := b["disabled"].(bool)
			line = append(line, Button{Label: str(b["label"]), CustomID: str(b["custom_id"]), Style: int(n), Disabled: disabled})
		}
		out = append(out, line)
	}
	return out
}

// The JSON shapes the server sends: only the fields discordgo reads.

type apiUser struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	GlobalName    *string `json:"global_name"`
	Discriminator string  `json:"discriminator"`
	Bot           bool    `json:"bot,omitempty"`
}

type apiMessage struct {
	ID          string    `json:"id"`
	ChannelID   string    `json:"channel_id"`
	GuildID     string    `json:"guild_id,omitempty"`
	Type        int       `json:"type"`
	Content     string    `json:"content"`
	Author      apiUser   `json:"author"`
	Timestamp   string    `json:"timestamp"`
	Mentions    []apiUser `json:"mentions"`
	Components  any       `json:"components"`
	Embeds      []any     `json:"embeds"`
	Attachments []any     `json:"attachments"`
	TTS         bool      `json:"tts"`
	Flags       int       `json:"flags"`
	Pinned      bool      `json:"pinned"`
}

type apiChannel struct {
	ID         string    `json:"id"`
	Type       int       `json:"type"`
	Recipients []apiUser `json:"recipients,omitempty"`
}

type apiInteraction struct {
	ID            string      `json:"id"`
	ApplicationID string      `json:"application_id"`
	Type          int         `json:"type"`
	Data          any         `json:"data"`
	GuildID       string      `json:"guild_id,omitempty"`
	ChannelID     string      `json:"channel_id"`
	Channel       apiChannel  `json:"channel"`
	Member        *apiMember  `json:"member,omitempty"`
	User          *apiUser    `json:"user,omitempty"`
	Token         string      `json:"token"`
	Version       int         `json:"version"`
	Message       *apiMessage `json:"message,omitempty"`
	Locale        string      `json:"locale"`
	GuildLocale   string      `json:"guild_locale,omitempty"`
	Context       int         `json:"context"`
}

type apiMember struct {
	User  apiUser  `json:"user"`
	Roles []string `json:"roles"`
}

type apiCommandData struct {
	ID      string             `json:"id"`
	Name    string             `json:"name"`
	Type    int                `json:"type"`
	Options []apiCommandOption `json:"options,omitempty"`
}

type apiCommandOption struct {
	Name    string `json:"name"`
	Type    int    `json:"type"`
	Value   string `json:"value"`
	Focused bool   `json:"focused,omitempty"`
}

type apiComponentData struct {
	CustomID      string `json:"custom_id"`
	ComponentType int    `json:"component_type"`
}

// The interaction and callback types this server knows.
const (
	interactionCommand      = 2
	interactionComponent    = 3
	interactionAutocomplete = 4

	callbackMessage         = 4
	callbackDeferredMessage = 5
	callbackDeferredUpdate  = 6
	callbackUpdate          = 7
	callbackAutocomplete    = 8
)
