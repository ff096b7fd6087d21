package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/jobs"
)

func runServe(ctx context.Context, args []string) error {
	cfg, err := loadConfig("serve", args, os.Stdout)
	if err != nil {
		return err
	}
	return serve(ctx, cfg)
}

// serve runs the whole server until ctx ends, then shuts down gracefully:
// in-flight requests finish, running jobs get a grace period. Tests call it
// with Addr "127.0.0.1:0" and learn the address from cfg.Ready.
func serve(ctx context.Context, cfg config) error {
	if _, err := cfg.secretKey(); err != nil { // used by the channels issue to encrypt tokens
		return fmt.Errorf("secret key: %w", err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	authSvc, err := newAuth(st, cfg)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := seedDemo(ctx, st, authSvc, cfg.Logger); err != nil {
			return err
		}
	}
	queue, err := jobs.New(ctx, st, jobs.Options{Logger: cfg.Logger, Clock: cfg.Clock, SessionIdle: authSvc.Config().IdleTimeout})
	if err != nil {
		return err
	}
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	defer func() {
		if err := stopWithin(10*time.Second, queue.Stop); err != nil {
			cfg.Logger.Warn("jobs did not stop cleanly", "err", err)
		}
	}()

	mounts := map[string]http.Handler{}
	if cfg.GraphURL == "" {
		if sim := simulatorHandler(cfg); sim != nil {
			mounts["/sim/"] = sim
		}
	}
	api := httpapi.New(httpapi.Config{Store: st, Auth: authSvc, Logger: cfg.Logger, Mounts: mounts})
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	printBanner(cfg, ln.Addr().String(), st.Postgres())
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	cfg.Logger.Info("shutting down")
	if err := stopWithin(15*time.Second, srv.Shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// stopWithin calls stop with a fresh deadline (the serving context is
// already cancelled when shutdown begins).
func stopWithin(d time.Duration, stop func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return stop(ctx)
}

// simulatorHandler is the seam for the embedded Cloud API simulator,
// mounted at /sim/ when CONVERSA_GRAPH_URL is unset, sharing cfg.Clock so
// "move the simulator clock" moves Conversa too. Until internal/metasim is
// wired it returns nil and nothing is mounted. Wiring it is:
//
//	sim, err := metasim.New(metasim.Options{Clock: cfg.Clock, Logger: cfg.Logger, BasePath: "/sim"})
//	... return sim.Handler() (and close sim on shutdown)
func simulatorHandler(cfg config) http.Handler { return nil }

func printBanner(cfg config, addr string, postgres bool) {
	db := "SQLite in " + cfg.DataDir
	if postgres {
		db = "PostgreSQL"
	}
	fmt.Fprintf(cfg.Out, "Conversa listening on http://%s (%s)\n", addr, db)
	if cfg.Demo {
		fmt.Fprintf(cfg.Out, "Demo logins (domain %q, password %q unless changed):\n", demoDomain, demoPassword)
		for _, u := range demoUsers {
			fmt.Fprintf(cfg.Out, "  %-10s  domain=%s  email=%s  password=%s\n", u.role, demoDomain, u.email, demoPassword)
		}
	}
}
