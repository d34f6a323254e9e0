package schedule

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrClock reports a time of day or a span of them that cannot be read.
var ErrClock = errors.New("schedule: not a time of day such as 08:00, or a span such as 22:00-07:00")

// ParseClock reads a wall-clock time of day, "08:00" or "8:00", as the
// time since midnight.
func ParseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, ErrClock)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// FormatClock writes a time of day as "07:00".
func FormatClock(c time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(c/time.Hour), int(c%time.Hour/time.Minute))
}

// QuietHours is a daily span of wall-clock time, in the recipient's own
// zone, in which the bot does not write to them unprompted. It may run
// past midnight (22:00-07:00). From == To means none.
type QuietHours struct{ From, To time.Duration }

// NoQuietHours is the spelling of "none" that ParseQuietHours reads.
const NoQuietHours = "off"

// ParseQuietHours reads "22:00-07:00" (a dash, or an en dash) or "off".
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == NoQuietHours {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(strings.ReplaceAll(s, "–", "-"), "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("%q: %w", s, ErrClock)
	}
	f, err := ParseClock(from)
	if err != nil {
		return QuietHours{}, err
	}
	t, err := ParseClock(to)
	if err != nil {
		return QuietHours{}, err
	}
	return QuietHours{From: f, To: t}, nil
}

// Off reports whether q is no span at all.
func (q QuietHours) Off() bool { return q.From == q.To }

// String is the form ParseQuietHours reads back.
func (q QuietHours) String() string {
	if q.Off() {
		return NoQuietHours
	}
	return FormatClock(q.From) + "-" + FormatClock(q.To)
}

// End reports whether t falls in q's span in loc and, if so, the instant
// the span ends.
func (q QuietHours) End(t time.Time, loc *time.Location) (time.Time, bool) {
	if q.Off() {
		return time.Time{}, false
	}
	local := t.In(loc)
	wall := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute + time.Duration(local.Second())*time.Second
	end := AtClock(local, q.To, loc)
	switch {
	case q.From < q.To && wall >= q.From && wall < q.To:
		return end, true
	case q.From > q.To && wall < q.To: // the small hours of a span begun yesterday
		return end, true
	case q.From > q.To && wall >= q.From:
		return AtClock(local.AddDate(0, 0, 1), q.To, loc), true
	}
	return time.Time{}, false
}

// AtClock is the instant at wall-clock time c on day's date (read in
// loc). On a day whose clocks jump past c, it is the instant time.Date
// normalises to.
func AtClock(day time.Time, c time.Duration, loc *time.Location) time.Time {
	y, m, d := day.In(loc).Date()
	return clockOn(y, m, d, c, loc)
}

// clockOn is the instant at wall-clock time c on a date in loc.
func clockOn(y int, m time.Month, d int, c time.Duration, loc *time.Location) time.Time {
	return time.Date(y, m, d, int(c/time.Hour), int(c%time.Hour/time.Minute), 0, 0, loc).UTC()
}

// NextClock is the first instant at or after t at wall-clock time c in
// loc.
func NextClock(t time.Time, c time.Duration, loc *time.Location) time.Time {
	at := AtClock(t, c, loc)
	if at.Before(t) {
		at = AtClock(t.In(loc).AddDate(0, 0, 1), c, loc)
	}
	return at
}

// NudgeAt is when, in loc, the nudge for quizzes closing at closes goes
// out: wall-clock time c on the day before the local day they close.
func NudgeAt(closes time.Time, c time.Duration, loc *time.Location) time.Time {
	return AtClock(closes.In(loc).AddDate(0, 0, -1), c, loc)
}

// zoneSpan is every UTC offset a place on Earth uses, in quarter hours:
// a send due at a local hour is due somewhere between the earliest and
// the latest of them.
func zoneSpan() []*time.Location {
	var out []*time.Location
	for off := -12 * time.Hour; off <= 14*time.Hour; off += 15 * time.Minute {
		out = append(out, time.FixedZone("", int(off.Seconds())))
	}
	return out
}

// spread is the earliest and latest instant f gives over every offset.
func spread(f func(*time.Location) time.Time) (lo, hi time.Time) {
	for i, loc := range zoneSpan() {
		t := f(loc)
		if i == 0 || t.Before(lo) {
			lo = t
		}
		if i == 0 || t.After(hi) {
			hi = t
		}
	}
	return lo, hi
}
