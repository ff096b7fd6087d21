package main

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// The demo seed is all or nothing: when it fails after the company and its
// admin were written, nothing is left, so the next start seeds everyone
// (before, a half-seeded company made every later start skip the seed).
// Seeding again changes nothing.
func TestSeedDemoIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		svc, err := auth.New(st, conversa.NewShiftClock(), auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
		if err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.DiscardHandler)
		saved := demoUsers
		demoUsers = append(slices.Clone(saved), saved[2])
		demoUsers[len(demoUsers)-1].email = "not an e-mail" // fails after the others were created
		err = seedDemo(ctx, st, svc, log)
		demoUsers = saved
		if err == nil {
			t.Fatal("a failing seed reported success")
		}
		if _, err := st.CompanyByDomain(ctx, demoDomain); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Fatalf("a failed seed left the company behind (%v)", err)
		}
		for range 2 {
			if err := seedDemo(ctx, st, svc, log); err != nil {
				t.Fatal(err)
			}
		}
		c, err := st.CompanyByDomain(ctx, demoDomain)
		if err != nil {
			t.Fatal(err)
		}
		users, err := st.Users(ctx, c.ID)
		if err != nil || len(users) != len(demoUsers) {
			t.Fatalf("demo users %+v, %v", users, err)
		}
		for _, u := range demoUsers {
			if _, err := svc.Login(ctx, auth.LoginInput{Domain: demoDomain, Email: u.email, Password: demoPassword}); err != nil {
				t.Errorf("%s can't log in: %v", u.email, err)
			}
		}
	})
}
