package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/conversa/conversa/internal/conversa"
)

const adminUsage = `usage:
  conversa admin create-company --domain D --name N --email E --password P [--admin-name A] [--channels 1] [--agents 1]
  conversa admin create-user    --domain D --email E --name N --role admin|supervisor|agent --password P
  conversa admin reset-password --domain D --email E --password P
  conversa admin create-channel --domain D --phone-number-id P --app-secret S [--waba-id W] [--verify-token T] [--access-token A] [--name N] [--group G]
The database comes from CONVERSA_DATABASE_URL / CONVERSA_DATA_DIR (or --database-url / --data-dir).`

func runAdmin(ctx context.Context, args []string) error { return admin(ctx, args, os.Stdout) }

// admin runs an admin task and prints its result (the new id) to out.
func admin(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(adminUsage)
	}
	cmd, args := args[0], args[1:]
	if cmd == "create-channel" {
		return adminCreateChannel(ctx, args, out)
	}
	switch cmd {
	case "create-company", "create-user", "reset-password":
	default:
		return fmt.Errorf("unknown admin command %q\n%s", cmd, adminUsage)
	}
	fset := flag.NewFlagSet("admin "+cmd, flag.ContinueOnError)
	fset.SetOutput(out)
	cfg := config{DataDir: envOr("CONVERSA_DATA_DIR", "./data"), DatabaseURL: os.Getenv("CONVERSA_DATABASE_URL"),
		Clock: conversa.NewShiftClock(), Logger: slog.New(slog.DiscardHandler), Out: out}
	fset.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "data directory")
	fset.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// DSN")
	domain := fset.String("domain", "", "company domain")
	email := fset.String("email", "", "user e-mail")
	password := fset.String("password", "", "password (8+ characters)")
	name := fset.String("name", "", "company name (create-company) or user name (create-user)")
	adminName := fset.String("admin-name", "Admin", "the admin's name (create-company)")
	role := fset.String("role", "agent", "role (create-user)")
	channels := fset.Int("channels", 1, "licensed channels (create-company)")
	agents := fset.Int("agents", 1, "licensed agents (create-company)")
	if err := fset.Parse(args); err != nil {
		return err
	}

	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := newAuth(st, cfg)
	if err != nil {
		return err
	}
	switch cmd {
	case "create-company":
		c, _, err := svc.CreateCompany(ctx, conversa.Company{Domain: *domain, Name: *name, MaxChannels: *channels, MaxAgents: *agents},
			conversa.User{Email: *email, Name: *adminName}, *password)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, c.ID)
	case "create-user":
		c, err := st.CompanyByDomain(ctx, *domain)
		if err != nil {
			return err
		}
		r, err := conversa.ParseRole(*role)
		if err != nil {
			return err
		}
		u, err := svc.CreateUser(ctx, nil, conversa.User{CompanyID: c.ID, Email: *email, Name: *name, Role: r, Active: true}, *password)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, u.ID)
	case "reset-password":
		c, err := st.CompanyByDomain(ctx, *domain)
		if err != nil {
			return err
		}
		u, _, err := st.UserCredentials(ctx, c.ID, *email)
		if err != nil {
			return err
		}
		if err := svc.ResetPassword(ctx, nil, c.ID, u.ID, *password); err != nil {
			return err
		}
		fmt.Fprintln(out, u.ID)
	}
	return nil
}
