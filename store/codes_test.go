package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
)

func addRoster(t *testing.T, s *Store, entries ...RosterEntry) {
	t.Helper()
	if err := s.AddRosterCodes(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
}

func TestRosterCodeSingleUse(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	addRoster(t, s,
		RosterEntry{Code: "ELMA-7F3K", Name: "Dina", Cohort: "samm", Lang: locales.ES, Coordinator: false},
		RosterEntry{Code: "STAFF-1", Name: "Eve", Lang: locales.EN, Coordinator: true},
	)
	now := start.Add(time.Hour)

	// Typed in lower case with a space: still the code.
	p, err := s.RedeemRosterCode(ctx, "elma 7f3k", telegram("1"), now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Dina" || p.Cohort != "samm" || p.Lang != locales.ES || p.Coordinator || !p.Reminders ||
		!p.Created.Equal(now) || len(p.Accounts) != 1 || p.Accounts[0] != telegram("1") {
		t.Fatalf("redeemed participant %+v", p)
	}

	// The same account again (a re-delivered message): the same participant.
	again, err := s.RedeemRosterCode(ctx, "ELMA-7F3K", telegram("1"), now.Add(time.Minute))
	if err != nil || again.ID != p.ID || !again.Created.Equal(now) {
		t.Fatalf("second redemption by the same account = %v, %v; want %s", again.ID, err, p.ID)
	}
	// Someone else: used.
	if _, err := s.RedeemRosterCode(ctx, "ELMA-7F3K", telegram("2"), now); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("redemption by another account = %v, want ErrCodeUsed", err)
	}
	// The same person on their other app: the same participant.
	if err := s.LinkAccount(ctx, p.ID, discord("1")); err != nil {
		t.Fatal(err)
	}
	if other, err := s.RedeemRosterCode(ctx, "ELMA-7F3K", discord("1"), now); err != nil || other.ID != p.ID {
		t.Fatalf("redemption from a linked account = %v, %v; want %s", other.ID, err, p.ID)
	}
	if _, err := s.RedeemRosterCode(ctx, "NOPE", telegram("3"), now); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("unknown code = %v, want ErrCodeUnknown", err)
	}
	if _, err := s.RedeemRosterCode(ctx, " - ", telegram("3"), now); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("empty code = %v, want ErrCodeUnknown", err)
	}
	// An account that already has a participant cannot take a second
	// code, and the code stays free for its owner.
	if _, err := s.RedeemRosterCode(ctx, "STAFF-1", telegram("1"), now); !errors.Is(err, ErrAccountLinked) {
		t.Fatalf("second code for a registered account = %v, want ErrAccountLinked", err)
	}
	eve, err := s.RedeemRosterCode(ctx, "staff-1", telegram("5"), now)
	if err != nil || !eve.Coordinator || eve.Name != "Eve" {
		t.Fatalf("coordinator code = %+v, %v", eve, err)
	}
	// Re-importing the roster never frees a used code.
	addRoster(t, s, RosterEntry{Code: "ELMA-7F3K", Name: "Dina M."})
	if _, err := s.RedeemRosterCode(ctx, "ELMA-7F3K", telegram("6"), now); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("re-imported used code = %v, want ErrCodeUsed", err)
	}
	ids, err := s.ParticipantIDs(ctx)
	if err != nil || len(ids) != 2 {
		t.Fatalf("participants %v, %v; want 2", ids, err)
	}
}

func TestRosterCodeRace(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	addRoster(t, s, RosterEntry{Code: "ONE", Name: "Fatou"})
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	var winners []ParticipantID
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := s.RedeemRosterCode(ctx, "ONE", telegram(fmt.Sprint(i)), start)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, p.ID)
			case !errors.Is(err, ErrCodeUsed):
				t.Errorf("redeem: %v", err)
			}
		}()
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d accounts redeemed one code", len(winners))
	}
	if ids, _ := s.ParticipantIDs(ctx); len(ids) != 1 {
		t.Fatalf("participants %v, want one", ids)
	}
}

// A redemption that stopped after claiming the code (the bot crashed)
// is finished by the same account's next try.
func TestRosterCodeResumes(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	addRoster(t, s, RosterEntry{Code: "HALF", Name: "Gil"})
	if _, err := s.claimRoster(ctx, "HALF", "p77", telegram("1"), start); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Participant(ctx, "p77"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("participant exists before finishing: %v", err)
	}
	p, err := s.RedeemRosterCode(ctx, "HALF", telegram("1"), start.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "p77" || p.Name != "Gil" || !p.Created.Equal(start) {
		t.Fatalf("resumed participant %+v", p)
	}
}

func TestLinkCode(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	mustCreate(t, s, "Ben", discord("2"))

	code, err := s.NewLinkCode(ctx, ana.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != codeLength || strings.Trim(code, codeAlphabet) != "" {
		t.Fatalf("code %q is not %d characters of %s", code, codeLength, codeAlphabet)
	}
	if other, _ := s.NewLinkCode(ctx, ana.ID, time.Hour); other == code {
		t.Fatalf("two link codes are both %s", code)
	}

	// Ben's Discord account belongs to Ben: refused, code kept.
	if _, err := s.RedeemLinkCode(ctx, code, discord("2")); !errors.Is(err, ErrAccountLinked) {
		t.Fatalf("redeem from Ben's account = %v, want ErrAccountLinked", err)
	}
	typed := strings.ToLower(code[:4] + "-" + code[4:])
	p, err := s.RedeemLinkCode(ctx, typed, discord("1"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != ana.ID || len(p.Accounts) != 2 {
		t.Fatalf("after linking: %+v", p)
	}
	if again, err := s.RedeemLinkCode(ctx, code, discord("1")); err != nil || again.ID != ana.ID {
		t.Fatalf("second use by the same account = %v, %v", again.ID, err)
	}
	if _, err := s.RedeemLinkCode(ctx, code, discord("3")); !errors.Is(err, ErrCodeUsed) {
		t.Fatalf("second use by another account = %v, want ErrCodeUsed", err)
	}
	if _, err := s.RedeemLinkCode(ctx, "ZZZZZZZZ", discord("3")); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("unknown code = %v, want ErrCodeUnknown", err)
	}
	if _, err := s.NewLinkCode(ctx, "p999", time.Hour); !errors.Is(err, ErrNotFound) {
		t.Fatalf("code for a missing participant = %v, want ErrNotFound", err)
	}
	if _, err := s.ParticipantByAccount(ctx, Discord, "3"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("refused account got linked: %v", err)
	}
}

func TestLinkCodeExpires(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	code, err := s.NewLinkCode(ctx, ana.ID, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Wait on Redis's clock: the key is gone once it expired.
	for deadline := time.Now().Add(time.Second); ; {
		n, err := s.client.Exists(ctx, s.linkKey(code)).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("link code did not expire")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := s.RedeemLinkCode(ctx, code, discord("1")); !errors.Is(err, ErrCodeUnknown) {
		t.Fatalf("expired code = %v, want ErrCodeUnknown", err)
	}
}
