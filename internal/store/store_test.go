package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

var ctx = context.Background()

func mustCompany(t *testing.T, s *store.Store, domain string, maxAgents int) conversa.Company {
	t.Helper()
	c, err := s.CreateCompany(ctx, conversa.Company{Domain: domain, Name: "Company " + domain, MaxChannels: 1, MaxAgents: maxAgents})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustUser(t *testing.T, s *store.Store, companyID int64, email string, role conversa.Role) conversa.User {
	t.Helper()
	u, err := s.CreateUser(ctx, conversa.User{CompanyID: companyID, Email: email, Name: email, Role: role, Active: true}, "hash-"+email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := conversa.ErrorCode(err); err == nil || got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate ran %d migrations, err %v", n, err)
		}
		st, err := s.MigrationStatus(ctx)
		if err != nil || len(st) == 0 || !st[0].Applied {
			t.Fatalf("status %+v, %v", st, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.CreateCompany(ctx, conversa.Company{Domain: "ghost", Name: "Ghost"}); err != nil {
				return err
			}
			if tx.SQLTx() == nil {
				t.Error("SQLTx is nil inside InTx")
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		_, err = s.CompanyByDomain(ctx, "ghost")
		wantCode(t, err, conversa.ENOTFOUND)
	})
}

func TestCompanies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "Acme", 2)
		if c.ID == 0 || c.Domain != "acme" || c.Locale != "pt-BR" || c.CreatedAt.IsZero() {
			t.Fatalf("created %+v", c)
		}
		got, err := s.CompanyByDomain(ctx, " ACME ")
		if err != nil || got != c {
			t.Fatalf("CompanyByDomain = %+v, %v; want %+v", got, err, c)
		}
		if got, err := s.Company(ctx, c.ID); err != nil || got != c {
			t.Fatalf("Company = %+v, %v", got, err)
		}
		_, err = s.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Again"})
		wantCode(t, err, conversa.ECONFLICT)
		_, err = s.CreateCompany(ctx, conversa.Company{Domain: "bad domain", Name: "X"})
		wantCode(t, err, conversa.EINVALID)
		_, err = s.Company(ctx, c.ID+1000)
		wantCode(t, err, conversa.ENOTFOUND)
	})
}
