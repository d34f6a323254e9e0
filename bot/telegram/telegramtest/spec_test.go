package telegramtest

import (
	"strings"
	"testing"
)

func loadForTest(t *testing.T) *Spec {
	t.Helper()
	return mustSpec(t)
}

func form(kv ...string) map[string]param {
	p := map[string]param{}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = param{form: true, text: kv[i+1]}
	}
	return p
}

func TestCheckAcceptsValidCalls(t *testing.T) {
	s := loadForTest(t)
	for name, c := range map[string]struct {
		method string
		params map[string]param
	}{
		"quiz poll": {"sendPoll", form(
			"chat_id", "42", "question", "Q?", "type", "quiz", "is_anonymous", "false",
			"options", `[{"text":"a"},{"text":"b"}]`, "correct_option_ids", "[1]", "explanation", "because")},
		"message with keyboard": {"sendMessage", form(
			"chat_id", "42", "text", "hi", "entities", "null",
			"reply_markup", `{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}`)},
		"commands with scope": {"setMyCommands", form(
			"commands", `[{"command":"quiz","description":"Quiz"}]`, "language_code", "es",
			"scope", `{"type":"all_private_chats"}`)},
		"long poll": {"getUpdates", form("offset", "1001", "timeout", "30", "allowed_updates", `["message","poll_answer"]`)},
		"no params": {"getMe", form()},
		"json body": {"sendMessage", map[string]param{
			"chat_id": {value: jsonValue(t, "42")}, "text": {value: "hi"},
			"disable_notification": {value: true}}},
	} {
		if problems := s.Check(c.method, c.params); len(problems) > 0 {
			t.Errorf("%s: %v", name, problems)
		}
	}
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCheckFindsBrokenCalls(t *testing.T) {
	s := loadForTest(t)
	for name, c := range map[string]struct {
		method string
		params map[string]param
		want   string
	}{
		"unknown method":        {"sendQuiz", form("chat_id", "1"), "unknown method"},
		"old correct option":    {"sendPoll", form("chat_id", "1", "question", "Q", "options", `[{"text":"a"}]`, "correct_option_id", "0"), `unknown parameter "correct_option_id"`},
		"options as strings":    {"sendPoll", form("chat_id", "1", "question", "Q", "options", `["a","b"]`), "options"},
		"option without text":   {"sendPoll", form("chat_id", "1", "question", "Q", "options", `[{"label":"a"}]`), "options"},
		"missing chat":          {"sendMessage", form("text", "hi"), `required parameter "chat_id" missing`},
		"integer not a number":  {"deleteMessage", form("chat_id", "1", "message_id", "seven"), "not an Integer"},
		"boolean spelled wrong": {"sendPoll", form("chat_id", "1", "question", "Q", "options", `[{"text":"a"}]`, "is_anonymous", "no"), "not a Boolean"},
		"array of integers":     {"sendPoll", form("chat_id", "1", "question", "Q", "options", `[{"text":"a"}]`, "correct_option_ids", `["1"]`), "correct_option_ids"},
		"button field unknown":  {"sendMessage", form("chat_id", "1", "text", "x", "reply_markup", `{"inline_keyboard":[[{"text":"A","data":"a"}]]}`), "reply_markup"},
		"scope of no kind":      {"setMyCommands", form("commands", `[]`, "scope", `{"kind":"private"}`), "scope"},
		"removed parameter":     {"sendMessage", form("chat_id", "1", "text", "x", "disable_web_page_preview", "true"), "disable_web_page_preview"},
		"json boolean as text":  {"sendMessage", map[string]param{"chat_id": {value: "1"}, "text": {value: "x"}, "disable_notification": {value: "true"}}, "disable_notification"},
		"null for required":     {"sendMessage", form("chat_id", "1", "text", "x", "reply_markup", `{"inline_keyboard":null}`), "reply_markup"},
	} {
		problems := s.Check(c.method, c.params)
		if len(problems) == 0 {
			t.Errorf("%s: passed", name)
			continue
		}
		if joined := strings.Join(problems, "; "); !strings.Contains(joined, c.want) {
			t.Errorf("%s: problems %q do not mention %q", name, joined, c.want)
		}
	}
}

func TestSplitPath(t *testing.T) {
	token, method, ok := splitPath("/bot123:abc/sendPoll")
	if !ok || token != "123:abc" || method != "sendPoll" {
		t.Errorf("got %q %q %v", token, method, ok)
	}
	if _, _, ok := splitPath("/bot123:abc/"); ok {
		t.Error("a path without a method passed")
	}
}

// A value accepted once is accepted again, and one rejected is rejected
// every time, however often it comes.
func TestCheckRemembersOnlyAcceptedValues(t *testing.T) {
	s := loadForTest(t)
	good := form("chat_id", "1", "question", "Q", "options", `[{"text":"a"}]`)
	bad := form("chat_id", "1", "question", "Q", "options", `[{"label":"a"}]`)
	for round := range 3 {
		if problems := s.Check("sendPoll", good); len(problems) > 0 {
			t.Errorf("round %d: valid options refused: %v", round, problems)
		}
		if problems := s.Check("sendPoll", bad); len(problems) == 0 {
			t.Errorf("round %d: options without text passed", round)
		}
	}
}
