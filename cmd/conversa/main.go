// Command conversa is the whole product in one binary: the server (default),
// migrations, the Cloud API simulator, the load tool and admin tasks.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// subcommands maps each name to its runner; each lives in its own file.
var subcommands = map[string]func(ctx context.Context, args []string) error{
	"serve":   runServe,
	"migrate": runMigrate,
	"admin":   runAdmin,
	"metasim": runMetasim,
	"loadgen": runLoadgen,
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	name, args := "serve", os.Args[1:]
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	run, ok := subcommands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "conversa: unknown command %q (serve, migrate, admin, metasim, loadgen)\n", name)
		os.Exit(2)
	}
	if err := run(ctx, args); err != nil {
		fmt.Fprintln(os.Stderr, "conversa:", err)
		os.Exit(1)
	}
}
