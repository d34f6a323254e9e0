package main

import (
	"context"
	"errors"
	"flag"
)

func runImport(_ context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	return errors.New("import: not built yet")
}
