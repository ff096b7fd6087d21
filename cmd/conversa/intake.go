package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
)

// newIntake builds the Meta webhook intake. CONVERSA_WEBHOOK_RETENTION
// (e.g. 720h, the default) is how long processed raw webhooks are kept. Its
// tuning knobs default to the measured values (internal/intake Options);
// the CONVERSA_INTAKE_* variables exist for load experiments:
//
//	CONVERSA_INTAKE_BATCH    rows per transaction at most (256)
//	CONVERSA_INTAKE_LINGER   how long a batch may wait for more deliveries at most (500us; -1ns = never)
//	CONVERSA_INTAKE_WRITERS  concurrent batch transactions (1 SQLite, 2×CPUs PostgreSQL)
func newIntake(st *store.Store, cfg config, messages, templates, account intake.Sink) *intake.Intake {
	linger, _ := time.ParseDuration(os.Getenv("CONVERSA_INTAKE_LINGER"))
	retention, _ := time.ParseDuration(os.Getenv("CONVERSA_WEBHOOK_RETENTION"))
	return intake.New(st, intake.Options{
		Logger: cfg.Logger, Clock: cfg.Clock, Retention: retention,
		BatchRows: envInt("CONVERSA_INTAKE_BATCH"), Linger: linger, Writers: envInt("CONVERSA_INTAKE_WRITERS"),
		Sinks: intake.Sinks{
			Messages:  messages,  // internal/inbox: inbound messages and statuses
			Templates: templates, // internal/templates: template reviews and recategorisations
			Account:   account,   // internal/channels: quality, tier, display name, bans
		},
	})
}

func envInt(key string) int {
	n, _ := strconv.Atoi(os.Getenv(key))
	return n
}

// sealStore makes the store seal channel credentials with
// CONVERSA_SECRET_KEY, or the key generated once in the data dir. Several
// nodes on one database must share one key: set CONVERSA_SECRET_KEY on each.
func sealStore(st *store.Store, cfg config) error {
	if cfg.SecretKey == "" { // admin commands build their config without it
		cfg.SecretKey = os.Getenv("CONVERSA_SECRET_KEY")
	}
	key, err := secrets.LoadKey(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("secret key: %w", err)
	}
	box, err := secrets.New(key)
	if err != nil {
		return err
	}
	st.SetSealer(box)
	return nil
}

// adminCreateChannel connects a WhatsApp number to a company without the
// Graph API round trip of the onboarding (load tests, scripted set-ups,
// recovering a channel by hand):
//
//	conversa admin create-channel --domain D --phone-number-id P --app-secret S
//	    [--waba-id W] [--verify-token T] [--access-token A] [--name N] [--group G]
//
// It creates the group when missing and prints the channel id.
func adminCreateChannel(ctx context.Context, args []string, out io.Writer) error {
	fset := flag.NewFlagSet("admin create-channel", flag.ContinueOnError)
	fset.SetOutput(out)
	cfg := config{DataDir: envOr("CONVERSA_DATA_DIR", "./data"), DatabaseURL: os.Getenv("CONVERSA_DATABASE_URL"),
		SecretKey: os.Getenv("CONVERSA_SECRET_KEY"), Clock: conversa.NewShiftClock(), Logger: slog.New(slog.DiscardHandler), Out: out}
	fset.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory")
	fset.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// DSN")
	domain := fset.String("domain", "", "company domain")
	name := fset.String("name", "WhatsApp", "channel name")
	group := fset.String("group", "Atendimento", "channel group (created when missing)")
	var waba conversa.WABAConfig
	fset.StringVar(&waba.PhoneNumberID, "phone-number-id", "", "Meta phone-number id")
	fset.StringVar(&waba.WABAID, "waba-id", "", "WhatsApp Business Account id")
	fset.StringVar(&waba.AppSecret, "app-secret", "", "Meta app secret (verifies webhook signatures)")
	fset.StringVar(&waba.VerifyToken, "verify-token", "", "webhook verify token")
	fset.StringVar(&waba.AccessToken, "access-token", "", "Graph API access token")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *domain == "" || waba.PhoneNumberID == "" || waba.AppSecret == "" {
		return fmt.Errorf("admin create-channel: --domain, --phone-number-id and --app-secret are required")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CompanyByDomain(ctx, *domain)
	if err != nil {
		return err
	}
	g, err := groupNamed(ctx, st, c.ID, *group)
	if err != nil {
		return err
	}
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
		Name: *name, Status: conversa.ChannelConnected, WABA: &waba})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, ch.ID)
	return nil
}

func groupNamed(ctx context.Context, st *store.Store, companyID int64, name string) (conversa.ChannelGroup, error) {
	groups, err := st.Groups(ctx, companyID)
	if err != nil {
		return conversa.ChannelGroup{}, err
	}
	for _, g := range groups {
		if g.Name == name {
			return g, nil
		}
	}
	return st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: companyID, Name: name})
}
