package telegram_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	coursequiz "github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// benchQuiz is the quiz the benchmark participants answer.
const benchQuiz coursequiz.ID = "week-1"

// benchPollBase numbers the polls registered before the run, far from
// the ids telegramtest gives the polls the bot sends during it.
const benchPollBase = 7000000000000000000

// quizRig is the core on a real redis-server, with participants
// registered through the store, each holding one poll per question of
// the week-1 quiz, as if the bot had sent them.
type quizRig struct {
	bot    *bot.Bot
	store  *store.Store
	quiz   *coursequiz.Quiz
	people int
}

// newQuizRig registers enough participants for n answers, one answer
// per question each; redisArgs go to redis-server.
func newQuizRig(b *testing.B, n int, redisArgs ...string) *quizRig {
	b.Helper()
	c, err := course.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := locales.NewCatalog()
	if err != nil {
		b.Fatal(err)
	}
	q, ok := c.Bank.Quiz(benchQuiz)
	if !ok {
		b.Fatalf("no quiz %s", benchQuiz)
	}
	rd := storetest.Start(b, redisArgs...)
	st := store.New(rd.Client(), store.WithPrefix(rd.Prefix))
	clock := clockwork.NewFakeClockAt(q.Opens.Add(time.Hour))
	core, err := bot.New(bot.Config{Course: c, Store: st, Catalog: cat, Clock: clock, Secret: []byte(e2eSecret)})
	if err != nil {
		b.Fatal(err)
	}
	rig := &quizRig{bot: core, store: st, quiz: q, people: (n + len(q.Questions) - 1) / len(q.Questions)}
	rig.register(b, clock.Now())
	return rig
}

func (r *quizRig) register(b *testing.B, now time.Time) {
	b.Helper()
	ctx := context.Background()
	for i := range r.people {
		user := strconv.FormatInt(benchUser(i), 10)
		p := store.Participant{Name: "Participant " + user, Lang: locales.EN, TimeZone: "Europe/Rome", Reminders: true, Created: now}
		acct := store.Account{Platform: store.Platform(bot.Telegram), UserID: user, ChatID: user, Reachable: true}
		created, err := r.store.CreateParticipant(ctx, p, acct)
		if err != nil {
			b.Fatal(err)
		}
		for j, qu := range r.quiz.Questions {
			ref := store.PollRef{Participant: created.ID, Quiz: r.quiz.ID, Question: qu.ID}
			if err := r.store.SavePoll(ctx, r.pollID(i, j), ref, 24*time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchUser(i int) int64 { return int64(1000 + i) }

func (r *quizRig) pollID(person, question int) string {
	return strconv.Itoa(benchPollBase + person*len(r.quiz.Questions) + question)
}

// pushAnswers queues n poll answers: question 1 of everyone, then
// question 2, and so on, so that a batch spans many chats while each
// person answers in order. Every other answer is right.
func (r *quizRig) pushAnswers(srv *telegramtest.Server, n int) {
	for k := range n {
		person, question := k%r.people, k/r.people
		qu := r.quiz.Questions[question]
		option := qu.Correct
		if k%2 == 1 {
			option = (qu.Correct + 1) % len(qu.Options)
		}
		srv.PushPollAnswer(benchUser(person), r.pollID(person, question), []int{option})
	}
}

// finished is how many people answer every question among n answers;
// the last answer of each brings a summary instead of a next poll.
func (r *quizRig) finished(n int) int {
	return max(0, n-(len(r.quiz.Questions)-1)*r.people)
}

// quietServer is a fake Telegram with the request log off, so memory
// stays flat; counts and spec checks go on.
func quietServer(b *testing.B) *telegramtest.Server {
	srv := telegramtest.NewServer(b, nil)
	srv.SetRecording(false)
	return srv
}

// BenchmarkQuizAnswersEndToEnd measures poll answers per second through
// the adapter's Run loop (pacing off), the core and a real Redis: each
// answer looks the poll up, records the answer, and sends the next poll
// (or, after the last question, the summary). Telegram shows right or
// wrong itself, so there is no feedback message. The yardstick is the
// bare loop on the same updates against a fresh server of the same kind,
// run just before and just after, since a shared machine's speed drifts;
// the ratio is the bot's rate over the mean of the two. The target
// is at least 0.7.
func BenchmarkQuizAnswersEndToEnd(b *testing.B) {
	for _, redis := range []struct {
		name string
		args []string
	}{{"redis=plain", nil}, {"redis=aof-always", storetest.AOF()}} {
		b.Run(redis.name, func(b *testing.B) {
			rig := newQuizRig(b, b.N, redis.args...)
			before := rig.bareRate(b, b.N, noted)
			srv := quietServer(b)
			rig.pushAnswers(srv, b.N)
			a := newAdapter(b, srv, clockwork.NewRealClock(), func(c *telegram.Config) {
				c.GlobalRate, c.PerChat = -1, -1
			})
			rig.bot.Register(a)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)

			b.ResetTimer()
			go func() { done <- a.Run(ctx, rig.bot) }()
			// Polls first: the summaries come with the last questions.
			done5 := rig.finished(b.N)
			srv.Await("sendPoll", b.N-done5)
			srv.Await("sendMessage", done5)
			b.StopTimer()
			cancel()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
			rate := float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "answers/s")
			rig.checkPoints(b, b.N)

			after := rig.bareRate(b, b.N, noted)
			b.ReportMetric(before, "bare-before/s")
			b.ReportMetric(after, "bare-after/s")
			b.ReportMetric(rate/((before+after)/2), "ratio")
			// Beside it, the bare loop making the very call the bot makes
			// (a sendPoll, which the fake server checks against the spec
			// like any other call): how much the bot adds to the platform
			// call it cannot avoid.
			b.ReportMetric(rate/rig.bareRate(b, b.N, rig.samePoll), "ratio-same-call")
		})
	}
}

// bareRate runs the bare loop, answering with reply, on n of the rig's
// answers against a fresh server and returns its answers per second.
func (r *quizRig) bareRate(b *testing.B, n int, reply func(*tgbotapi.BotAPI, *tgbotapi.PollAnswer) error) float64 {
	b.Helper()
	srv := quietServer(b)
	r.pushAnswers(srv, n)
	return float64(n) / bareLoop(b, srv, n, reply).Seconds()
}

// checkPoints verifies, outside the timing, that every answer counted
// once: the points stored are those of the right answers pushed.
func (r *quizRig) checkPoints(b *testing.B, n int) {
	b.Helper()
	want := map[int]int{}
	for k := range n {
		if k%2 == 0 {
			want[k%r.people] += r.quiz.Questions[k/r.people].Points
		}
	}
	ctx := context.Background()
	for i := range r.people {
		p, err := r.store.ParticipantByAccount(ctx, store.Platform(bot.Telegram), strconv.FormatInt(benchUser(i), 10))
		if err != nil {
			b.Fatal(err)
		}
		tot, err := r.store.Totals(ctx, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		if tot.Total != want[i] {
			b.Fatalf("participant %d has %d points, want %d", i, tot.Total, want[i])
		}
	}
}

// BenchmarkBareLoopSameServer is the yardstick on its own: the same
// poll answers as BenchmarkQuizAnswersEndToEnd, served by telegramtest,
// read by go-telegram-bot-api alone with getUpdates and answered with one
// sendMessage each, one at a time.
func BenchmarkBareLoopSameServer(b *testing.B) {
	c, err := course.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	q, _ := c.Bank.Quiz(benchQuiz)
	rig := &quizRig{quiz: q, people: (b.N + len(q.Questions) - 1) / len(q.Questions)}
	srv := quietServer(b)
	rig.pushAnswers(srv, b.N)
	b.ResetTimer()
	elapsed := bareLoop(b, srv, b.N, noted)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "answers/s")
}

// bareLoop reads n poll answers from srv with go-telegram-bot-api and
// answers each with reply, and reports how long that took (the getMe the
// library makes first not included).
func bareLoop(b *testing.B, srv *telegramtest.Server, n int, reply func(*tgbotapi.BotAPI, *tgbotapi.PollAnswer) error) time.Duration {
	b.Helper()
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(telegramtest.Token, srv.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	offset, done := 0, 0
	for done < n {
		ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range ups {
			offset = u.UpdateID + 1
			if u.PollAnswer == nil {
				continue
			}
			if err := reply(api, u.PollAnswer); err != nil {
				b.Fatal(err)
			}
			done++
		}
	}
	return time.Since(start)
}

// noted is the yardstick reply: one short sendMessage.
func noted(api *tgbotapi.BotAPI, a *tgbotapi.PollAnswer) error {
	_, err := api.Send(tgbotapi.NewMessage(a.User.ID, "Answer noted."))
	return err
}

// samePoll replies as the bot does, with a quiz poll of the quiz's next
// question, built by hand: the cost of the platform call alone.
func (r *quizRig) samePoll(api *tgbotapi.BotAPI, a *tgbotapi.PollAnswer) error {
	qu := r.quiz.Questions[(a.OptionIDs[0]+1)%len(r.quiz.Questions)]
	options := make([]map[string]string, len(qu.Options))
	for i, o := range qu.Options {
		options[i] = map[string]string{"text": o.In(locales.EN)}
	}
	p := tgbotapi.Params{
		"chat_id":      strconv.FormatInt(a.User.ID, 10),
		"question":     qu.Text.In(locales.EN),
		"is_anonymous": "false",
		"type":         "quiz",
		"explanation":  qu.Explanation.In(locales.EN),
	}
	if err := p.AddInterface("options", options); err != nil {
		return err
	}
	if err := p.AddInterface("correct_option_ids", []int{qu.Correct}); err != nil {
		return err
	}
	_, err := api.MakeRequest("sendPoll", p)
	return err
}
