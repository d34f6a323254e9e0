package bot_test

import (
	"context"
	"strconv"
	"sync"

	"github.com/elmabot/elmabot/bot"
)

// replyLog is a Messenger that keeps every reply, files included.
type replyLog struct {
	platform bot.Platform
	mu       sync.Mutex
	replies  []bot.Reply
}

func (r *replyLog) Platform() bot.Platform { return r.platform }

func (r *replyLog) Send(_ context.Context, rep bot.Reply) (bot.Sent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, rep)
	return bot.Sent{MessageID: strconv.Itoa(len(r.replies))}, nil
}

// since returns the replies recorded after the first n.
func (r *replyLog) since(n int) []bot.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Reply(nil), r.replies[n:]...)
}

// last is the latest reply.
func (r *replyLog) last() bot.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replies[len(r.replies)-1]
}
