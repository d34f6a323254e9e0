package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/redis/go-redis/v9"
)

// ErrLocked reports a job lock held by another replica.
var ErrLocked = errors.New("store: lock held elsewhere")

// Locker is gocron's distributed locker on this Redis: one replica runs
// each scheduled job. The sent markers remain the guarantee of "once per
// recipient"; the lock only saves the other replicas the work.
type Locker struct {
	s      *Store
	ttl    time.Duration
	unlock *redis.Script
}

var _ gocron.Locker = (*Locker)(nil)

// Locker returns a job locker whose locks expire after ttl, so a replica
// that dies holding one does not block the job for ever.
func (s *Store) Locker(ttl time.Duration) *Locker {
	// The unlock deletes the lock only if it is still ours: an expired
	// lock taken over by another replica must not be released by us.
	unlock := redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)
	return &Locker{s: s, ttl: ttl, unlock: unlock}
}

// Lock takes the lock named key, or fails with ErrLocked.
func (l *Locker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	token := hex.EncodeToString(b)
	name := l.s.prefix + ":lock:" + key
	ok, err := l.s.client.SetNX(ctx, name, token, l.ttl).Result()
	if err != nil {
		return nil, l.s.fail(ctx, "lock", err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return &lock{l: l, name: name, token: token}, nil
}

type lock struct {
	l           *Locker
	name, token string
}

func (k *lock) Unlock(ctx context.Context) error {
	if err := k.l.unlock.Run(ctx, k.l.s.client, []string{k.name}, k.token).Err(); err != nil {
		return k.l.s.fail(ctx, "unlock", err)
	}
	return nil
}
