package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/bot/analytics"
	"github.com/elmabot/elmabot/bot/discord"
	"github.com/elmabot/elmabot/bot/discord/discordtest"
	"github.com/elmabot/elmabot/bot/internal/fakeclock"
	"github.com/elmabot/elmabot/bot/telegram"
	"github.com/elmabot/elmabot/bot/telegram/telegramtest"
	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store"
)

// statsPerson is one participant of the /stats scenario, as the test
// plans them.
type statsPerson struct {
	lang                 locales.Lang
	platforms            []store.Platform
	cohort               string
	gender, org, country string
	quizzes              []quiz.ID // completed, every answer right
	half                 quiz.ID   // started, one answer given
	essay                bool
	grade                int // with essay; -1 not graded
}

// statsScenario: on Thu 10 Nov 2022, weeks 1 to 3 and seven electives
// are open, week 4 opens the next day.
func statsScenario() []statsPerson {
	return []statsPerson{
		{lang: locales.EN, platforms: []store.Platform{store.Telegram}, cohort: "SAMM", gender: "Female", org: "Government", country: "Zambia",
			quizzes: []quiz.ID{"week-1", "week-2", "week-3", "elective-skills", "elective-policy", "elective-measuring"}, essay: true, grade: 70},
		{lang: locales.ES, platforms: []store.Platform{store.Discord}, cohort: "SAMM", gender: "Male", org: "NGO", country: "Malawi",
			quizzes: []quiz.ID{"week-1", "week-2", "week-3", "elective-skills", "elective-policy", "elective-standards"}},
		{lang: locales.EN, platforms: []store.Platform{store.Telegram, store.Discord}, gender: "Female", org: "Government",
			quizzes: []quiz.ID{"week-1"}, half: "week-2", essay: true, grade: -1},
		{lang: locales.ES, platforms: []store.Platform{store.Telegram}, country: "Peru"},
		{lang: locales.EN, platforms: []store.Platform{store.Telegram}, quizzes: []quiz.ID{"week-1", "week-2"}},
	}
}

// statsWorld is a core on a real Redis with a recording messenger for
// Telegram, where the coordinators write from.
type statsWorld struct {
	*fleet
	core *bot.Bot
	tg   *replyLog
}

func newStatsWorld(t *testing.T, now string) *statsWorld {
	f := newFleet(t, now)
	w := &statsWorld{fleet: f, core: f.core(), tg: &replyLog{platform: bot.Telegram}}
	w.core.Register(w.tg)
	return w
}

// coordinator adds a coordinator with a Telegram account in chat.
func (w *statsWorld) coordinator(chat string, lang locales.Lang) {
	w.coordinatorOn(store.Telegram, chat, chat, lang)
}

// add writes the scenario's people through the roster, their answers
// and essays.
func (w *statsWorld) add(people []statsPerson) {
	ctx := context.Background()
	for i, sp := range people {
		code := fmt.Sprintf("ST%d", i)
		entry := store.RosterEntry{Code: code, Name: fmt.Sprintf("Person %d", i), Cohort: sp.cohort, Lang: sp.lang,
			Details: store.Details{Gender: sp.gender, OrgType: sp.org, Country: sp.country}}
		if err := w.store.AddRosterCodes(ctx, []store.RosterEntry{entry}); err != nil {
			w.t.Fatal(err)
		}
		var id store.ParticipantID
		for k, pl := range sp.platforms {
			acct := store.Account{Platform: pl, UserID: code, ChatID: code, Reachable: true}
			if k == 0 {
				p, err := w.store.RedeemRosterCode(ctx, code, acct, w.course.Start)
				if err != nil {
					w.t.Fatal(err)
				}
				id = p.ID
			} else if err := w.store.LinkAccount(ctx, id, acct); err != nil {
				w.t.Fatal(err)
			}
		}
		for _, q := range sp.quizzes {
			w.answer(id, q, -1)
		}
		if sp.half != "" {
			w.answer(id, sp.half, 1)
		}
		w.essay(id, sp)
	}
}

// answer answers n questions of quiz qid rightly (all when n < 0).
func (w *statsWorld) answer(id store.ParticipantID, qid quiz.ID, n int) {
	q, ok := w.course.Bank.Quiz(qid)
	if !ok {
		w.t.Fatalf("no quiz %s", qid)
	}
	if n < 0 {
		n = len(q.Questions)
	}
	var siblings []string
	for _, qu := range q.Questions {
		siblings = append(siblings, qu.ID)
	}
	for _, qu := range q.Questions[:n] {
		_, err := w.store.RecordAnswer(context.Background(), store.Answer{Participant: id, Quiz: qid, Question: qu.ID, Option: qu.Correct,
			Correct: true, Points: qu.Points, Kind: q.Kind, At: q.Opens, Siblings: siblings})
		if err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *statsWorld) essay(id store.ParticipantID, sp statsPerson) {
	if !sp.essay {
		return
	}
	ctx := context.Background()
	if err := w.store.SubmitEssay(ctx, id, w.course.Start); err != nil {
		w.t.Fatal(err)
	}
	if sp.grade >= 0 {
		if _, err := w.store.GradeEssay(ctx, id, store.Grade{Total: sp.grade, By: "staff", At: w.course.Start}); err != nil {
			w.t.Fatal(err)
		}
	}
}

// from sends text from chat on Telegram and returns the replies.
func (w *statsWorld) from(chat, text string) []bot.Reply {
	w.t.Helper()
	before := len(w.tg.since(0))
	if err := w.core.Handle(context.Background(), bot.Update{Platform: bot.Telegram, UserID: chat, ChatID: chat, Text: text}); err != nil {
		w.t.Fatal(err)
	}
	return w.tg.since(before)
}

// statsWant is what /stats must show, counted from the scenario.
type statsWant struct {
	langs, apps, cohorts, genders, orgs, countries, tiers, points map[string]int
	completed                                                     map[quiz.ID]int
}

func countStats(c *course.Course, people []statsPerson) statsWant {
	w := statsWant{langs: map[string]int{"English": 0, "Spanish": 0}, apps: map[string]int{}, cohorts: map[string]int{}, genders: map[string]int{},
		orgs: map[string]int{}, countries: map[string]int{}, tiers: map[string]int{"Achievement": 0, "Participation": 0, "None yet": 0},
		points: map[string]int{}, completed: map[quiz.ID]int{}}
	given := func(s string) string {
		if s == "" {
			return "not given"
		}
		return s
	}
	for _, p := range people {
		w.langs[map[locales.Lang]string{locales.EN: "English", locales.ES: "Spanish"}[p.lang]]++
		w.apps[map[int]string{1: strings.ToUpper(string(p.platforms[0])[:1]) + string(p.platforms[0])[1:], 2: "Discord + Telegram"}[len(p.platforms)]]++
		w.cohorts[map[bool]string{true: "no cohort", false: p.cohort}[p.cohort == ""]]++
		w.genders[given(p.gender)]++
		w.orgs[given(p.org)]++
		w.countries[given(p.country)]++
		total := 0
		for _, qid := range p.quizzes {
			q, _ := c.Bank.Quiz(qid)
			total += q.Points
			w.completed[qid]++
		}
		if p.half != "" {
			q, _ := c.Bank.Quiz(p.half)
			total += q.Questions[0].Points
		}
		if p.essay && p.grade > 0 {
			total += p.grade
		}
		w.points[fmt.Sprintf("%d–%d", total/20*20, total/20*20+19)]++
		switch {
		case total >= 120 && p.essay:
			w.tiers["Achievement"]++
		case total >= 60:
			w.tiers["Participation"]++
		default:
			w.tiers["None yet"]++
		}
	}
	// The histogram shows every bin up to the highest total.
	top := 0
	for label := range w.points {
		lo, _ := strconv.Atoi(strings.Split(label, "–")[0])
		top = max(top, lo)
	}
	for lo := 0; lo < top; lo += 20 {
		w.points[fmt.Sprintf("%d–%d", lo, lo+19)] += 0
	}
	return w
}

// listed reads a /stats line "Prefix: label 3 · other label 2".
func listed(t *testing.T, text, prefix string) map[string]int {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		out := map[string]int{}
		for _, part := range strings.Split(rest, " · ") {
			i := strings.LastIndexByte(part, ' ')
			n, err := strconv.Atoi(part[i+1:])
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			out[part[:i]] = n
		}
		return out
	}
	t.Fatalf("no line %q in:\n%s", prefix, text)
	return nil
}

// charts decodes each file as a PNG and returns the charts' data by
// title, and the file names.
func charts(t *testing.T, files []bot.File) (map[string]analytics.Drawn, []string) {
	t.Helper()
	out := map[string]analytics.Drawn{}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		if !f.Photo || f.Type != "image/png" {
			t.Errorf("%s: photo %v, type %q; want a PNG picture", f.Name, f.Photo, f.Type)
		}
		if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil {
			t.Fatalf("%s is not a valid PNG: %v", f.Name, err)
		}
		drawn, err := analytics.Data(f.Data)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, d := range drawn {
			out[d.Title] = d
		}
	}
	return out, names
}

func barsOf(d analytics.Drawn) map[string]int {
	m := map[string]int{}
	for _, c := range d.Counts {
		m[c.Label] = c.N
	}
	return m
}

// TestStatsChartsMatchTheText: /stats answers with text and three PNG
// pictures whose numbers are those of the text, and both are the counts
// made from the scenario; quizzes not yet open say when they open,
// never 0, and are not drawn.
func TestStatsChartsMatchTheText(t *testing.T) {
	w := newStatsWorld(t, "2022-11-10T12:00")
	w.coordinator("9000", locales.EN)
	people := statsScenario()
	w.add(people)
	want := countStats(w.course, people)

	replies := w.from("9000", "/stats")
	if len(replies) != 1 {
		t.Fatalf("%d replies, want 1", len(replies))
	}
	text := replies[0].Text
	drawn, names := charts(t, replies[0].Files)
	if strings.Join(names, ",") != "certificates.png,quizzes.png,participants.png" {
		t.Errorf("files %v", names)
	}
	for _, c := range []struct {
		line, chart string
		want        map[string]int
	}{
		{"Apps: ", "Participants by app", want.apps},
		{"Cohorts: ", "Participants by cohort", want.cohorts},
		{"Gender: ", "Participants by gender", want.genders},
		{"Organization types: ", "Participants by organization type", want.orgs},
		{"Countries: ", "Participants by country", want.countries},
		{"Total points (participants): ", "Participants by total points", want.points},
	} {
		if got := listed(t, text, c.line); !maps.Equal(got, c.want) {
			t.Errorf("%s%v, want %v", c.line, got, c.want)
		}
		if got := barsOf(drawn[c.chart]); !maps.Equal(got, c.want) {
			t.Errorf("chart %q draws %v, want %v", c.chart, got, c.want)
		}
	}
	mustContain(t, text, fmt.Sprintf("Participants: %d (%d reachable) · English %d · Spanish %d", len(people), len(people), want.langs["English"], want.langs["Spanish"]),
		fmt.Sprintf("Certificates: achievement %d · participation %d · none yet %d", want.tiers["Achievement"], want.tiers["Participation"], want.tiers["None yet"]))
	for chart, m := range map[string]map[string]int{"Participants by language": want.langs, "Certificates": want.tiers} {
		if got := barsOf(drawn[chart]); !maps.Equal(got, m) {
			t.Errorf("chart %q draws %v, want %v", chart, got, m)
		}
	}
	checkQuizLines(t, w.course, text, barsOf(drawn["Participants who completed each quiz"]), want.completed)
}

// checkQuizLines: every quiz open by Thu 10 Nov 12:00 has its
// completions in the text and the chart; the others say when they open
// and are not drawn.
func checkQuizLines(t *testing.T, c *course.Course, text string, drawn map[string]int, completed map[quiz.ID]int) {
	t.Helper()
	at := fakeclock.Turin(t, "2022-11-10T12:00")
	opened := map[string]int{}
	for _, q := range c.Bank.Quizzes {
		if at.Before(q.Opens) {
			mustContain(t, text, fmt.Sprintf("  %s: not open yet (opens %s)", q.ID, q.Opens.In(c.Location).Format("Mon 2 Jan")))
			continue
		}
		opened[string(q.ID)] = completed[q.ID]
		mustContain(t, text, fmt.Sprintf("  %s: %d so far (open until Fri 9 Dec)", q.ID, completed[q.ID]))
	}
	mustContain(t, text, "  week-4: not open yet (opens Fri 11 Nov)")
	if !maps.Equal(drawn, opened) {
		t.Errorf("quiz chart draws %v, want the quizzes opened: %v", drawn, opened)
	}
}

// TestStatsInSpanishAndRefusedToParticipants: a Spanish-speaking
// coordinator reads the numbers and the charts' titles in Spanish; a
// participant gets neither.
func TestStatsInSpanishAndRefusedToParticipants(t *testing.T) {
	w := newStatsWorld(t, "2022-11-10T12:00")
	w.coordinator("9001", locales.ES)
	w.add(statsScenario())
	replies := w.from("9001", "/stats")
	if len(replies) != 1 {
		t.Fatalf("%d replies", len(replies))
	}
	mustContain(t, replies[0].Text, "week-4: aún no abierto (abre el vie 11 nov)", "Aplicaciones: ", "Género: Female 2 · sin dato 2 · Male 1")
	drawn, _ := charts(t, replies[0].Files)
	if _, ok := drawn["Certificados"]; !ok {
		t.Errorf("no Spanish chart titles: %v", slicesOfKeys(drawn))
	}
	got := w.from("ST4", "/stats")
	if len(got) != 1 || len(got[0].Files) != 0 || strings.Contains(got[0].Text, "Participantes") || strings.Contains(got[0].Text, "Participants:") {
		t.Errorf("a participant got %+v", got)
	}
}

func slicesOfKeys(m map[string]analytics.Drawn) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestStatsChartsReachTheApps: through the real adapters, /stats
// reaches a Telegram coordinator as its text then one photo per chart
// (sendPhoto), and a Discord coordinator as its text then a message
// with the charts attached; each upload is a valid PNG whose numbers
// are those of the text.
func TestStatsChartsReachTheApps(t *testing.T) {
	w := newStatsWorld(t, "2022-11-10T12:00")
	w.coordinator("9000", locales.EN)
	w.add(statsScenario())
	api := w.api
	tg, err := telegram.New(telegram.Config{Token: telegramtest.Token, APIURL: api.URL(), GlobalRate: -1, PerChat: -1})
	if err != nil {
		t.Fatal(err)
	}
	w.core.Register(tg)
	dsrv := discordtest.NewServer(t, nil)
	dc, err := discord.New(discord.Config{Token: discordtest.Token, APIBase: dsrv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	w.core.Register(dc)

	w.from("9000", "/stats")
	out := api.Outgoing(9000)
	if len(out) != 4 {
		t.Fatalf("Telegram chat got %d messages, want the text and 3 photos", len(out))
	}
	var files []bot.File
	for _, o := range out[1:] {
		if o.File == nil || o.File.Kind != "photo" {
			t.Fatalf("message %+v, want a photo", o)
		}
		files = append(files, bot.File{Name: o.File.Name, Type: "image/png", Data: o.File.Data, Photo: true})
	}
	textAgreesWithCharts(t, out[0].Text, files)

	const user = "3000000000000000001"
	dm := dsrv.DMChannel(user)
	w.coordinatorOn(store.Discord, user, dm, locales.EN)
	if err := w.core.Handle(context.Background(), bot.Update{Platform: bot.Discord, UserID: user, ChatID: dm, Text: "/stats"}); err != nil {
		t.Fatal(err)
	}
	msgs := dsrv.Messages(dm)
	if len(msgs) != 2 || len(msgs[1].Files) != 3 {
		t.Fatalf("Discord channel got %+v, want the text and a message with 3 charts", msgs)
	}
	files = nil
	for _, f := range msgs[1].Files {
		files = append(files, bot.File{Name: f.Name, Type: f.ContentType, Data: f.Data, Photo: true})
	}
	textAgreesWithCharts(t, msgs[0].Content, files)
}

// textAgreesWithCharts checks that the charts uploaded are valid PNGs
// drawing the numbers the text gives.
func textAgreesWithCharts(t *testing.T, text string, files []bot.File) {
	t.Helper()
	drawn, names := charts(t, files)
	if strings.Join(names, ",") != "certificates.png,quizzes.png,participants.png" {
		t.Errorf("uploads %v", names)
	}
	for line, chart := range map[string]string{
		"Total points (participants): ": "Participants by total points", "Apps: ": "Participants by app",
		"Cohorts: ": "Participants by cohort", "Countries: ": "Participants by country",
	} {
		if got, text := barsOf(drawn[chart]), listed(t, text, line); !maps.Equal(got, text) {
			t.Errorf("chart %q draws %v, the text says %v", chart, got, text)
		}
	}
	tiers := barsOf(drawn["Certificates"])
	mustContain(t, text, fmt.Sprintf("Certificates: achievement %d · participation %d · none yet %d",
		tiers["Achievement"], tiers["Participation"], tiers["None yet"]))
}

// coordinatorOn adds a coordinator with an account on platform.
func (w *statsWorld) coordinatorOn(platform store.Platform, user, chat string, lang locales.Lang) {
	ctx := context.Background()
	p, err := w.store.CreateParticipant(ctx, store.Participant{Name: "Chris " + user, Lang: lang, Created: w.course.Start},
		store.Account{Platform: platform, UserID: user, ChatID: chat, Reachable: true})
	if err == nil {
		err = w.store.SetCoordinator(ctx, p.ID, true)
	}
	if err != nil {
		w.t.Fatal(err)
	}
}
