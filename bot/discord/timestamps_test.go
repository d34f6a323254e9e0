package discord_test

import (
	"context"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// A reminder on Discord writes the session's times as timestamp markup,
// which each reader's client shows in their own zone, with Turin time
// beside it: the participant never set a zone, and one who did is not
// given the bot's conversion (the client knows better).
func TestDiscordReminderUsesTimestampMarkup(t *testing.T) {
	r := newCourseRig(t, "2022-10-25T15:45")
	const luis = "2000000000000000011"
	r.join(ana, locales.EN, "")
	r.join(luis, locales.ES, "America/Bogota")
	s := r.send("rem:w2-skills-1:15m0s:20221025T1400Z") // Tue 25 Oct 16:00-17:30 Turin
	stats, err := r.core.DeliverStats(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 2 {
		t.Fatalf("wave %+v, want 2 sent", stats)
	}
	start, end := "1666706400", "1666711800" // 14:00 and 15:30 UTC
	en := r.srv.AwaitMessages(r.srv.DMChannel(ana), 1)[0].Content
	mustHave(t, en, "Reminder: this session starts <t:"+start+":R>.",
		"<t:"+start+":F>–<t:"+end+":t> your time (<t:"+start+":R>)",
		"Tue 25 Oct, 16:00–17:30 Turin time", "Skills dimension of labour migration")
	es := r.srv.AwaitMessages(r.srv.DMChannel(luis), 1)[0].Content
	mustHave(t, es, "Recordatorio: esta sesión empieza <t:"+start+":R>.",
		"<t:"+start+":F>–<t:"+end+":t> en su hora", "mar 25 oct, 16:00–17:30 hora de Turín")
	if strings.Contains(es, "09:00") || strings.Contains(es, "America/Bogota") {
		t.Errorf("the Discord reminder converts to the set zone itself:\n%s", es)
	}
	allValid(t, r.srv)
}

func mustHave(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("message lacks %q; got:\n%s", w, got)
		}
	}
}
