package bot

import "github.com/elmabot/elmabot/store"

// CleanName removes control, bidirectional-formatting and zero-width
// characters from a name and collapses its spaces; ok is false when what
// is left is not 2 to 80 characters long. The rule lives in the store, so
// that the roster import applies it too.
func CleanName(s string) (name string, ok bool) { return store.CleanName(s) }
