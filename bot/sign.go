package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// answerData is the button data of one quiz option:
// "a:<quiz>:<question>:<option>:<mac>". The MAC binds it to the
// participant it was sent to, so nobody can press someone else's button
// or invent an option; it fits Telegram's 64-byte callback data.
type answerData struct {
	Quiz     quiz.ID
	Question string
	Option   int
}

const macLen = 12 // bytes of HMAC-SHA256 kept: 96 bits

func (b *Bot) signAnswer(p store.ParticipantID, a answerData) string {
	body := string(a.Quiz) + ":" + a.Question + ":" + strconv.Itoa(a.Option)
	return "a:" + body + ":" + b.mac(p, body)
}

func (b *Bot) mac(p store.ParticipantID, body string) string {
	h := hmac.New(sha256.New, b.cfg.Secret)
	h.Write([]byte(string(p) + "\x00" + body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:macLen])
}

// verifyAnswer parses data sent back by a button and checks it was made
// for participant p. ok is false for anything forged or malformed.
func (b *Bot) verifyAnswer(p store.ParticipantID, data string) (answerData, bool) {
	rest, found := strings.CutPrefix(data, "a:")
	if !found {
		return answerData{}, false
	}
	cut := strings.LastIndexByte(rest, ':')
	if cut < 0 {
		return answerData{}, false
	}
	body, mac := rest[:cut], rest[cut+1:]
	if !hmac.Equal([]byte(mac), []byte(b.mac(p, body))) {
		return answerData{}, false
	}
	parts := strings.Split(body, ":")
	if len(parts) != 3 {
		return answerData{}, false
	}
	opt, err := strconv.Atoi(parts[2])
	if err != nil {
		return answerData{}, false
	}
	return answerData{Quiz: quiz.ID(parts[0]), Question: parts[1], Option: opt}, true
}

// signFor signs button data body for participant p (a coordinator's
// confirmation), in the form "<body>:<mac>": a press is honoured only
// from the person the button was sent to, and only as it was made.
func (b *Bot) signFor(p store.ParticipantID, body string) string {
	return body + ":" + b.mac(p, body)
}

// verifyFor returns the body of data signed by signFor for p; ok is
// false for anything forged, altered or meant for someone else.
func (b *Bot) verifyFor(p store.ParticipantID, data string) (body string, ok bool) {
	cut := strings.LastIndexByte(data, ':')
	if cut < 0 {
		return "", false
	}
	body, mac := data[:cut], data[cut+1:]
	return body, hmac.Equal([]byte(mac), []byte(b.mac(p, body)))
}
