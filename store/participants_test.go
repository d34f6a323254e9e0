package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/locales"
)

func TestCreateParticipantRoundTrip(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	want := Participant{
		Name: "Amina Diallo", Lang: locales.ES, TimeZone: "Africa/Dakar",
		Electives: []string{"climate", "skills"}, Cohort: "samm",
		Reminders: true, ReminderOffsets: []time.Duration{24 * time.Hour, 15 * time.Minute},
		Coordinator: true, Created: start.Add(1500 * time.Millisecond),
	}
	got, err := s.CreateParticipant(ctx, want, telegram("100"))
	if err != nil {
		t.Fatal(err)
	}
	if !validID(got.ID) {
		t.Fatalf("allocated id %q", got.ID)
	}
	want.ID = got.ID
	want.Accounts = []Account{telegram("100")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("created\n got %+v\nwant %+v", got, want)
	}
	read, err := s.Participant(ctx, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, want) {
		t.Fatalf("read back\n got %+v\nwant %+v", read, want)
	}
	byAcct, err := s.ParticipantByAccount(ctx, Telegram, "100")
	if err != nil || byAcct.ID != got.ID {
		t.Fatalf("ParticipantByAccount = %v, %v; want %s", byAcct.ID, err, got.ID)
	}
	if second := mustCreate(t, s, "Bo", telegram("101")); second.ID == got.ID {
		t.Fatalf("two participants share id %s", got.ID)
	}
}

func TestParticipantNotFound(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	for _, id := range []ParticipantID{"p999", "", "x1", "p1}x", "p{1}"} {
		if _, err := s.Participant(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Participant(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.ParticipantByAccount(ctx, Telegram, "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ParticipantByAccount(nobody) = %v, want ErrNotFound", err)
	}
	if err := s.SetName(ctx, "p999", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetName(p999) = %v, want ErrNotFound", err)
	}
	if _, err := s.CreateParticipant(ctx, Participant{Name: "no instant"}, telegram("1")); err == nil {
		t.Error("CreateParticipant without Created succeeded")
	}
}

func TestLinkAccount(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	ana := mustCreate(t, s, "Ana", telegram("1"))
	ben := mustCreate(t, s, "Ben", telegram("2"))

	if err := s.LinkAccount(ctx, ana.ID, discord("d1")); err != nil {
		t.Fatal(err)
	}
	// Linking again is harmless and updates the chat id.
	again := discord("d1")
	again.ChatID = "new-dm"
	if err := s.LinkAccount(ctx, ana.ID, again); err != nil {
		t.Fatalf("relink: %v", err)
	}
	got, err := s.ParticipantByAccount(ctx, Discord, "d1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != ana.ID || !reflect.DeepEqual(got.Accounts, []Account{again, telegram("1")}) {
		t.Fatalf("after linking: %+v", got)
	}

	if err := s.LinkAccount(ctx, ben.ID, discord("d1")); !errors.Is(err, ErrAccountLinked) {
		t.Fatalf("linking Ana's account to Ben = %v, want ErrAccountLinked", err)
	}
	if _, err := s.CreateParticipant(ctx, Participant{Created: start}, telegram("2")); !errors.Is(err, ErrAccountLinked) {
		t.Fatalf("creating with Ben's account = %v, want ErrAccountLinked", err)
	}
	if err := s.LinkAccount(ctx, "p999", discord("free")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("linking to a missing participant = %v, want ErrNotFound", err)
	}
	if _, err := s.ParticipantByAccount(ctx, Discord, "free"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("failed link left the account linked: %v", err)
	}
	if err := s.LinkAccount(ctx, ana.ID, Account{Platform: "", UserID: "x"}); err == nil {
		t.Fatal("account without platform accepted")
	}
}

// Many first messages from one account at once (several replicas, a
// double-clicked button) must make one participant, not several.
func TestCreateParticipantRace(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	ids := make(chan ParticipantID, n)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := s.CreateParticipant(ctx, Participant{Name: fmt.Sprint(i), Created: start}, telegram("same"))
			if err != nil {
				errs <- err
				return
			}
			ids <- p.ID
		}()
	}
	wg.Wait()
	close(ids)
	close(errs)
	if len(ids) != 1 {
		t.Fatalf("%d creations succeeded, want 1", len(ids))
	}
	winner := <-ids
	for err := range errs {
		if !errors.Is(err, ErrAccountLinked) {
			t.Fatalf("losing creation: %v, want ErrAccountLinked", err)
		}
	}
	all, err := s.ParticipantIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all, []ParticipantID{winner}) {
		t.Fatalf("participants %v, want only %s", all, winner)
	}
}

func TestSetters(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	p := mustCreate(t, s, "Carla", telegram("1"))
	if err := s.LinkAccount(ctx, p.ID, discord("9")); err != nil {
		t.Fatal(err)
	}
	steps := []error{
		s.SetName(ctx, p.ID, "Carla Ruiz"),
		s.SetLanguage(ctx, p.ID, locales.ES),
		s.SetTimeZone(ctx, p.ID, "America/Bogota"),
		s.SetElectives(ctx, p.ID, []string{"gender", "skills"}),
		s.SetReminders(ctx, p.ID, true, []time.Duration{time.Hour}),
		s.SetDigest(ctx, p.ID, true),
		s.SetQuietHours(ctx, p.ID, "23:00-06:30"),
		s.SetCoordinator(ctx, p.ID, true),
		s.SetReachable(ctx, Telegram, "1", false),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, err := s.Participant(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	blocked := telegram("1")
	blocked.Reachable = false
	want := Participant{
		ID: p.ID, Name: "Carla Ruiz", Lang: locales.ES, TimeZone: "America/Bogota",
		Electives: []string{"gender", "skills"}, Reminders: true,
		ReminderOffsets: []time.Duration{time.Hour}, Digest: true, QuietHours: "23:00-06:30", Coordinator: true,
		Accounts: []Account{discord("9"), blocked}, Created: start,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after setters\n got %+v\nwant %+v", got, want)
	}

	// Clearing goes back to the defaults.
	if err := s.SetReminders(ctx, p.ID, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetElectives(ctx, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetReachable(ctx, Telegram, "1", true); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Participant(ctx, p.ID)
	if got.Reminders || got.ReminderOffsets != nil || got.Electives != nil || !got.Accounts[1].Reachable {
		t.Fatalf("after clearing: %+v", got)
	}

	// No offsets at all (the digest only) is not the default.
	if err := s.SetReminders(ctx, p.ID, true, []time.Duration{}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Participant(ctx, p.ID)
	if got.ReminderOffsets == nil || len(got.ReminderOffsets) != 0 {
		t.Fatalf("no offsets read back as %#v, want an empty list", got.ReminderOffsets)
	}

	if err := s.SetTimeZone(ctx, p.ID, "Mars/Olympus"); err == nil {
		t.Error("unknown time zone accepted")
	}
	if err := s.SetReminders(ctx, p.ID, true, []time.Duration{-time.Hour}); err == nil {
		t.Error("negative reminder offset accepted")
	}
	if err := s.SetReachable(ctx, Telegram, "unknown", false); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetReachable(unknown) = %v, want ErrNotFound", err)
	}
}

func TestParticipantIDsPages(t *testing.T) {
	s, srv := testStore(t)
	ctx := context.Background()
	created := map[ParticipantID]bool{}
	for i := range 3 {
		created[mustCreate(t, s, fmt.Sprint(i), telegram(fmt.Sprint(i))).ID] = true
	}
	// Enough more members that SSCAN needs several pages.
	c := srv.Universal()
	_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range 2500 {
			id := ParticipantID(fmt.Sprintf("p%d", 100000+i))
			created[id] = true
			p.SAdd(ctx, s.participantsKey(), string(id))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.ParticipantIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(created) {
		t.Fatalf("got %d ids, want %d", len(ids), len(created))
	}
	for _, id := range ids {
		if !created[id] {
			t.Fatalf("unexpected id %s", id)
		}
	}
}
