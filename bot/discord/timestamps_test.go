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
	r := newCourseRig(t, "2022-10-24T14:45")
	const luis = "2000000000000000011"
	r.join(ana, locales.EN, "")
	r.join(luis, locales.ES, "America/Bogota")
	s := r.send("rem:w2-plenary:15m0s:20221024T1300Z") // Mon 24 Oct 15:00-17:00 Turin
	stats, err := r.core.DeliverStats(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent != 2 {
		t.Fatalf("wave %+v, want 2 sent", stats)
	}
	start, end := "1666616400", "1666623600" // 13:00 and 15:00 UTC
	en := r.srv.AwaitMessages(r.srv.DMChannel(ana), 1)[0].Content
	mustHave(t, en, "Reminder: this session starts <t:"+start+":R>.",
		"<t:"+start+":F>–<t:"+end+":t> your time (<t:"+start+":R>)",
		"Mon 24 Oct, 15:00–17:00 Turin time", "Global and regional labour migration trends")
	es := r.srv.AwaitMessages(r.srv.DMChannel(luis), 1)[0].Content
	mustHave(t, es, "Recordatorio: esta sesión empieza <t:"+start+":R>.",
		"<t:"+start+":F>–<t:"+end+":t> en su hora", "lun 24 oct, 15:00–17:00 hora de Turín")
	if strings.Contains(es, "08:00") || strings.Contains(es, "America/Bogota") {
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
