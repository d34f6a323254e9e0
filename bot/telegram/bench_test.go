package telegram_test

import (
	"context"
	"fmt"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
)

// benchUsers is how many people the queued updates come from.
const benchUsers = 100

// benchServer is a fake Telegram holding n text messages from benchUsers
// people, with the request log off so memory stays flat.
func benchServer(b *testing.B, n int) *telegramtest.Server {
	srv := telegramtest.NewServer(b, nil)
	srv.SetRecording(false)
	for i := range n {
		srv.PushMessage(int64(1+i%benchUsers), fmt.Sprintf("message %d", i), "en")
	}
	return srv
}

// BenchmarkBareLoop is the yardstick: go-telegram-bot-api by itself,
// getUpdates then one sendMessage per update, one at a time.
func BenchmarkBareLoop(b *testing.B) {
	srv := benchServer(b, b.N)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(telegramtest.Token, srv.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	offset, done := 0, 0
	for done < b.N {
		ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range ups {
			offset = u.UpdateID + 1
			if u.Message == nil {
				continue
			}
			if _, err := api.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "echo: "+u.Message.Text)); err != nil {
				b.Fatal(err)
			}
			done++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkAdapterEcho runs the same work through the adapter: Run, an
// echo handler, Send through the outbox with pacing off.
func BenchmarkAdapterEcho(b *testing.B) {
	for _, workers := range []int{1, telegram.DefaultWorkers} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			srv := benchServer(b, b.N)
			a := newAdapter(b, srv, nil, func(c *telegram.Config) {
				c.GlobalRate, c.PerChat = -1, -1
				c.Workers = workers
			})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			b.ResetTimer()
			go func() { done <- a.Run(ctx, newEcho(a)) }()
			srv.Await("sendMessage", b.N)
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}
