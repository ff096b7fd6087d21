package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
)

// config is everything the server needs, read from the environment (the
// contract's CONVERSA_* variables) and optionally overridden by flags.
type config struct {
	Addr          string // CONVERSA_ADDR
	DataDir       string // CONVERSA_DATA_DIR: the SQLite file and the generated secret key
	DatabaseURL   string // CONVERSA_DATABASE_URL: postgres://... selects PostgreSQL
	GraphURL      string // CONVERSA_GRAPH_URL: Meta Graph API base; empty = embedded simulator
	SecretKey     string // CONVERSA_SECRET_KEY: encrypts secrets at rest
	SecureCookies bool   // CONVERSA_SECURE_COOKIES: TLS ends at a proxy in front
	Demo          bool   // CONVERSA_DEMO: seed and print the demo company (default on)
	PublicURL     string // CONVERSA_PUBLIC_URL: how Meta reaches us (webhooks); default http://<Addr>
	MetaAppID     string // CONVERSA_META_APP_ID: Conversa's Meta app (Embedded Signup); sandbox: the simulator's
	MetaAppSecret string // CONVERSA_META_APP_SECRET: its secret (code exchange, webhook signatures)
	// TrustedProxies (CONVERSA_TRUSTED_PROXIES): the load balancers whose
	// X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix

	Clock  *conversa.ShiftClock // shared with the embedded simulator
	Logger *slog.Logger
	Out    io.Writer         // start-up banner (demo logins, address)
	Ready  func(addr string) // called once the listener is bound (tests use :0)
}

// loadConfig reads env, then flags in args.
func loadConfig(name string, args []string, out io.Writer) (config, error) {
	cfg := config{
		Addr:          envOr("CONVERSA_ADDR", "127.0.0.1:8080"),
		DataDir:       envOr("CONVERSA_DATA_DIR", "./data"),
		DatabaseURL:   os.Getenv("CONVERSA_DATABASE_URL"),
		GraphURL:      os.Getenv("CONVERSA_GRAPH_URL"),
		SecretKey:     os.Getenv("CONVERSA_SECRET_KEY"),
		SecureCookies: envBool("CONVERSA_SECURE_COOKIES", false),
		Demo:          envBool("CONVERSA_DEMO", true),
		PublicURL:     os.Getenv("CONVERSA_PUBLIC_URL"),
		MetaAppID:     os.Getenv("CONVERSA_META_APP_ID"),
		MetaAppSecret: os.Getenv("CONVERSA_META_APP_SECRET"),
		Clock:         conversa.NewShiftClock(),
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})),
		Out:           out,
	}
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(out)
	fset.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (CONVERSA_ADDR)")
	fset.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory (CONVERSA_DATA_DIR)")
	fset.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// DSN; empty = SQLite in the data dir (CONVERSA_DATABASE_URL)")
	fset.StringVar(&cfg.GraphURL, "graph-url", cfg.GraphURL, "Meta Graph API base URL; empty = embedded simulator (CONVERSA_GRAPH_URL)")
	fset.BoolVar(&cfg.Demo, "demo", cfg.Demo, "seed the demo company on first start (CONVERSA_DEMO)")
	fset.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "public base URL Meta sends webhooks to; default http://<addr> (CONVERSA_PUBLIC_URL)")
	if err := fset.Parse(args); err != nil {
		return cfg, err
	}
	if fset.NArg() > 0 {
		return cfg, fmt.Errorf("%s: unexpected arguments %q", name, fset.Args())
	}
	var err error
	if cfg.TrustedProxies, err = httpapi.ParseTrustedProxies(os.Getenv("CONVERSA_TRUSTED_PROXIES")); err != nil {
		return cfg, fmt.Errorf("CONVERSA_TRUSTED_PROXIES: %w", err)
	}
	return cfg, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func envBool(key string, def bool) bool {
	v, err := strconv.ParseBool(strings.TrimSpace(os.Getenv(key)))
	if err != nil {
		return def
	}
	return v
}

// logLevel reads CONVERSA_LOG_LEVEL (debug, info, warn, error; default
// info). Busy servers set warn to drop the per-request access lines.
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(envOr("CONVERSA_LOG_LEVEL", "info"))); err != nil {
		return slog.LevelInfo
	}
	return l
}
