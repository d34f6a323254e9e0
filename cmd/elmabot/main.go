// Command elmabot carries an online course into Telegram and Discord.
//
//	elmabot [--now TIME] [--course DIR] COMMAND [flags]
//
// Run `elmabot help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // course time zones must resolve on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(Main(ctx, os.Args[1:], env))
}
