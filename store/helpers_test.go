package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/quiz"
	"github.com/elmabot/elmabot/store/storetest"
)

// start is the first instant of the 2022 course, in UTC.
var start = time.Date(2022, 10, 17, 13, 0, 0, 0, time.UTC)

// testStore returns a store on a throwaway Redis, with the test's own
// key prefix.
func testStore(t testing.TB, args ...string) (*Store, *storetest.Server) {
	t.Helper()
	srv := storetest.Start(t, args...)
	if !srv.Standalone() {
		return openShared(t, srv), srv
	}
	return New(srv.Client(), WithPrefix(srv.Prefix)), srv
}

func telegram(user string) Account {
	return Account{Platform: Telegram, UserID: user, ChatID: "c" + user, Reachable: true}
}

func discord(user string) Account {
	return Account{Platform: Discord, UserID: user, ChatID: "d" + user, Reachable: true}
}

func mustCreate(t testing.TB, s *Store, name string, acct Account) Participant {
	t.Helper()
	p, err := s.CreateParticipant(context.Background(),
		Participant{Name: name, Lang: locales.EN, Created: start}, acct)
	if err != nil {
		t.Fatalf("CreateParticipant(%s): %v", name, err)
	}
	return p
}

func weekly(id ParticipantID, week int, question string, option int, correct bool) Answer {
	// Points is what a correct answer would earn, given for wrong
	// answers too, as the bot does: the store must not add it.
	return Answer{
		Participant: id, Quiz: quiz.ID(fmt.Sprintf("week-%d", week)), Question: question,
		Option: option, Correct: correct, Points: 1, Kind: quiz.Weekly,
		At: start.Add(time.Duration(week) * 7 * 24 * time.Hour),
	}
}

func mustRecord(t testing.TB, s *Store, a Answer) AnswerResult {
	t.Helper()
	r, err := s.RecordAnswer(context.Background(), a)
	if err != nil {
		t.Fatalf("RecordAnswer(%+v): %v", a, err)
	}
	return r
}
