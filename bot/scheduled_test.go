package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// scheduledID reads the id a "Scheduled as ID:" reply gives.
func scheduledID(t testing.TB, reply string) string {
	t.Helper()
	_, rest, ok := strings.Cut(reply, "Scheduled as ")
	id, _, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		t.Fatalf("no scheduled id in %q", reply)
	}
	return id
}

// schedule previews cmd and presses Schedule, returning the id.
func (s *staff) schedule(cmd string, preview ...string) string {
	s.t.Helper()
	if got := s.from(chris, cmd); !containsAll(got, preview) {
		s.t.Fatalf("preview %q lacks one of %q", got, preview)
	}
	return scheduledID(s.t, s.from(chris, "press:"+s.button(chris, "Schedule")))
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// drainAll has every given process send what is due, at once.
func drainAll(t *testing.T, rs ...*replica) {
	t.Helper()
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Go(func() {
			if err := r.bot.DrainDeliveries(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestScheduledBroadcastGoesOutOnceAtItsInstant: announcements scheduled
// on Sunday evening for Monday morning survive a restart, go out at
// their instant and not before, once although two processes serve the
// queue; one whose process dies while sending it goes out once too; the
// cancelled ones never go out.
func TestScheduledBroadcastGoesOutOnceAtItsInstant(t *testing.T) {
	s := newStaff(t, "2022-10-23T18:00")
	const ana, luis = 9701, 9702
	s.join(ana, locales.EN, "Europe/Rome", nil, true)
	s.join(luis, locales.ES, "America/Bogota", nil, true)

	mustContain(t, s.from(chris, "/broadcast at 2022-10-23 17:59 Too late"), "Sun 23 Oct at 17:59 Turin time has already passed")
	mustContain(t, s.from(chris, "/broadcast at 2022-10-32 09:00 Hi"), `I cannot read the time "2022-10-32 09:00"`)
	mustContain(t, s.from(chris, "/broadcast at 2024-10-24 09:00 Hi"), "more than a year away")
	plenary := s.schedule("/broadcast at 2022-10-24 09:00 lang:es Mañana: plenaria a las 10:00",
		"Audience: speaks Spanish", "Goes out Mon 24 Oct at 09:00 Turin time. The time you typed was read as Turin time.", "In Spanish, to 1 participant:\nMañana: plenaria a las 10:00")
	room := s.schedule("/broadcast at 24/10/2022 10:00 Room 3 today || Sala 3 hoy", "Goes out Mon 24 Oct at 10:00 Turin time")
	dropped := s.schedule("/broadcast at 2022-10-24 08:00 Dropped by button")
	typed := s.schedule("/broadcast at 2022-10-24T07:00 Dropped by command")

	list := s.from(chris, "/scheduled")
	mustContain(t, list, "4 announcements are scheduled:", typed+" · Mon 24 Oct at 07:00 Turin time\nAudience: everyone\nDropped by command",
		plenary+" · Mon 24 Oct at 09:00 Turin time\nAudience: speaks Spanish\nMañana: plenaria")
	if strings.Index(list, typed) > strings.Index(list, dropped) || strings.Index(list, dropped) > strings.Index(list, plenary) {
		t.Errorf("not soonest first: %q", list)
	}
	mustContain(t, s.from(chris, "press:"+s.button(chris, "Cancel "+dropped)), "Cancelled "+dropped+": it will not go out.")
	mustContain(t, s.from(chris, "/scheduled cancel "+strings.ToLower(typed)), "Cancelled "+typed)
	mustContain(t, s.from(chris, "/scheduled cancel "+typed), "Cancelled "+typed) // a repeat changes nothing
	mustContain(t, s.from(chris, "/scheduled cancel NOSUCH"), "There is no scheduled announcement NOSUCH")
	mustContain(t, s.from(ana, "press:sc:cancel:"+plenary), "only course coordinators")
	mustContain(t, s.from(chris, "/scheduled"), "2 announcements are scheduled:")

	// The bot restarts: two new processes on the same Redis.
	if err := s.r.bot.Close(); err != nil {
		t.Fatal(err)
	}
	r1, r2 := s.replica(), s.replica()
	s.r = r1
	s.clock.Advance(15*time.Hour - time.Millisecond) // Monday 08:59:59.999
	drainAll(t, r1, r2)
	for _, chat := range []int64{ana, luis} {
		mustNotContain(t, strings.Join(s.texts(chat), "\n"), "plenaria", "Room 3", "Sala 3", "Dropped")
	}

	s.clock.Advance(time.Millisecond) // 09:00
	drainAll(t, r1, r2)
	mustContain(t, strings.Join(s.texts(luis), "\n"), "Anuncio del equipo del curso:\nMañana: plenaria a las 10:00")
	mustNotContain(t, strings.Join(s.texts(ana), "\n"), "plenaria")
	mustContain(t, strings.Join(s.texts(chris), "\n"), "Announcement finished: delivered to 1, unreachable 0")
	mustContain(t, s.from(chris, "/scheduled"), "1 announcement is scheduled:", room)
	mustContain(t, s.from(chris, "/scheduled cancel "+plenary), plenary+" is already going out")

	// At 10:00 a process takes the next one and dies before sending it.
	s.clock.Advance(time.Hour)
	now := s.clock.Now()
	if taken, err := s.store.Claim(context.Background(), now, now.Add(2*time.Minute), 10); err != nil || len(taken) != 1 {
		t.Fatalf("the dying process took %v, %v", taken, err)
	}
	mustContain(t, s.from(chris, "/scheduled cancel "+room), "already going out")
	drainAll(t, r1, r2)
	mustNotContain(t, strings.Join(s.texts(ana), "\n"), "Room 3")
	s.clock.Advance(2 * time.Minute) // its lease ends
	drainAll(t, r1, r2, s.replica())
	s.clock.Advance(time.Hour)
	drainAll(t, s.replica())

	en, es := "course team:\n", "equipo del curso:\n"
	counts := map[int64]map[string]int{
		ana:   {en + "Room 3 today": 1},
		luis:  {es + "Sala 3 hoy": 1, es + "Mañana: plenaria": 1},
		chris: {en + "Room 3 today": 1, "Announcement finished": 2},
	}
	for chat, want := range counts {
		all := strings.Join(s.texts(chat), "\n")
		for text, n := range want {
			if got := strings.Count(all, text); got != n {
				t.Errorf("chat %d got %q %d times, want %d", chat, text, got, n)
			}
		}
		mustNotContain(t, all, en+"Dropped")
	}
	mustContain(t, s.from(chris, "/scheduled"), "No announcement is scheduled.")
}

// TestScheduledTimeIsReadInTheCoordinatorsZone: a coordinator who set a
// time zone types times on their own clock, and the preview says so.
func TestScheduledTimeIsReadInTheCoordinatorsZone(t *testing.T) {
	s := newStaff(t, "2022-10-23T18:00")
	p, err := s.store.ParticipantByAccount(context.Background(), store.Telegram, "9000")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.SetTimeZone(context.Background(), p.ID, "America/Bogota"); err != nil {
		t.Fatal(err)
	}
	got := s.from(chris, "/broadcast at 2022-10-24 09:00 Webinar at 10:00 Bogota time")
	mustContain(t, got, "Goes out Mon 24 Oct at 16:00 Turin time (Mon 24 Oct at 09:00 your time, America/Bogota). The time you typed was read as your time (America/Bogota, from /timezone).")
	mustContain(t, s.from(chris, "press:"+s.button(chris, "Cancel")), "Cancelled: nothing was sent.")
	mustContain(t, s.from(chris, "/scheduled"), "No announcement is scheduled.")
	if err := s.store.SetLanguage(context.Background(), p.ID, locales.ES); err != nil {
		t.Fatal(err)
	}
	mustContain(t, s.from(chris, "/broadcast at 2022-10-23 11:00 Hola"), "ya pasó. Elija un momento futuro.")
	mustContain(t, s.from(chris, "/broadcast at 2022-10-24 09:00 cohort:SAMM Hola"), `Nadie pertenece a una cohorte "SAMM" (en cohort:SAMM). Cohortes: -.`)
}
