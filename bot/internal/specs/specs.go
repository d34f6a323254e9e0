// Package specs finds the platform API descriptions (../shared/specs)
// that the fake platform servers check every request against. They are
// read where they lie, never copied into the project.
package specs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Find looks for the file name in $ELMA_SPECS (a file or a folder), then
// in shared/specs beside the repository holding the working directory
// (../shared/specs from the module root), and says where it looked when
// it is nowhere.
func Find(name string) (string, error) {
	var tried []string
	if env := os.Getenv("ELMA_SPECS"); env != "" {
		tried = append(tried, env, filepath.Join(env, name))
	}
	if root, ok := repoRoot(); ok {
		tried = append(tried, filepath.Join(root, "..", "shared", "specs", name))
	}
	for _, p := range tried {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found (looked in %s)", name, strings.Join(tried, ", "))
}

// Require finds and loads the named description for a test. Without it
// the test is skipped with a clear message, except when the CI
// environment variable is set: CI must always check against the spec.
func Require[T any](t testing.TB, name, what string, load func(path string) (T, error)) T {
	t.Helper()
	path, err := Find(name)
	var spec T
	if err == nil {
		spec, err = load(path)
	}
	if err == nil {
		return spec
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required in CI: %v", what, err)
	}
	t.Skipf("skipping, no %s: %v (set ELMA_SPECS to the folder holding %s)", what, err, name)
	return spec
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}
