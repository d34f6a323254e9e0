package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/store"
	"github.com/elmabot/elmabot/store/storetest"
)

// TestRunServesTelegramAndStopsCleanly runs `elmabot run` against a fake
// Bot API and a throwaway Redis: it sets the command menus, answers a
// participant, and returns 0 when its context ends.
func TestRunServesTelegramAndStopsCleanly(t *testing.T) {
	srv := storetest.Start(t)
	healthAddr := freeAddr(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{
		"TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length",
		"ELMA_HTTP": healthAddr, "ELMA_LOG": "text",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := syncBuffer{}
	done := make(chan int)
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	go func() {
		e := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs, Getenv: func(k string) string { return env[k] }}
		done <- Main(ctx, []string{"--now", "2022-10-21T17:00", "run"}, e)
	}()
	api.Await("setMyCommands", 3)
	api.PushMessage(4242, "/register Ana Lima", "es")
	api.PushMessage(4242, "/quiz week-1", "es")
	all := awaitOutgoing(t, api, 4242, "(1/5)")
	for _, want := range []string{"Registro completado, Ana Lima", "(1/5)"} {
		if !strings.Contains(all, want) {
			t.Errorf("the bot did not send %q; it sent:\n%s", want, all)
		}
	}
	if code, out, errOut := run(t, "", nil, "health", "--url", "http://"+healthAddr+"/healthz"); code != 0 || out != "ok\n" {
		t.Errorf("health: exit %d, %q %q", code, out, errOut)
	}
	srv.Kill()
	if code, _, _ := run(t, "", nil, "health", "--url", "http://"+healthAddr+"/healthz"); code != 1 {
		t.Errorf("health with Redis down: exit %d, want 1", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d after its context ended, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after its context ended")
	}
}

func TestRunNeedsAToken(t *testing.T) {
	code, _, errOut := run(t, "", nil, "run")
	if code != 1 || !strings.Contains(errOut, "neither TELEGRAM_TOKEN nor DISCORD_TOKEN is set") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// awaitOutgoing waits until the bot has sent chat a message or a button
// holding want, and returns everything sent to chat, buttons included (a
// quiz's title shows in /quiz's buttons); the deadline only bounds a
// failing test.
func awaitOutgoing(t *testing.T, api *telegramtest.Server, chat int64, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var texts []string
		for _, o := range api.Outgoing(chat) {
			texts = append(texts, o.Text)
			for _, row := range o.Buttons {
				for _, b := range row {
					texts = append(texts, "["+b.Text+"]")
				}
			}
		}
		all := strings.Join(texts, "\n")
		if strings.Contains(all, want) || time.Now().After(deadline) {
			return all
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestRunReloadsTheCourse: an edited course is served after a reload; a
// broken edit is refused and the previous course stays in service.
func TestRunReloadsTheCourse(t *testing.T) {
	srv := storetest.Start(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	dir := t.TempDir()
	copyDir(t, "../../course/e-lma-2022", dir)
	env := map[string]string{
		"TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": api.URL(),
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length",
		"ELMA_HTTP": freeAddr(t), "ELMA_COURSE": dir,
	}
	r := startReloadable(t, env, "2022-10-21T17:00")
	reload, logs := r.reload, r.logs
	api.PushMessage(7, "/register Ana Lima", "en")
	awaitOutgoing(t, api, 7, "You are registered")

	week1 := filepath.Join(dir, "quizzes", "week-1.yaml")
	edit(t, week1, `en: "Week 1 quiz: `, `en: "Week 1 quiz (revised): `)
	reload <- struct{}{}
	waitFor(t, logs, "course reloaded")
	api.PushMessage(7, "/quiz", "en")
	// The /quiz list's button, not the quiz-open announcement, which may
	// go out before or after the reload.
	const revised = "[Week 1 quiz (revised): "
	if got := awaitOutgoing(t, api, 7, revised); !strings.Contains(got, revised) {
		t.Fatalf("the reloaded quiz title is not served:\n%s", got)
	}

	edit(t, week1, "correct: true", "correct: maybe")
	reload <- struct{}{}
	waitFor(t, logs, "course not reloaded")
	api.PushMessage(7, "/help", "en")
	if got := awaitOutgoing(t, api, 7, "What I can do"); !strings.Contains(got, "What I can do") {
		t.Fatalf("the bot stopped answering after a broken reload:\n%s", got)
	}
	r.stop()
}

// reloadable is `elmabot run` in-process, with a reload channel (the
// SIGHUP of a real process) and its logs.
type reloadable struct {
	t      *testing.T
	reload chan struct{}
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startReloadable runs the bot with env at the course instant now until
// stop, or the test's end.
func startReloadable(t *testing.T, env map[string]string, now string) *reloadable {
	ctx, cancel := context.WithCancel(context.Background())
	r := &reloadable{t: t, reload: make(chan struct{}), logs: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	t.Cleanup(cancel)
	go func() {
		e := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: r.logs, Getenv: func(k string) string { return env[k] }, Reload: r.reload}
		r.done <- Main(ctx, []string{"--now", now, "run"}, e)
	}()
	return r
}

// stop ends the run and checks it exits cleanly.
func (r *reloadable) stop() {
	r.t.Helper()
	r.cancel()
	select {
	case code := <-r.done:
		if code != 0 {
			r.t.Errorf("run exited %d", code)
		}
	case <-time.After(30 * time.Second):
		r.t.Fatal("run did not stop")
	}
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRosterStoresCodesAndPrintsLinks(t *testing.T) {
	srv := storetest.Start(t)
	api := telegramtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{"REDIS_URL": srv.URL, "TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": api.URL()}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	writeFile(t, bad, "name,cohort,lang,role\nAna Lima,SAMM,es,participant\n,SAMM,en,participant\nBob,,fr,participant\nX\u200b\u202e,,en,participant\n")
	code, _, errOut := run(t, "", env, "roster", bad)
	if code != 1 || !strings.Contains(errOut, bad+":3: name is empty") || !strings.Contains(errOut, bad+`:4: lang "fr" is not en or es`) ||
		!strings.Contains(errOut, bad+":5: name") {
		t.Fatalf("bad roster: exit %d\n%s", code, errOut)
	}
	good := filepath.Join(dir, "roster.csv")
	writeFile(t, good, "name,cohort,lang,role,code\n\u202eAna\u200b Lima\u2069,SAMM,es,participant,\nPaola Rinaldi,,en,coordinator,STAFF-0001\n")
	code, out, errOut := run(t, "", env, "roster", good)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || lines[0] != "name,cohort,lang,role,code,telegram_link" {
		t.Fatalf("output:\n%s", out)
	}
	ana := strings.Split(lines[1], ",")
	if !strings.HasPrefix(ana[4], "ELMA-") || !strings.HasSuffix(ana[5], "?start="+ana[4]) || !strings.HasPrefix(ana[5], "https://t.me/") {
		t.Errorf("Ana's row %q lacks a generated code and its link", lines[1])
	}
	if !strings.Contains(lines[2], "coordinator,STAFF-0001,") {
		t.Errorf("a given code must be kept: %q", lines[2])
	}
	st := store.New(srv.Client(), store.WithPrefix(store.DefaultPrefix))
	p, err := st.RedeemRosterCode(context.Background(), ana[4], store.Account{Platform: "telegram", UserID: "9", ChatID: "9", Reachable: true}, time.Now())
	if err != nil || p.Name != "Ana Lima" || p.Lang != "es" || p.Cohort != "SAMM" {
		t.Errorf("redeeming Ana's code: %+v, %v", p, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunServesTelegramAndDiscordAsOnePerson: a participant registered on
// Telegram links Discord with a one-time code; both apps then share one
// record, and the command menus are set on both platforms.
func TestRunServesTelegramAndDiscordAsOnePerson(t *testing.T) {
	srv := storetest.Start(t)
	tg := telegramtest.NewServer(t, clockwork.NewRealClock())
	dc := discordtest.NewServer(t, clockwork.NewRealClock())
	env := map[string]string{
		"TELEGRAM_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": tg.URL(),
		"DISCORD_TOKEN": discordtest.Token, "DISCORD_API_URL": dc.URL(),
		"REDIS_URL": srv.URL, "ELMA_SECRET": "a secret of sufficient length", "ELMA_HTTP": freeAddr(t),
	}
	_, stop := runInBackground(t, env, "2022-10-21T17:00")
	tg.PushMessage(77, "/register Ana Lima", "en")
	awaitOutgoing(t, tg, 77, "You are registered")
	tg.PushMessage(77, "/link", "en")
	got := awaitOutgoing(t, tg, 77, "linking code is ")
	code := strings.TrimSuffix(strings.Fields(got[strings.Index(got, "linking code is ")+len("linking code is "):])[0], ".")

	defer func() {
		if t.Failed() {
			for _, r := range dc.Requests() {
				t.Logf("discord request %s %s", r.Method, r.Path)
			}
			t.Logf("identifies %d", len(dc.Identifies()))
		}
	}()
	dm := dc.DMChannel("5005")
	dc.PushDM("5005", "/start "+code)
	msgs := dc.AwaitMessages(dm, 1)
	if !strings.Contains(msgs[0].Content, "this app is now linked") {
		t.Fatalf("Discord reply %q", msgs[0].Content)
	}
	dc.PushDM("5005", "/progress")
	msgs = dc.AwaitMessages(dm, 2)
	if len(msgs[1].Embeds) != 1 || !strings.Contains(msgs[1].Embeds[0].Description, "Your total: 0 points.") {
		t.Fatalf("Discord /progress %q %+v, want an embed with the total", msgs[1].Content, msgs[1].Embeds)
	}
	st := store.New(srv.Client(), store.WithPrefix(store.DefaultPrefix))
	p, err := st.ParticipantByAccount(context.Background(), "discord", "5005")
	if err != nil || p.Name != "Ana Lima" || len(p.Accounts) != 2 {
		t.Fatalf("the Discord account is not Ana's: %+v, %v", p, err)
	}
	if code := stop(); code != 0 {
		t.Errorf("run exited %d", code)
	}
}
