package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/conversa/conversa/internal/metasim"
)

// runMetasim runs the WhatsApp Cloud API simulator alone (conversa metasim).
func runMetasim(ctx context.Context, args []string) error {
	return runMetasimTo(ctx, args, os.Stdout, os.Stderr)
}

// runMetasimTo is runMetasim with its output streams injectable for tests.
// Once listening it prints exactly one JSON line to stdout: the test account.
func runMetasimTo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("metasim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	snapshot := fs.String("snapshot", "", "JSON snapshot file (loaded at start, saved periodically and on exit)")
	review := fs.Duration("review-delay", 5*time.Second, "template review time, by the simulator clock")
	autoRead := fs.Bool("auto-read", false, "customers read every delivered message at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	sim, err := metasim.New(metasim.Options{
		ReviewDelay: *review, SnapshotPath: *snapshot, AutoRead: *autoRead,
		Logger:    slog.New(slog.NewTextHandler(stderr, nil)),
		PublicURL: "http://" + reachable(ln.Addr()),
	})
	if err != nil {
		_ = ln.Close()
		return err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	line, err := json.Marshal(sim.TestAccount())
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	return errors.Join(ignoreClosed(err), sim.Close())
}

// reachable turns a wildcard listen address into one clients can dial.
func reachable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

func ignoreClosed(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
