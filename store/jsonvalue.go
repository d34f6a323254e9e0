package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// readJSON decodes the JSON value a command returns (a GET, a GETDEL)
// into a T. what names the value in errors: ErrNotFound when the key is
// absent, the store's failure when Redis is, a plain error when the
// value is malformed.
func readJSON[T any](ctx context.Context, s *Store, cmd *redis.StringCmd, what string) (T, error) {
	var v T
	raw, err := cmd.Bytes()
	if errors.Is(err, redis.Nil) {
		return v, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return v, s.fail(ctx, "read "+what, err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("store: malformed %s: %w", what, err)
	}
	return v, nil
}
