package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"
)

// runHealth asks a running bot's /healthz; for container health checks,
// where the image has no curl. By default it asks ELMA_HTTP's port on
// loopback, so it follows the bot's own setting.
func runHealth(ctx context.Context, g *globals, fs *flag.FlagSet, args []string) error {
	url := fs.String("url", g.healthURL(), "the health endpoint")
	if _, err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s", resp.Status)
	}
	fmt.Fprintln(g.env.Stdout, "ok")
	return nil
}
