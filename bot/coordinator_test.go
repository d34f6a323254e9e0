package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/elmabot/elmabot/bot"
	"github.com/elmabot/elmabot/locales"
)

// staff is a fleet with one coordinator (chat 9000) and a replica whose
// updates the tests hand to the core directly.
type staff struct {
	*fleet
	r *replica
}

const chris = 9000

func newStaff(t *testing.T, now string) *staff {
	f := newFleet(t, now)
	id := f.join(chris, locales.EN, "Europe/Rome", nil, true)
	if err := f.store.SetCoordinator(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}
	s := &staff{fleet: f}
	s.r = s.live(f.replica())
	return s
}

// live runs r's delivery loop until the test ends, as a process does.
func (s *staff) live(r *replica) *replica {
	r.bot.StartDeliveries()
	s.t.Cleanup(func() { _ = r.bot.Close() })
	return r
}

// from hands a message or a button press from chat to the core and
// returns what the bot wrote to chat in reply.
func (s *staff) from(chat int64, text string) string {
	s.t.Helper()
	before := len(s.api.Outgoing(chat))
	u := bot.Update{Platform: bot.Telegram, UserID: strconv.FormatInt(chat, 10), ChatID: strconv.FormatInt(chat, 10)}
	if data, ok := strings.CutPrefix(text, "press:"); ok {
		u.Choice, u.MessageID = data, s.messageWith(chat, data)
	} else {
		u.Text = text
	}
	if err := s.r.bot.Handle(context.Background(), u); err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, o := range s.api.Outgoing(chat)[before:] {
		out = append(out, o.Text)
	}
	return strings.Join(out, "\n")
}

// messageWith is the id of the latest message to chat with a button
// carrying data, as Telegram reports it with a press; "" if none.
func (s *staff) messageWith(chat int64, data string) string {
	out := s.api.Outgoing(chat)
	for i := len(out) - 1; i >= 0; i-- {
		for _, row := range out[i].Buttons {
			for _, b := range row {
				if b.Data == data {
					return strconv.Itoa(out[i].MessageID)
				}
			}
		}
	}
	return ""
}

// buttonsOn counts the buttons chat still sees under the message that
// held one carrying data.
func (s *staff) buttonsOn(chat int64, id string) int {
	n := 0
	for _, o := range s.api.Outgoing(chat) {
		if strconv.Itoa(o.MessageID) == id {
			for _, row := range o.Buttons {
				n += len(row)
			}
		}
	}
	return n
}

// button returns the data of the last button sent to chat whose label
// starts with label.
func (s *staff) button(chat int64, label string) string {
	s.t.Helper()
	out := s.api.Outgoing(chat)
	for i := len(out) - 1; i >= 0; i-- {
		for _, row := range out[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, label) {
					return b.Data
				}
			}
		}
	}
	s.t.Fatalf("no %q button sent to %d", label, chat)
	return ""
}

// waitText waits until chat has been sent a message holding want.
func (s *staff) waitText(chat int64, want string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(strings.Join(s.texts(chat), "\n"), want) {
		if time.Now().After(deadline) {
			s.t.Fatalf("chat %d never got %q: %q", chat, want, s.texts(chat))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBroadcastReachesEveryoneOnceInTheirLanguage(t *testing.T) {
	s := newStaff(t, "2022-10-24T09:00")
	const ana, luis, quiet = 9001, 9002, 9003
	s.join(ana, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "America/Bogota", nil, true)
	s.join(quiet, locales.EN, "Europe/Rome", nil, false) // reminders off: announcements still arrive

	mustContain(t, s.from(ana, "/broadcast Free pizza"), "only course coordinators")
	got := s.from(chris, "/broadcast The plenary moves to 16:00 || La plenaria pasa a las 16:00")
	mustContain(t, got, "Audience: everyone", "In English:\nThe plenary moves to 16:00", "In Spanish:\nLa plenaria pasa a las 16:00", "It will go to 4 participants")
	mustNotContain(t, got, "same text goes to every language")
	mustNotContain(t, strings.Join(s.texts(ana), "\n"), "Audience", "plenary moves")
	send := s.button(chris, "Send to 4 participants")
	mustContain(t, s.from(ana, "press:"+send), "only course coordinators")

	preview := s.messageWith(chris, send)
	mustContain(t, s.from(chris, "press:"+send), "Sending to 4 participants")
	if n := s.buttonsOn(chris, preview); n != 0 {
		t.Errorf("the preview still shows %d buttons after Send", n)
	}
	// Everyone, the coordinator included, gets it.
	s.waitText(chris, "Announcement finished: delivered to 4, unreachable 0 (they blocked the bot or closed their messages), failed 0")
	mustContain(t, strings.Join(s.texts(ana), "\n"), "Announcement from the course team:\nThe plenary moves to 16:00")
	mustContain(t, strings.Join(s.texts(luis), "\n"), "Anuncio del equipo del curso:\nLa plenaria pasa a las 16:00")
	mustContain(t, strings.Join(s.texts(quiet), "\n"), "The plenary moves to 16:00")

	// Pressing Send again reaches nobody twice, and says where it stands.
	mustContain(t, s.from(chris, "press:"+send), "This announcement was already sent. So far: delivered to 4, unreachable 0, failed 0, still to go 0.")
	for _, chat := range []int64{ana, luis, quiet, chris} {
		all := strings.Join(s.texts(chat), "\n")
		if n := strings.Count(all, "course team:") + strings.Count(all, "equipo del curso:"); n != 1 {
			t.Errorf("chat %d got the announcement %d times, want 1", chat, n)
		}
	}
	mustContain(t, s.from(chris, "press:"+strings.Replace(send, "send", "cancel", 1)), "already being sent; it can no longer be cancelled")
	mustContain(t, s.from(chris, "press:bc:send:GONE"), "no longer waiting to be sent")

	// Cancel means cancel: a later Send on the preview sends nothing.
	mustContain(t, s.from(chris, "/broadcast Never mind"), "Note: the same text goes to every language.")
	second := s.button(chris, "Send to 4 participants")
	cancelled := s.messageWith(chris, second)
	mustContain(t, s.from(chris, "press:"+strings.Replace(second, "send", "cancel", 1)), "Cancelled: nothing was sent.")
	if n := s.buttonsOn(chris, cancelled); n != 0 {
		t.Errorf("the cancelled preview still shows %d buttons", n)
	}
	mustContain(t, s.from(chris, "press:"+second), "no longer waiting to be sent")
	for _, chat := range []int64{ana, luis, quiet, chris} {
		mustNotContain(t, strings.Join(s.texts(chat), "\n"), "team:\nNever mind", "equipo del curso:\nNever mind")
	}
}

func TestGradingAnEssay(t *testing.T) {
	s := newStaff(t, "2022-11-30T10:00")
	const ana = 9101
	id := s.join(ana, locales.ES, "Europe/Rome", nil, true)
	mustContain(t, s.from(chris, "/find lima"), "Nobody by that name")
	ctx := context.Background()
	if err := s.store.SetName(ctx, id, "Ana Lima"); err != nil {
		t.Fatal(err)
	}
	mustContain(t, s.from(chris, "/find LIMA"), string(id)+" · Ana Lima · - · es")

	mustContain(t, s.from(chris, "/grade "+string(id)+" 8 31 24 7"), "Clarity of the subject and outline (0-10), Alignment with the content of the course (0-30)")
	mustContain(t, s.from(chris, "/grade p999 8 25 24 7"), "There is no participant p999")
	mustContain(t, s.from(ana, "/grade "+string(id)+" 10 30 30 10"), "solo la coordinación")

	mustContain(t, s.from(chris, "/essay "+string(id)), "Recorded: Ana Lima has submitted the final essay.")
	got := s.from(chris, "/grade "+string(id)+" 8 25 24 7 Clear and well argued")
	mustContain(t, got, "Graded: Ana Lima, 64/80. Their total is now 64 points")
	mustContain(t, strings.Join(s.texts(ana), "\n"), "Su ensayo final fue calificado: 64/80.", "Su total es ahora de 64 puntos.")
	essay, err := s.store.Essay(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !essay.Submitted || essay.Grade == nil || essay.Grade.Total != 64 || essay.Grade.Parts["alignment"] != 25 || essay.Grade.Note != "Clear and well argued" {
		t.Errorf("stored essay %+v", essay)
	}
	// A regrade replaces the points, keeping the history.
	mustContain(t, s.from(chris, "/grade "+string(id)+" 9 26 24 7"), "Their total is now 66 points")
	if tot := s.totals(id); tot.Essay != 66 || tot.Total != 66 {
		t.Errorf("totals after regrade %+v", tot)
	}
	mustContain(t, s.from(chris, "/stats"), "Participants: 1 (1 reachable) · English 0 · Spanish 1", "Final essays: 1 submitted · 1 graded · average 66.0/80")
}

func TestAnsweringAParticipantsQuestion(t *testing.T) {
	s := newStaff(t, "2022-10-24T09:00")
	const ana = 9201
	s.join(ana, locales.EN, "Europe/Rome", nil, true)
	mustContain(t, s.from(ana, "Can my colleague attend in my place?"), "passed your question to the coordinators")
	got := s.from(chris, "/questions")
	mustContain(t, got, "1 open question", "Can my colleague attend in my place?")
	qid := strings.TrimPrefix(strings.Fields(strings.SplitN(got, "\n\n", 2)[1])[0], "#")
	mustContain(t, s.from(chris, "/answer "+qid+" Yes, write to the eCampus team first."), "Your reply was sent to P9201, and question "+qid+" is closed.")
	mustContain(t, strings.Join(s.texts(ana), "\n"), "Reply from the course team to your question \"Can my colleague attend in my place?\":\n\nYes, write to the eCampus team first.")
	mustContain(t, s.from(chris, "/questions"), "No open questions.")
	mustContain(t, s.from(chris, "/answer "+qid+" again"), "There is no open question "+qid)
	mustContain(t, s.from(chris, "/answer"), "Send /answer followed by the question's id")
}

// TestBroadcastCutShortResumesWithoutRepeats: the bot shuts down in the
// middle of a slow wave. Sends already begun finish, no new one starts,
// and the restarted bot finishes the wave on its own, reaching nobody
// twice, then reports the whole wave.
func TestBroadcastCutShortResumesWithoutRepeats(t *testing.T) {
	s := newStaff(t, "2022-10-24T09:00")
	// 50 messages a second: 301 recipients take 6 s, far longer than the
	// sends the workers can have begun when the shutdown comes.
	if err := s.r.bot.Close(); err != nil { // only the slow process serves
		t.Fatal(err)
	}
	slow := s.live(s.replicaRate(50))
	s.r = slow
	chats := []int64{chris}
	for i := range 300 {
		chat := int64(9301 + i)
		s.joinQuick(chat)
		chats = append(chats, chat)
	}
	s.from(chris, "/broadcast Room change")
	send := s.button(chris, "Send to 301 participants")
	count := func() (reached int) {
		for _, c := range chats {
			reached += strings.Count(strings.Join(s.texts(c), "\n"), "course team:")
		}
		return reached
	}
	s.from(chris, "press:"+send)
	deadline := time.Now().Add(20 * time.Second)
	for count() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // until the wave has started
	}
	if err := slow.bot.Close(); err != nil {
		t.Fatal(err)
	}
	reached := count()
	if reached == 0 || reached == len(chats) {
		t.Fatalf("%d of %d reached before the shutdown; the test needs a wave cut short: %q", reached, len(chats), s.texts(chris))
	}

	s.r = s.live(s.replica()) // the bot restarted
	s.waitText(chris, "Announcement finished: delivered to "+strconv.Itoa(len(chats))+", unreachable 0")
	for _, c := range chats {
		if n := strings.Count(strings.Join(s.texts(c), "\n"), "course team:"); n != 1 {
			t.Errorf("chat %d got the announcement %d times, want 1", c, n)
		}
	}
	if n := strings.Count(strings.Join(s.texts(chris), "\n"), "Announcement finished"); n != 1 {
		t.Errorf("the coordinator got %d reports, want 1", n)
	}
}

// TestBroadcastReportCountsWhatThePlatformAnswered: people who blocked the
// bot, and one whose chat keeps failing, are not counted as delivered.
func TestBroadcastReportCountsWhatThePlatformAnswered(t *testing.T) {
	s := newStaff(t, "2022-10-24T09:00")
	const ana, gone1, gone2 = 9401, 9402, 9403
	for _, c := range []int64{ana, gone1, gone2} {
		s.join(c, locales.EN, "Europe/Rome", nil, true)
	}
	s.api.Block(gone1)
	s.api.Block(gone2)
	s.from(chris, "/broadcast Exam moved")
	send := s.button(chris, "Send to 4 participants")
	s.from(chris, "press:"+send)
	s.waitText(chris, "Announcement finished: delivered to 2, unreachable 2")
	mustContain(t, strings.Join(s.texts(ana), "\n"), "course team:\nExam moved")
	// A press of the old button (the preview was edited since) reports.
	mustContain(t, s.from(chris, "press:"+send), "delivered to 2, unreachable 2, failed 0, still to go 0")
}
