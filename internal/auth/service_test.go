package auth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

var ctx = context.Background()

type fixture struct {
	svc   *auth.Service
	clock *conversa.ShiftClock
	st    *store.Store
	c     conversa.Company
}

func newFixture(t *testing.T, st *store.Store) fixture {
	clock := conversa.NewShiftClock()
	st.SetClock(clock)
	svc, err := auth.New(st, clock, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := svc.CreateCompany(ctx, conversa.Company{Domain: "acme", Name: "Acme", MaxChannels: 1, MaxAgents: 2},
		conversa.User{Email: "admin@acme.com", Name: "Admin"}, "admin-pass")
	if err != nil {
		t.Fatal(err)
	}
	return fixture{svc, clock, st, c}
}

func (f fixture) login(t *testing.T, password string) (auth.LoginResult, error) {
	t.Helper()
	return f.svc.Login(ctx, auth.LoginInput{Domain: "ACME", Email: "Admin@acme.com", Password: password, IP: "10.0.0.1"})
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return conversa.ErrorCode(err)
}

func TestLoginAndSessionExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		if _, err := f.login(t, "wrong-pass"); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		res, err := f.login(t, "admin-pass")
		if err != nil || res.Token == "" || res.User.Role != conversa.RoleAdmin || res.Company.ID != f.c.ID {
			t.Fatalf("login: %+v, %v", res, err)
		}
		p, err := f.svc.Authenticate(ctx, res.Token)
		if err != nil || p.User.ID != res.User.ID {
			t.Fatalf("authenticate: %+v, %v", p, err)
		}
		// Activity within the idle timeout keeps the session alive...
		f.clock.Advance(11 * time.Hour)
		if _, err := f.svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("after 11 h: %v", err)
		}
		f.clock.Advance(11 * time.Hour)
		if _, err := f.svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatalf("22 h after login, 11 h idle: %v", err)
		}
		// ...but idleness past it ends the session for good.
		f.clock.Advance(13 * time.Hour)
		if _, err := f.svc.Authenticate(ctx, res.Token); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("after 13 h idle: %v", err)
		}
		f.clock.Advance(-13 * time.Hour)
		if _, err := f.svc.Authenticate(ctx, res.Token); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("expired session came back: %v", err)
		}
	})
}

func TestAbsoluteExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		res, err := f.login(t, "admin-pass")
		if err != nil {
			t.Fatal(err)
		}
		// Busy all week in steps just under the idle timeout: alive for 14
		// steps (167.8 h), over at the 15th (7 days passed).
		for i := 1; i <= 15; i++ {
			f.clock.Advance(12*time.Hour - time.Minute)
			_, err := f.svc.Authenticate(ctx, res.Token)
			if alive := i <= 14; (err == nil) != alive {
				t.Fatalf("step %d: alive=%v, want %v (%v)", i, err == nil, alive, err)
			}
		}
	})
}

func TestStepUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		res, _ := f.login(t, "admin-pass")
		p, _ := f.svc.Authenticate(ctx, res.Token)
		maxAge := f.svc.StepUpMaxAge()
		if err := p.RequireStepUp(f.clock.Now(), maxAge); code(err) != conversa.EREAUTH {
			t.Fatalf("fresh login counts as step-up: %v", err)
		}
		if err := f.svc.Reauth(ctx, p, "nope-nope"); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("reauth with wrong password: %v", err)
		}
		if err := f.svc.Reauth(ctx, p, "admin-pass"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(maxAge - time.Second)
		p, _ = f.svc.Authenticate(ctx, res.Token) // as the next request would see it
		if err := p.RequireStepUp(f.clock.Now(), maxAge); err != nil {
			t.Fatalf("within %v: %v", maxAge, err)
		}
		f.clock.Advance(2 * time.Second)
		if err := p.RequireStepUp(f.clock.Now(), maxAge); code(err) != conversa.EREAUTH {
			t.Fatalf("after %v: %v", maxAge, err)
		}
	})
}

func TestLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		for i := range 5 {
			if _, err := f.login(t, "guess"); code(err) != conversa.EUNAUTHORIZED {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			f.clock.Advance(time.Minute)
		}
		if _, err := f.login(t, "admin-pass"); code(err) != conversa.ELOCKED {
			t.Fatalf("right password while locked: %v", err)
		}
		// An account that doesn't exist locks the same way.
		for range 6 {
			_, err := f.svc.Login(ctx, auth.LoginInput{Domain: "acme", Email: "ghost@acme.com", Password: "x"})
			if code(err) == conversa.ELOCKED {
				break
			}
		}
		if _, err := f.svc.Login(ctx, auth.LoginInput{Domain: "acme", Email: "ghost@acme.com", Password: "x"}); code(err) != conversa.ELOCKED {
			t.Fatalf("unknown account not locked: %v", err)
		}
		entries, _ := st.AuditLog(ctx, f.c.ID, 0, 10)
		if len(entries) == 0 || entries[0].Action != "auth.locked" {
			t.Fatalf("lock not audited: %+v", entries)
		}
		f.clock.Advance(15 * time.Minute)
		if _, err := f.login(t, "admin-pass"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		a, _ := f.login(t, "admin-pass")
		b, _ := f.login(t, "admin-pass")
		pa, _ := f.svc.Authenticate(ctx, a.Token)
		if err := f.svc.ChangePassword(ctx, pa, "wrong-current", "new-password"); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("wrong current password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, pa, "admin-pass", "short"); code(err) != conversa.EINVALID {
			t.Fatalf("short new password: %v", err)
		}
		if err := f.svc.ChangePassword(ctx, pa, "admin-pass", "new-password"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(ctx, a.Token); err != nil {
			t.Fatalf("current session ended: %v", err)
		}
		if _, err := f.svc.Authenticate(ctx, b.Token); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("other session survived: %v", err)
		}
		if _, err := f.login(t, "admin-pass"); code(err) != conversa.EUNAUTHORIZED {
			t.Fatalf("old password still works: %v", err)
		}
		if _, err := f.login(t, "new-password"); err != nil {
			t.Fatal(err)
		}
	})
}

// Guessing from one address locks that address out, not the admin working
// from elsewhere; many failures from everywhere lock the identity for all.
func TestLockoutIsPerAddressFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		login := func(password, ip string) error {
			_, err := f.svc.Login(ctx, auth.LoginInput{Domain: "acme", Email: "admin@acme.com", Password: password, IP: ip})
			return err
		}
		for range 5 {
			login("guess", "203.0.113.7")
		}
		if err := login("admin-pass", "203.0.113.7"); code(err) != conversa.ELOCKED {
			t.Fatalf("the guessing address: %v", err)
		}
		if err := login("admin-pass", "198.51.100.20"); err != nil {
			t.Fatalf("the admin's own address is locked out too: %v", err)
		}
		// 50 failures spread over 50 addresses: nobody gets in for a while.
		for i := range 50 {
			login("guess", fmt.Sprintf("192.0.2.%d", i))
		}
		if err := login("admin-pass", "198.51.100.20"); code(err) != conversa.ELOCKED {
			t.Fatalf("a spread-out campaign did not lock the identity: %v", err)
		}
	})
}
