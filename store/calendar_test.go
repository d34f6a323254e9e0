package store

import (
	"context"
	"testing"
)

func TestCalendarRecords(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	const cal = "discord:1000"
	if got, err := s.CalendarRecords(ctx, cal); err != nil || len(got) != 0 {
		t.Fatalf("empty calendar: %v, %v", got, err)
	}
	if err := s.SetCalendarRecord(ctx, cal, "w2-plenary", CalendarRecord{Event: "55", Hash: "ab12"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCalendarRecord(ctx, cal, "w3-plenary", CalendarRecord{Event: "56", Hash: "cd34"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCalendarRecord(ctx, cal, "w2-plenary", CalendarRecord{Event: "55", Hash: "ef56"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCalendarRecord(ctx, cal, "bad", CalendarRecord{Event: "5 5"}); err == nil {
		t.Error("an event id with a space was taken")
	}
	if err := s.DropCalendarRecord(ctx, cal, "w3-plenary"); err != nil {
		t.Fatal(err)
	}
	got, err := s.CalendarRecords(ctx, cal)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["w2-plenary"] != (CalendarRecord{Event: "55", Hash: "ef56"}) {
		t.Errorf("records %+v, want only w2-plenary with its new hash", got)
	}
	if other, _ := s.CalendarRecords(ctx, "discord:2000"); len(other) != 0 {
		t.Errorf("another calendar sees %+v", other)
	}
}
