package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Sentinel errors. Compare with errors.Is: the store wraps them with the
// operation and, for ErrUnavailable, the cause.
var (
	// ErrNotFound means the participant, account, question or grade asked
	// for does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrAccountLinked means the chat account already belongs to another
	// participant.
	ErrAccountLinked = errors.New("store: account already linked to another participant")
	// ErrCodeUsed means a one-use code was already redeemed by someone else.
	ErrCodeUsed = errors.New("store: code already used")
	// ErrCodeUnknown means the code does not exist or has expired.
	ErrCodeUnknown = errors.New("store: unknown code")
	// ErrUnavailable means Redis could not be reached or could not serve
	// the request in time (refused, reset, timed out, loading, failing
	// over). The operation may be retried.
	ErrUnavailable = errors.New("store: redis unavailable")
)

// Defaults for Open.
const (
	DefaultPrefix   = "elma"
	DefaultTimeout  = 2 * time.Second
	DefaultEssayMax = 80
)

// Store keeps the course's participants, answers and points in Redis.
// It is safe for concurrent use.
type Store struct {
	client   redis.UniversalClient
	pipe     redis.Cmdable // the answer path's commands: see hotPath
	owned    bool          // Open made the client, so Close closes it
	prefix   string
	essayMax int
	scripts  scripts
	quizzes  sync.Map                     // quiz code -> quiz.ID, as registered in Redis
	owners   *memo[string, ParticipantID] // account key -> its participant
	polls    *memo[string, PollRef]       // poll id -> what it asks
	acks     replicaAcks                  // see WithReplicaAcks
}

type config struct {
	prefix   string
	essayMax int
	timeout  time.Duration
	acks     int // -1: as the REDIS_URL's topology suggests
}

// Option changes how a Store is built.
type Option func(*config) error

// WithPrefix sets the prefix of every key, so that several courses or
// test runs share one Redis. It must not contain braces, which would
// break the Cluster hash tags.
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if prefix == "" || strings.ContainsAny(prefix, "{}") {
			return fmt.Errorf("store: invalid key prefix %q: must be non-empty, without braces", prefix)
		}
		c.prefix = prefix
		return nil
	}
}

// WithTimeout bounds dialling, reading and writing for clients made by
// Open. It has no effect on a client handed to New.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("store: timeout must be positive, got %v", d)
		}
		c.timeout = d
		return nil
	}
}

// WithEssayMax sets the highest essay grade the store accepts.
func WithEssayMax(max int) Option {
	return func(c *config) error {
		if max <= 0 {
			return fmt.Errorf("store: essay maximum must be positive, got %d", max)
		}
		c.essayMax = max
		return nil
	}
}

func buildConfig(opts []Option) (config, error) {
	c := config{prefix: DefaultPrefix, essayMax: DefaultEssayMax, timeout: DefaultTimeout, acks: -1}
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return config{}, err
		}
	}
	return c, nil
}

// New returns a Store over a client the caller made and keeps owning:
// Close leaves it open. New panics when an option is invalid, which is
// a programming error; Open reports it instead.
func New(client redis.UniversalClient, opts ...Option) *Store {
	c, err := buildConfig(opts)
	if err != nil {
		panic(err)
	}
	return newStore(client, c)
}

func newStore(client redis.UniversalClient, c config) *Store {
	return &Store{
		client:   client,
		pipe:     hotPath(client),
		prefix:   c.prefix,
		essayMax: c.essayMax,
		scripts:  loadScripts(),
		owners:   newMemo[string, ParticipantID](memoSize),
		polls:    newMemo[string, PollRef](memoSize),
		acks:     replicaAcks{n: max(c.acks, 0), timeout: c.timeout / 2},
	}
}

// hotPath is what the commands of every answer go through (the answer
// script, the participant's record, the next poll): go-redis's automatic
// pipeliner when the client has one, so that the commands of concurrent
// answers share one write and one read instead of a round trip each.
// Each caller still waits for its own reply, so an acknowledged answer is
// as durable as before, and with appendfsync always one fsync covers the
// whole batch. Every command sent this way is idempotent, which the
// pipeliner asks of commands it may resend after a broken connection.
func hotPath(client redis.UniversalClient) redis.Cmdable {
	c, ok := client.(interface {
		AutoPipeline() (*redis.AutoPipeliner, error)
	})
	if !ok {
		return client
	}
	ap, err := c.AutoPipeline()
	if err != nil {
		return client
	}
	return ap
}

// hot is where a command of the answer path goes. The pipeliner sends
// what it was given even when the caller has given up, so a caller whose
// context is already done goes to the plain client, which says so.
func (s *Store) hot(ctx context.Context) redis.Cmdable {
	if ctx.Err() != nil {
		return s.client
	}
	return s.pipe
}

// memoSize bounds each in-process memo: ample for a course's accounts
// and its open polls, small in memory (a few MB).
const memoSize = 100_000

// Open connects to the Redis named by url (the REDIS_URL forms described
// in the package documentation) and checks that it answers.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	c, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	client, err := newClient(url, c.timeout)
	if err != nil {
		return nil, err
	}
	if c, err = acksFor(url, c); err != nil {
		_ = client.Close()
		return nil, err
	}
	s := newStore(client, c)
	s.owned = true
	if err := s.Ping(ctx); err != nil {
		_ = client.Close()
		return nil, err
	}
	return s, nil
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.fail(ctx, "ping", s.client.Ping(ctx).Err())
}

// Close releases the client if Open made it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// fail turns a go-redis error into a store error: transport trouble and
// the server's transient states become ErrUnavailable with the cause
// kept; the caller's own cancellation stays what it is.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return fmt.Errorf("store: %s: %w", op, err)
	case unavailable(err):
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}

// unavailable reports whether err says Redis cannot serve now, as opposed
// to a reply saying the request itself is wrong.
func unavailable(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		// Not a server reply: refused, reset, EOF, timeout, closed pool.
		return true
	}
	return redis.IsLoadingError(err) || redis.IsClusterDownError(err) ||
		redis.IsTryAgainError(err) || redis.IsMasterDownError(err) ||
		redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err)
}
