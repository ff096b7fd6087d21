package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/report"
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
	// Listen first: the Graph client (sandbox), the simulator and the webhook
	// URL Meta is given all need the real address, known only now on ":0".
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	cfg.Addr = reachable(ln.Addr())
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	sim, err := newSimulator(cfg)
	if err != nil {
		return err
	}
	if sim != nil {
		defer sim.Close()
	}
	authSvc, err := newAuth(st, cfg)
	if err != nil {
		return err
	}
	if cfg.Demo {
		if err := seedDemo(ctx, st, authSvc, cfg.Logger); err != nil {
			return err
		}
	}
	graph, err := newGraph(cfg)
	if err != nil {
		return err
	}
	hub, publisher := newEvents(ctx, st, cfg)
	conversations := newInbox(st, cfg, graph, publisher)
	tpl := newTemplates(st, cfg, graph, publisher, conversations)
	chans := newChannels(st, cfg, graph, sim)
	webhooks := newIntake(st, cfg, conversations, tpl, chans.AccountSink())
	queue, err := jobs.New(ctx, st, jobs.Options{Logger: cfg.Logger, Clock: cfg.Clock, SessionIdle: authSvc.Config().IdleTimeout,
		Register: []func(*river.Workers){webhooks.Register, conversations.Register, tpl.Register},
		Periodic: append(conversations.Periodic(), tpl.Periodic(), webhooks.Periodic()),
		Queues:   map[string]int{intake.Queue: intake.QueueWorkers}})
	if err != nil {
		return err
	}
	conversations.SetQueue(queue)
	if err := conversations.Requeue(ctx); err != nil { // sends whose job died with a killed process
		return fmt.Errorf("inbox: %w", err)
	}
	if err := queue.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	defer func() {
		if err := stopWithin(10*time.Second, queue.Stop); err != nil {
			cfg.Logger.Warn("jobs did not stop cleanly", "err", err)
		}
	}()
	if err := webhooks.Start(ctx, queue); err != nil {
		return err
	}
	defer func() { // runs after the HTTP server has shut down and before the queue stops
		if err := stopWithin(10*time.Second, webhooks.Stop); err != nil {
			cfg.Logger.Warn("webhook intake did not drain", "err", err)
		}
	}()

	camp, stopCampaigns := startCampaigns(ctx, st, cfg, graph, publisher)
	defer stopCampaigns() // records the outcome of calls in flight before the store closes

	mounts := map[string]http.Handler{}
	if sim != nil {
		mounts["/sim/"] = sim.Handler()
	}
	ui, err := mountUI(cfg, authSvc, mounts)
	if err != nil {
		return err
	}
	api := httpapi.New(httpapi.Config{Store: st, Auth: authSvc, Logger: cfg.Logger, Mounts: mounts, Webhooks: webhooks, TrustedProxies: cfg.TrustedProxies,
		Inbox: conversations, Events: hub, Templates: tpl, Channels: chans,
		Reports: report.New(st, cfg.Clock), Campaigns: camp})
	handler := api.Handler()
	ui.SetAPI(handler)
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	srv.RegisterOnShutdown(hub.Close) // live streams never end by themselves

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if sim != nil && cfg.Demo {
		if err := seedSandboxChannel(ctx, st, chans, tpl, sim); err != nil {
			cfg.Logger.Warn("sandbox channel not seeded", "err", err)
		}
	}
	printBanner(cfg, cfg.Addr, st.Postgres())
	printSandbox(cfg.Out, cfg.Addr, sim)
	if cfg.Ready != nil {
		cfg.Ready(cfg.Addr)
	}
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
