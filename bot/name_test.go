package bot_test

import (
	"context"
	"testing"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// Invisible and reordering characters are taken out of names given with
// /register and /name; what is left must be 2 to 80 characters.
func TestNamesAreCleanedOfInvisibleCharacters(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	got := h.say("ana", "/register \u202eAna\u200b \u2066Lima\u2069\u0007\u0085\ufeff")
	mustContain(t, got, "You are registered, Ana Lima:")
	if p := h.participant("ana"); p.Name != "Ana Lima" {
		t.Errorf("stored name %q, want %q", p.Name, "Ana Lima")
	}
	got = h.say("ana", "/name Ana\u200d\u200c María\u200e \u202bLima\u202c\u009b")
	mustContain(t, got, "Your name is now Ana María Lima.")
	if p := h.participant("ana"); p.Name != "Ana María Lima" {
		t.Errorf("stored name %q, want %q", p.Name, "Ana María Lima")
	}
	mustContain(t, h.say("ana", "/name A\u202e\u200b\u2067"), "Send /name followed by your full name (2 to 80 characters).")
	mustContain(t, h.say("bob", "/register B\u200b\u202e"), "Please send /register followed by your full name (2 to 80 characters)")
	long := "/name "
	for range 81 {
		long += "x"
	}
	mustContain(t, h.say("ana", long), "Send /name followed by your full name")
	h.as("luis", "es")
	mustContain(t, h.say("luis", "/register \u202eLuis\u2068 García"), "Registro completado, Luis García:")
}

// A roster stored before names were cleaned on import has its name
// cleaned when the code is redeemed.
func TestRosterNameCleanedOnRedeeming(t *testing.T) {
	h := newHarness(t, "2022-10-17T09:00")
	err := h.store.AddRosterCodes(context.Background(), []store.RosterEntry{{Code: "ELMA-7Q2K", Name: "\u202eThandi\u200b  Nkosi\u2069", Lang: locales.EN}})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, h.say("thandi", "/start ELMA-7Q2K"), "You are registered, Thandi Nkosi:")
	if p := h.participant("thandi"); p.Name != "Thandi Nkosi" {
		t.Errorf("stored name %q, want %q", p.Name, "Thandi Nkosi")
	}
}
