package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/store"
)

// openStore opens the configured database and applies Conversa's and
// River's migrations, so every subcommand sees the current schema.
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	st.SetClock(cfg.Clock)
	if err := sealStore(st, cfg); err != nil {
		st.Close()
		return nil, err
	}
	n, err := st.Migrate(ctx)
	if err == nil && n > 0 {
		cfg.Logger.Info("database migrated", "migrations", n)
	}
	if err == nil {
		_, err = jobs.Migrate(ctx, st)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func newAuth(st *store.Store, cfg config) (*auth.Service, error) {
	return auth.New(st, cfg.Clock, auth.Config{SecureCookies: cfg.SecureCookies})
}

// The demo company seeded on first start: a fixed, documented password so
// the sandbox walk-through needs nothing but the README. Disable with
// CONVERSA_DEMO=false in production.
const (
	demoDomain   = "demo"
	demoPassword = "demo1234"
)

var demoUsers = []struct {
	email, name string
	role        conversa.Role
}{
	{"admin@demo.example", "Ana Admin", conversa.RoleAdmin},
	{"supervisor@demo.example", "Sérgio Supervisor", conversa.RoleSupervisor},
	{"agent@demo.example", "Alice Agente", conversa.RoleAgent},
}

// seedDemo creates the demo company and all its users unless the company
// exists, in one transaction: a crash midway leaves nothing, so the next
// start seeds again instead of finding a company without its users. Nodes
// starting together race harmlessly: the loser sees the domain taken.
func seedDemo(ctx context.Context, st *store.Store, svc *auth.Service, log *slog.Logger) error {
	_, err := st.CompanyByDomain(ctx, demoDomain)
	if conversa.ErrorCode(err) != conversa.ENOTFOUND {
		return err
	}
	var c conversa.Company
	err = st.InTx(ctx, func(tx *store.Store) error {
		accounts := svc.WithStore(tx)
		admin := demoUsers[0]
		var err error
		c, _, err = accounts.CreateCompany(ctx, conversa.Company{Domain: demoDomain, Name: "Demo Conversa", MaxChannels: 3, MaxAgents: 10},
			conversa.User{Email: admin.email, Name: admin.name}, demoPassword)
		if err != nil {
			return err
		}
		for _, u := range demoUsers[1:] {
			if _, err := accounts.CreateUser(ctx, nil, conversa.User{CompanyID: c.ID, Email: u.email, Name: u.name, Role: u.role, Active: true}, demoPassword); err != nil {
				return err
			}
		}
		return nil
	})
	if conversa.ErrorCode(err) == conversa.ECONFLICT {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	log.Info("demo company created", "domain", demoDomain, "company_id", c.ID)
	return nil
}
