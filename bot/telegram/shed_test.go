package telegram

import (
	"strconv"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

// The buckets of chats that went quiet are forgotten once they refill,
// so the intake's memory follows the chats flooding now; a chat still
// in its episode is remembered.
func TestShedderForgetsRefilledChats(t *testing.T) {
	clock := clockwork.NewFakeClock()
	s := newShedder(shedLimit{burst: 8, every: 2 * time.Second, queue: 4}, clock)
	for range 20 {
		s.judge("flooder", 0)
	}
	for i := range 1000 {
		if v := s.judge("quiet"+strconv.Itoa(i), 0); v != admit {
			t.Fatalf("a chat's first message was ruled %d", v)
		}
	}
	clock.Advance(2 * time.Second) // one token back: the quiet chats are full
	for i := range 1000 {
		s.judge("new"+strconv.Itoa(i), 0)
	}
	if n := s.tracked(); n != 1001 {
		t.Errorf("%d chats remembered, want the 1000 new ones and the flooder", n)
	}
	if v := s.judge("flooder", 0); v != admit {
		t.Errorf("the flooder, with a token back, was ruled %d, want admit", v)
	}
	if v := s.judge("flooder", 0); v != drop {
		t.Errorf("the flooder, mid-episode, was ruled %d, want a silent drop", v)
	}
}

// The cap on a chat's queued messages drops even with tokens to spare,
// and that drop is the episode's first.
func TestShedderCapsTheQueue(t *testing.T) {
	s := newShedder(shedLimit{burst: 8, every: 2 * time.Second, queue: 4}, clockwork.NewFakeClock())
	if v := s.judge("42", 3); v != admit {
		t.Errorf("with 3 queued: %d, want admit", v)
	}
	if v := s.judge("42", 4); v != slowDown {
		t.Errorf("with 4 queued: %d, want the first drop", v)
	}
	if v := s.judge("42", 0); v != admit {
		t.Errorf("with the lane empty and tokens left: %d, want admit", v)
	}
}
