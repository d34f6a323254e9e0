package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// counterCodes makes codes G1, G2, ... for entries without one.
func counterCodes() func() (string, error) {
	var mu sync.Mutex
	n := 0
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("G%d", n), nil
	}
}

func load(t *testing.T, s *Store, replace bool, entries ...RosterEntry) []RosterOutcome {
	t.Helper()
	out, err := s.LoadRoster(context.Background(), entries, RosterOptions{Replace: replace, NewCode: counterCodes()})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func actions(out []RosterOutcome) string {
	var s []string
	for _, o := range out {
		s = append(s, string(o.Action))
	}
	return strings.Join(s, " ")
}

func TestLoadRosterTwiceKeepsEveryCode(t *testing.T) {
	s, _ := testStore(t)
	first := load(t, s, false,
		RosterEntry{Name: "Ana Lima", Lang: locales.ES},
		RosterEntry{Name: "Bob Okafor", Code: "bob-1"},
	)
	if actions(first) != "added added" || first[0].Code == "" || first[1].Code != "BOB1" {
		t.Fatalf("first load: %+v", first)
	}
	// The same file again, without codes for Ana: her code is found by
	// her name, however it is spelt.
	again := load(t, s, false,
		RosterEntry{Name: "ana  LIMA", Lang: locales.ES},
		RosterEntry{Name: "Bob Okafor", Code: "BOB-1"},
	)
	if actions(again) != "kept kept" || again[0].Code != first[0].Code || again[1].Code != "BOB1" {
		t.Fatalf("second load: %+v, first %+v", again, first)
	}
}

func TestLoadRosterRefusesAnotherPersonsCode(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	load(t, s, false, RosterEntry{Name: "Ana Lima", Code: "A1"})
	out := load(t, s, false,
		RosterEntry{Name: "Carla Ruiz", Code: "NEW"},
		RosterEntry{Name: "Bob Okafor", Code: "A1"},
	)
	if actions(out) != "added refused" || !strings.Contains(out[1].Reason, "code A1 belongs to Ana Lima") {
		t.Fatalf("outcomes %+v", out)
	}
	// Nothing of a refused roster is written, not even the good rows.
	if _, err := s.RedeemRosterCode(ctx, "NEW", telegram("1"), start); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("a refused roster stored a code: %v", err)
	}
	out = load(t, s, true, RosterEntry{Name: "Bob Okafor", Code: "A1"})
	if actions(out) != "replaced" || !strings.Contains(out[0].Reason, "was Ana Lima's") {
		t.Fatalf("replace: %+v", out)
	}
	p, err := s.RedeemRosterCode(ctx, "A1", telegram("1"), start)
	if err != nil || p.Name != "Bob Okafor" {
		t.Fatalf("redeem after replace: %+v, %v", p, err)
	}
	// Redeemed: never given away, even with replace.
	out = load(t, s, true, RosterEntry{Name: "Dina Sow", Code: "A1"})
	if actions(out) != "refused" || !strings.Contains(out[0].Reason, "redeemed by Bob Okafor") {
		t.Fatalf("redeemed code: %+v", out)
	}
}

func TestLoadRosterOnePersonOneCode(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	load(t, s, false, RosterEntry{Name: "Ana Lima", Code: "OLD"})
	out := load(t, s, false, RosterEntry{Name: "Ana Lima", Code: "NEW"})
	if actions(out) != "refused" || !strings.Contains(out[0].Reason, "already has code OLD") {
		t.Fatalf("outcomes %+v", out)
	}
	out = load(t, s, true, RosterEntry{Name: "Ana Lima", Code: "NEW"})
	if actions(out) != "replaced" || !strings.Contains(out[0].Reason, "old code OLD is dropped") {
		t.Fatalf("replace: %+v", out)
	}
	if _, err := s.RedeemRosterCode(ctx, "OLD", telegram("1"), start); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("the old code still works: %v", err)
	}
	if _, err := s.RedeemRosterCode(ctx, "NEW", telegram("1"), start); err != nil {
		t.Fatal(err)
	}
	out = load(t, s, true, RosterEntry{Name: "Ana Lima", Code: "NEWER"})
	if actions(out) != "refused" || !strings.Contains(out[0].Reason, "already registered with code NEW") {
		t.Fatalf("a registered person got a second code: %+v", out)
	}
}

func TestLoadRosterRefusesDuplicates(t *testing.T) {
	s, _ := testStore(t)
	out := load(t, s, true,
		RosterEntry{Name: "Ana Lima", Code: "A"},
		RosterEntry{Name: "Bob", Code: "a"},
		RosterEntry{Name: "ANA LIMA"},
	)
	if actions(out) != "added refused refused" || out[1].Reason != "the same code as entry 1" || out[2].Reason != "the same name as entry 1" {
		t.Fatalf("outcomes %+v", out)
	}
}

func TestRosterDetailsReachTheParticipant(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	d := Details{Email: "ana@example.org", IDNumber: "X-12", OrgType: "Government", Gender: "F", Country: "Peru"}
	load(t, s, false, RosterEntry{Name: "Ana Lima", Code: "A", Cohort: "SAMM", Lang: locales.ES, Electives: []string{"skills", "gender"}, Details: d})
	p, err := s.RedeemRosterCode(ctx, "A", telegram("1"), start)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Electives, []string{"gender", "skills"}) || p.Cohort != "SAMM" || p.Lang != locales.ES {
		t.Fatalf("participant %+v", p)
	}
	got, err := s.ParticipantDetails(ctx, p.ID)
	if err != nil || got != d {
		t.Fatalf("details %+v, %v; want %+v", got, err, d)
	}
}

// A /start redeeming a code while --replace gives it to someone else:
// whoever wins, the participant's name is the one the code held when it
// was redeemed, and nothing is lost.
func TestLoadRosterRacesRedemption(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	for i := range 20 {
		code := fmt.Sprintf("RACE%d", i)
		load(t, s, false, RosterEntry{Name: fmt.Sprintf("Ana %d", i), Code: code})
		var wg sync.WaitGroup
		var p Participant
		var redeemErr, loadErr error
		wg.Go(func() { p, redeemErr = s.RedeemRosterCode(ctx, code, telegram(code), start) })
		wg.Go(func() {
			_, loadErr = s.LoadRoster(ctx, []RosterEntry{{Name: fmt.Sprintf("Bob %d", i), Code: code}}, RosterOptions{Replace: true})
		})
		wg.Wait()
		if redeemErr != nil {
			t.Fatal(redeemErr)
		}
		held, err := s.client.HGet(ctx, s.rosterKey(code), rName).Result()
		if err != nil || held != p.Name {
			t.Fatalf("round %d: participant %q redeemed a code now holding %q (%v); load: %v", i, p.Name, held, err, loadErr)
		}
	}
}
