package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
)

// These tests run two `elmabot run` processes on one bot token, one
// Redis and one fake Telegram, which answers 409 Conflict to a getUpdates
// that overlaps another, as Telegram does.

// progressReply is in every answer to /progress.
const progressReply = "Weekly quizzes"

// leads reports whether p took the Telegram lease.
func (p *proc) leads() bool {
	return strings.Contains(p.logs.String(), `msg="leader: lease acquired; this replica leads" lease=telegram:`)
}

// TestReplicasPollOneAtATimeAndFailOver: with two replicas, one polls
// and the other stands by, and each /progress gets one reply. The leader
// is killed with SIGKILL while participants ask for their progress and
// answer a quiz question and a broadcast to 111 people goes out; the
// other takes over within seconds, every message is answered, every vote
// counts, the broadcast reaches everyone, and nobody hears anything
// twice but for at most the message on the wire at the kill.
func TestReplicasPollOneAtATimeAndFailOver(t *testing.T) {
	w := newWorld(t, "2022-10-21T17:00")
	var chats []int64
	for i := range 10 {
		c := int64(9101 + i)
		chats = append(chats, c)
		w.joinWith(c, locales.EN, false) // no reminders: count replies only
	}
	a, b := w.start(), w.start()
	w.await("a leader", 30*time.Second, func() bool { return a.leads() || b.leads() })
	lead, standby := a, b
	if b.leads() {
		lead, standby = b, a
	}
	for _, c := range chats {
		w.api.PushMessage(c, "/progress", "en")
		w.api.PushMessage(c, "/quiz week-1", "en")
	}
	w.await("the first answers", 30*time.Second, func() bool {
		for _, c := range chats {
			if w.count(c, progressReply) == 0 || w.count(c, "(1/5)") == 0 {
				return false
			}
		}
		return true
	})
	if standby.leads() {
		t.Fatal("both replicas took the lease")
	}
	// A broadcast to everyone is under way when the kill comes.
	const staff = 9100
	if err := w.store.SetCoordinator(context.Background(), w.joinWith(staff, locales.EN, false), true); err != nil {
		t.Fatal(err)
	}
	crowd := slices.Clone(chats)
	for i := range 100 {
		crowd = append(crowd, int64(9201+i))
		w.joinWith(crowd[len(crowd)-1], locales.EN, false)
	}
	crowd = append(crowd, staff)
	w.api.PushMessage(staff, "/broadcast The room changed", "en")
	w.await("the preview", 30*time.Second, func() bool { return w.count(staff, "It will go to 111 participants") == 1 })
	w.api.PushCallback(staff, w.button(staff, "Send to 111"))
	w.await("the wave to start", 30*time.Second, func() bool { return w.reached(crowd) >= 10 })
	// The burst the kill cuts into: a vote and a /progress per chat.
	var last int
	for _, c := range chats {
		poll, ok := w.api.LastPoll(c)
		if !ok {
			t.Fatalf("chat %d has no quiz poll", c)
		}
		w.api.PushPollAnswer(c, poll.ID, poll.Correct)
		last = w.api.PushMessage(c, "/progress", "en")
	}
	w.await("the burst to be fetched", 30*time.Second, func() bool { return w.api.Deliveries(last) > 0 })
	lead.kill()
	killed := time.Now()
	w.await("the standby to take over", 30*time.Second, standby.leads)
	took := time.Since(killed)
	w.await("every answer after the kill", 60*time.Second, func() bool {
		for _, c := range chats {
			if w.count(c, progressReply) < 2 || w.count(c, "(2/5)") == 0 {
				return false
			}
		}
		return true
	})
	w.await("every update to be confirmed", 30*time.Second, func() bool { return w.api.Pending() == 0 })
	w.await("the whole wave", 60*time.Second, func() bool { return w.reached(crowd) == len(crowd) })
	w.await("the report", 30*time.Second, func() bool { return w.count(staff, "Announcement finished: delivered to 111") == 1 })
	time.Sleep(time.Second) // room for a repeat to show up
	dups := 0
	for _, c := range crowd {
		dups += w.announced(c) - 1
	}
	for _, c := range chats {
		for _, want := range []string{"(1/5)", "(2/5)"} {
			if n := w.count(c, want); n != 1 {
				dups += n - 1
			}
		}
		dups += w.count(c, progressReply) - 2
	}
	if dups > 1 {
		t.Errorf("%d repeated replies after one kill, want at most the one on the wire", dups)
	}
	if n := w.api.Conflicts(); n != 0 {
		t.Errorf("%d getUpdates calls overlapped another: both replicas polled", n)
	}
	t.Logf("the standby led %v after the kill (lease %s); %d repeated replies", took.Round(100*time.Millisecond), crashLeader, dups)
}

// webhookSecret is the secret_token both replicas set.
const webhookSecret = "replica-test_secret"

// TestReplicasServeTheWebhook: two replicas serve Telegram's webhook,
// each on its own address. Updates POSTed alternately to each are
// answered once each; an update POSTed to both at once is answered
// once, the loser told to come back (as Telegram does on a non-2xx);
// a POST with the wrong secret is refused with 403; nobody polls.
func TestReplicasServeTheWebhook(t *testing.T) {
	w := newWorld(t, "2022-10-21T17:00")
	var chats []int64
	for i := range 8 {
		c := int64(9201 + i)
		chats = append(chats, c)
		w.joinWith(c, locales.EN, false)
	}
	var hooks []string
	for range 2 {
		addr := freeAddr(t)
		hook := "http://" + addr + "/tg/hook"
		hooks = append(hooks, hook)
		w.startWith("ELMA_HTTP="+addr, "TELEGRAM_WEBHOOK_URL="+hook, "TELEGRAM_WEBHOOK_SECRET="+webhookSecret)
	}
	w.api.Await("setWebhook", 2)
	if _, secret := w.api.Webhook(); secret != webhookSecret {
		t.Fatalf("webhook secret %q, want %q", secret, webhookSecret)
	}
	for i, c := range chats {
		id := w.api.PushMessage(c, "/progress", "en")
		if code, err := w.api.PostUpdate(hooks[i%2], webhookSecret, id); err != nil || code != http.StatusOK {
			t.Fatalf("POST to replica %d: %d %v, want 200", i%2, code, err)
		}
		if n := w.count(c, progressReply); n != 1 {
			t.Fatalf("chat %d: %d replies when its POST was answered, want 1", c, n)
		}
	}
	turned := 0
	for _, c := range chats {
		id := w.api.PushMessage(c, "/progress", "en")
		turned += w.postToBoth(hooks, id)
	}
	forged := w.api.PushMessage(chats[0], "/progress", "en")
	if code, err := w.api.PostUpdate(hooks[1], "not-the-secret", forged); err != nil || code != http.StatusForbidden {
		t.Errorf("POST with a wrong secret: %d %v, want 403", code, err)
	}
	time.Sleep(time.Second) // room for a repeat to show up
	for _, c := range chats {
		if n := w.count(c, progressReply); n != 2 {
			t.Errorf("chat %d: %d replies to two updates (one POSTed to both replicas), want 2", c, n)
		}
	}
	if n := w.api.Count("getUpdates"); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode, want 0", n)
	}
	t.Logf("of %d updates POSTed to both replicas at once, %d were turned away by one (503) while the other handled them", len(chats), turned)
}

// postToBoth POSTs update id to both replicas at once, then, as Telegram
// does, again to a replica until it is answered 2xx. It returns how
// many of the two were answered 503.
func (w *world) postToBoth(hooks []string, id int) (turned int) {
	w.t.Helper()
	codes := make([]int, len(hooks))
	var wg sync.WaitGroup
	for i, h := range hooks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, err := w.api.PostUpdate(h, webhookSecret, id)
			if err != nil {
				w.t.Errorf("POST %d: %v", id, err)
			}
			codes[i] = code
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c != http.StatusOK && c != http.StatusServiceUnavailable {
			w.t.Fatalf("update %d POSTed to both answered %v, want 200 or 503", id, codes)
		}
		if c == http.StatusServiceUnavailable {
			turned++
		}
	}
	if codes[0] == http.StatusOK || codes[1] == http.StatusOK {
		return turned
	}
	w.await(fmt.Sprintf("update %d to be answered 200", id), 20*time.Second, func() bool {
		code, err := w.api.PostUpdate(hooks[0], webhookSecret, id)
		return err == nil && code == http.StatusOK
	})
	return turned
}
