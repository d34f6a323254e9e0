package bot_test

import "testing"

// On a Friday evening /agenda shows what comes next (the following
// week), not the sessions already over; /agenda N is week N as the
// course numbers its weeks.
func TestAgendaShowsTheComingDaysAndWeekN(t *testing.T) {
	h := newHarness(t, "2022-10-21T19:00") // Friday of week 1, after its sessions
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "/agenda")
	mustContain(t, got, "Your sessions in the next 7 days (Turin time, and yours: Europe/Rome):",
		"Global and regional labour migration trends", "Mon 24 Oct, 15:00–17:00 Turin time")
	mustNotContain(t, got, "Fri 21 Oct", "Welcome webinar", "Sat 29 Oct")

	got = h.say("ana", "/agenda 2")
	mustContain(t, got, "Week 2 sessions", "Mon 24 Oct, 15:00–17:00 Turin time")
	mustNotContain(t, got, "Welcome webinar", "Week 1")
	mustContain(t, h.say("ana", "/agenda 1"), "Week 1 sessions", "Welcome webinar and presentation of the platform", "Fri 21 Oct, 15:00–16:30 Turin time")
	mustContain(t, h.say("ana", "/agenda week 3"), "Week 3 sessions", "Tue 1 Nov")
	for _, bad := range []string{"8", "0", "soon"} {
		mustContain(t, h.say("ana", "/agenda "+bad), "The course has weeks 1 to 7.")
	}

	h.say("ana", "/language es", "/timezone Colombia")
	got = h.say("ana", "/agenda")
	mustContain(t, got, "Sus sesiones de los próximos 7 días (hora de Turín y la suya: America/Bogota):",
		"lun 24 oct, 15:00–17:00 hora de Turín", "lun 24 oct, 08:00–10:00 su hora (America/Bogota)")
	mustContain(t, h.say("ana", "/agenda 9"), "El curso tiene las semanas 1 a 7.")
}

// Past the last session, the coming days hold nothing, but any week can
// still be looked up.
func TestAgendaAfterTheCourse(t *testing.T) {
	h := newHarness(t, "2022-12-05T10:00")
	h.say("ana", "/register Ana Lima")
	mustContain(t, h.say("ana", "/agenda"), "The course has ended.")
	mustContain(t, h.say("ana", "/agenda 7"), "Week 7 sessions")
}
