package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Outcome is how one delivery ended, or that it is to be tried again.
type Outcome string

// The outcomes a delivery can be settled with.
const (
	Sent        Outcome = "s" // the platform took the message
	Unreachable Outcome = "u" // the person blocked the bot or closed their DMs
	Failed      Outcome = "f" // refused for good, or still failing when it expired
	Expired     Outcome = "x" // not sent before it stopped being worth sending
	Skipped     Outcome = "k" // the item turned out not to concern the recipient
	Retry       Outcome = "r" // a passing failure: due again at the retry instant
	// Wait: not yet due for this recipient (their quiet hours, their
	// local hour): due again at the instant given, no try counted.
	Wait Outcome = "w"
)

// keepItems is how long an item's states and counts outlive its expiry,
// so that a late repeat of a wave (a restart, a second Send) still finds
// who already has it.
const keepItems = 30 * 24 * time.Hour

// Delivery is one message for one recipient, taken from the queue by
// Claim or EnqueueHeld. Item names the message (a wave's id, or a direct
// message's id) and may not contain "|"; Recipient is a participant id
// or another address the caller understands.
type Delivery struct {
	Item      string
	Recipient string
	Attempts  int    // failed tries so far
	Payload   []byte // what EnqueueHeld or Enqueue stored with it; nil for waves
	token     string
}

// WaveCounts is where an item's deliveries stand.
type WaveCounts struct {
	Due, Sent, Unreachable, Failed, Expired, Skipped int
	Expires                                          time.Time
}

// Done reports whether no delivery of the item is pending.
func (c WaveCounts) Done() bool { return c.Due == 0 }

// Enqueue queues item for each recipient that does not have it yet, due
// at due, with payload (nil for none) for each; it returns those newly
// queued. An item is queued once per recipient for good: repeating the
// call after a crash, or on another replica, queues nobody twice.
func (s *Store) Enqueue(ctx context.Context, item string, recipients []string, due, expires time.Time, payload []byte) ([]string, error) {
	var added []string
	for len(recipients) > 0 {
		n := min(len(recipients), 500) // a script call stays short
		got, err := s.enqueue(ctx, item, recipients[:n], due, expires, time.Time{}, "", payload, "")
		if err != nil {
			return added, err
		}
		added = append(added, got...)
		recipients = recipients[n:]
	}
	return added, nil
}

// EnqueueHeld queues item for one recipient already taken by the caller
// until leaseEnd, so the caller sends it at once and then settles it. ok
// is false when the recipient already had the item (it was sent, or is
// queued: a redelivered update must not send it twice). If the caller
// dies before settling, the delivery is due again at leaseEnd. A tag
// (say "quiz") remembers item as the recipient's latest of its kind: see
// Tagged.
func (s *Store) EnqueueHeld(ctx context.Context, item, recipient, tag string, now, leaseEnd, expires time.Time, payload []byte) (Delivery, bool, error) {
	token := newToken()
	got, err := s.enqueue(ctx, item, []string{recipient}, now, expires, leaseEnd, token, payload, tag)
	if err != nil || len(got) == 0 {
		return Delivery{}, false, err
	}
	return Delivery{Item: item, Recipient: recipient, Payload: payload, token: token}, true, nil
}

// Tagged returns the latest item queued for recipient under tag, or
// ErrNotFound.
func (s *Store) Tagged(ctx context.Context, tag, recipient string) (string, error) {
	v, err := s.client.HGet(ctx, s.dlvTagKey(tag), recipient).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("store: no %s item for %s: %w", tag, recipient, ErrNotFound)
	}
	return v, s.fail(ctx, "read tagged delivery", err)
}

func (s *Store) enqueue(ctx context.Context, item string, recipients []string, due, expires, leaseEnd time.Time, token string, payload []byte, tag string) ([]string, error) {
	if err := checkItem(item, recipients); err != nil {
		return nil, err
	}
	if !expires.After(due) {
		return nil, fmt.Errorf("store: delivery %q expires at %v, not after it is due", item, expires)
	}
	lease := int64(0)
	if !leaseEnd.IsZero() {
		lease = leaseEnd.UnixMilli()
	}
	// Redis expires keys on its own clock, which need not be the course's
	// (a replayed 2022 course): the keys are kept for a span, not until
	// an instant.
	keep := expires.Sub(due) + keepItems
	args := []any{item, due.UnixMilli(), expires.UnixMilli(), keep.Milliseconds(), lease, token, string(payload), tag}
	for _, r := range recipients {
		args = append(args, r)
	}
	keys := []string{s.dlvQueueKey(), s.dlvStatesKey(item), s.dlvCountsKey(item), s.dlvPayloadKey(), s.dlvLeaseKey(), s.dlvTagKey(tag)}
	got, err := s.scripts.dlvEnqueue.Run(ctx, s.hot(ctx), keys, args...).StringSlice()
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	return got, s.fail(ctx, "queue delivery", err)
}

func checkItem(item string, recipients []string) error {
	if item == "" || strings.Contains(item, "|") {
		return fmt.Errorf("store: delivery item %q: must be non-empty, without '|'", item)
	}
	for _, r := range recipients {
		if r == "" {
			return fmt.Errorf("store: delivery %q to an empty recipient", item)
		}
	}
	return nil
}

// Claim takes up to n deliveries due at now, each until leaseEnd. A
// delivery not settled by then is due again, for this process or another.
func (s *Store) Claim(ctx context.Context, now, leaseEnd time.Time, n int) ([]Delivery, error) {
	if n <= 0 {
		return nil, nil
	}
	token := newToken()
	keys := []string{s.dlvQueueKey(), s.dlvLeaseKey(), s.dlvAttemptsKey(), s.dlvPayloadKey()}
	v, err := s.scripts.dlvClaim.Run(ctx, s.client, keys, now.UnixMilli(), leaseEnd.UnixMilli(), n, token).Slice()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(ctx, "claim deliveries", err)
	}
	return readClaims(v, token)
}

func readClaims(v []any, token string) ([]Delivery, error) {
	out := make([]Delivery, 0, len(v)/3)
	r := reply(v)
	for i := 0; i+2 < len(v); i += 3 {
		member, err := r.str(i)
		if err != nil {
			return nil, err
		}
		attempts, err := r.int(i + 1)
		if err != nil {
			return nil, err
		}
		payload, err := r.str(i + 2)
		if err != nil {
			return nil, err
		}
		cut := strings.LastIndexByte(member, '|')
		if cut < 0 {
			return nil, fmt.Errorf("store: malformed delivery %q", member)
		}
		d := Delivery{Item: member[:cut], Recipient: member[cut+1:], Attempts: int(attempts), token: token}
		if payload != "" {
			d.Payload = []byte(payload)
		}
		out = append(out, d)
	}
	return out, nil
}

// Settle records how d went. A final outcome is counted once even if two
// takers report it; Retry and Wait make d due again at retryAt (Retry
// counting a failed try), unless d's lease passed to someone else
// meanwhile. applied is false when nothing changed; left is how many of
// d.Item's deliveries are still pending.
func (s *Store) Settle(ctx context.Context, d Delivery, o Outcome, retryAt time.Time) (applied bool, left int, err error) {
	switch o {
	case Sent, Unreachable, Failed, Expired, Skipped, Retry, Wait:
	default:
		return false, 0, fmt.Errorf("store: unknown delivery outcome %q", o)
	}
	member := d.Item + "|" + d.Recipient
	keys := []string{s.dlvQueueKey(), s.dlvLeaseKey(), s.dlvAttemptsKey(), s.dlvPayloadKey(), s.dlvStatesKey(d.Item), s.dlvCountsKey(d.Item)}
	n, err := s.scripts.dlvSettle.Run(ctx, s.hot(ctx), keys, member, d.Recipient, string(o), d.token, retryAt.UnixMilli()).Int()
	if err != nil {
		return false, 0, s.fail(ctx, "settle delivery", err)
	}
	return n > 0, max(n-1, 0), nil
}

// WaveCounts reads where item's deliveries stand.
func (s *Store) WaveCounts(ctx context.Context, item string) (WaveCounts, error) {
	m, err := s.client.HGetAll(ctx, s.dlvCountsKey(item)).Result()
	if err != nil {
		return WaveCounts{}, s.fail(ctx, "read delivery counts", err)
	}
	num := func(k string) int { n, _ := strconv.Atoi(m[k]); return n }
	c := WaveCounts{Due: num("d"), Sent: num("s"), Unreachable: num("u"), Failed: num("f"), Expired: num("x"), Skipped: num("k")}
	if ms, err := strconv.ParseInt(m["exp"], 10, 64); err == nil {
		c.Expires = time.UnixMilli(ms).UTC()
	}
	return c, nil
}

// DeliveryState is what item's delivery to recipient came to: "" when it
// was never queued, "d" while due, else an Outcome.
func (s *Store) DeliveryState(ctx context.Context, item, recipient string) (string, error) {
	v, err := s.client.HGet(ctx, s.dlvStatesKey(item), recipient).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	return v, s.fail(ctx, "read delivery state", err)
}

// NextDue is the instant the earliest queued delivery comes due (or its
// lease runs out); ok is false when the queue is empty.
func (s *Store) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	z, err := s.client.ZRangeWithScores(ctx, s.dlvQueueKey(), 0, 0).Result()
	if err != nil {
		return time.Time{}, false, s.fail(ctx, "read delivery queue", err)
	}
	if len(z) == 0 {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(int64(z[0].Score)).UTC(), true, nil
}

// WatchWave asks for a report once item has no delivery pending: payload
// is the caller's description of the report. The first request stands.
func (s *Store) WatchWave(ctx context.Context, item string, payload []byte) error {
	return s.fail(ctx, "watch wave", s.client.HSetNX(ctx, s.dlvReportKey(), item, payload).Err())
}

// WatchedWave returns item's report payload; ok is false when item is
// not watched.
func (s *Store) WatchedWave(ctx context.Context, item string) (payload []byte, ok bool, err error) {
	v, err := s.client.HGet(ctx, s.dlvReportKey(), item).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return v, err == nil, s.fail(ctx, "read watched wave", err)
}

// WatchedWaves lists the watched items and their report payloads.
func (s *Store) WatchedWaves(ctx context.Context) (map[string][]byte, error) {
	m, err := s.client.HGetAll(ctx, s.dlvReportKey()).Result()
	if err != nil {
		return nil, s.fail(ctx, "list watched waves", err)
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out, nil
}

// Unwatch drops item's report request, once its report is queued.
func (s *Store) Unwatch(ctx context.Context, item string) error {
	return s.fail(ctx, "unwatch wave", s.client.HDel(ctx, s.dlvReportKey(), item).Err())
}

// newToken names one claim, so that a worker whose lease ran out cannot
// reschedule a delivery someone else took since.
func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b)
}
