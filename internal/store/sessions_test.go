package store_test

import (
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "sess", 3)
		u := mustUser(t, s, c.ID, "u@x.com", conversa.RoleAgent)
		now := time.Date(2030, 5, 1, 10, 0, 0, 123456789, time.UTC)
		mk := func(hash string) conversa.Session {
			sess, err := s.CreateSession(ctx, conversa.Session{CompanyID: c.ID, UserID: u.ID, CreatedAt: now, LastSeenAt: now,
				ExpiresAt: now.Add(time.Hour), UserAgent: "test", IP: "127.0.0.1"}, hash)
			if err != nil {
				t.Fatal(err)
			}
			return sess
		}
		one := mk("h1")
		mk("h2")
		mk("h3")

		got, err := s.SessionByTokenHash(ctx, "h1")
		if err != nil || !got.CreatedAt.Equal(now.Truncate(time.Millisecond)) || got.ReauthAt != nil || got.UserAgent != "test" {
			t.Fatalf("SessionByTokenHash = %+v, %v", got, err)
		}
		if got != one {
			t.Fatalf("round trip %+v != %+v", got, one)
		}
		_, err = s.SessionByTokenHash(ctx, "nope")
		wantCode(t, err, conversa.ENOTFOUND)

		later := now.Add(10 * time.Minute).Truncate(time.Millisecond)
		if err := s.SetSessionReauth(ctx, c.ID, one.ID, later); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.SetSessionReauth(ctx, c.ID+1, one.ID, later), conversa.ENOTFOUND)
		got, _ = s.SessionByTokenHash(ctx, "h1")
		if got.ReauthAt == nil || !got.ReauthAt.Equal(later) || !got.LastSeenAt.Equal(later) {
			t.Fatalf("after reauth %+v", got)
		}

		// Ending a user's other sessions keeps the current one.
		if err := s.DeleteUserSessions(ctx, c.ID, u.ID, one.ID); err != nil {
			t.Fatal(err)
		}
		for hash, alive := range map[string]bool{"h1": true, "h2": false, "h3": false} {
			if _, err := s.SessionByTokenHash(ctx, hash); (err == nil) != alive {
				t.Errorf("session %s alive=%v, err %v", hash, alive, err)
			}
		}
		if err := s.DeleteSession(ctx, c.ID, one.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.SessionByTokenHash(ctx, "h1")
		wantCode(t, err, conversa.ENOTFOUND)
	})
}

func TestPurgeExpiredSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "purge", 3)
		u := mustUser(t, s, c.ID, "u@x.com", conversa.RoleAgent)
		now := time.Date(2030, 5, 1, 10, 0, 0, 0, time.UTC)
		idle := 2 * time.Hour
		sessions := []struct {
			hash             string
			lastSeen, expiry time.Time
			keep             bool
		}{
			{"fresh", now.Add(-time.Minute), now.Add(time.Hour), true},
			{"expired", now.Add(-time.Minute), now.Add(-time.Second), false},
			{"idle", now.Add(-idle - time.Second), now.Add(time.Hour), false},
		}
		for _, x := range sessions {
			if _, err := s.CreateSession(ctx, conversa.Session{CompanyID: c.ID, UserID: u.ID, CreatedAt: x.lastSeen,
				LastSeenAt: x.lastSeen, ExpiresAt: x.expiry}, x.hash); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PurgeExpiredSessions(ctx, now, idle)
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v", n, err)
		}
		for _, x := range sessions {
			if _, err := s.SessionByTokenHash(ctx, x.hash); (err == nil) != x.keep {
				t.Errorf("%s: kept=%v, want %v", x.hash, err == nil, x.keep)
			}
		}
	})
}

func TestDeactivationEndsSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "deact", 3)
		mustUser(t, s, c.ID, "admin@x.com", conversa.RoleAdmin)
		u := mustUser(t, s, c.ID, "u@x.com", conversa.RoleAgent)
		now := time.Now()
		if _, err := s.CreateSession(ctx, conversa.Session{CompanyID: c.ID, UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, c.ID, u.ID, store.UserPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		_, err := s.SessionByTokenHash(ctx, "tok")
		wantCode(t, err, conversa.ENOTFOUND)
	})
}
