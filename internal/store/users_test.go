package store_test

import (
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func TestUsersAreScopedByCompany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mustCompany(t, s, "a", 5), mustCompany(t, s, "b", 5)
		ua := mustUser(t, s, a.ID, "Ana@Example.com", conversa.RoleAdmin)
		mustUser(t, s, b.ID, "ana@example.com", conversa.RoleAdmin) // same e-mail, other company: fine

		if ua.Email != "ana@example.com" || !ua.Active {
			t.Fatalf("created %+v", ua)
		}
		got, hash, err := s.UserCredentials(ctx, a.ID, "ANA@example.com")
		if err != nil || got != ua || hash != "hash-Ana@Example.com" {
			t.Fatalf("UserCredentials = %+v %q %v", got, hash, err)
		}
		_, err = s.User(ctx, b.ID, ua.ID)
		wantCode(t, err, conversa.ENOTFOUND)
		_, err = s.UpdateUser(ctx, b.ID, ua.ID, store.UserPatch{Name: ptr("hijack")})
		wantCode(t, err, conversa.ENOTFOUND)
		wantCode(t, s.SetPasswordHash(ctx, b.ID, ua.ID, "x"), conversa.ENOTFOUND)
		if list, err := s.Users(ctx, a.ID); err != nil || len(list) != 1 || list[0].ID != ua.ID {
			t.Fatalf("Users(a) = %+v, %v", list, err)
		}
		_, err = s.CreateUser(ctx, conversa.User{CompanyID: a.ID, Email: "ana@example.com", Name: "Dup", Role: conversa.RoleAgent, Active: true}, "h")
		wantCode(t, err, conversa.ECONFLICT)
	})
}

func TestAgentLicence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "lic", 1)
		mustUser(t, s, c.ID, "admin@x.com", conversa.RoleAdmin) // admins take no agent seat
		sup := mustUser(t, s, c.ID, "sup@x.com", conversa.RoleSupervisor)
		agent := mustUser(t, s, c.ID, "agent1@x.com", conversa.RoleAgent)

		_, err := s.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: "agent2@x.com", Name: "A2", Role: conversa.RoleAgent, Active: true}, "h")
		wantCode(t, err, conversa.ELICENCE)
		// An inactive agent takes no seat, but activating it needs one.
		idle, err := s.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: "idle@x.com", Name: "Idle", Role: conversa.RoleAgent}, "h")
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.UpdateUser(ctx, c.ID, idle.ID, store.UserPatch{Active: ptr(true)})
		wantCode(t, err, conversa.ELICENCE)
		_, err = s.UpdateUser(ctx, c.ID, sup.ID, store.UserPatch{Role: ptr(conversa.RoleAgent)})
		wantCode(t, err, conversa.ELICENCE)

		usage, err := s.LicenceUsage(ctx, c.ID)
		if err != nil || usage.Agents != 1 || usage.MaxAgents != 1 || usage.MaxChannels != 1 {
			t.Fatalf("usage %+v, %v", usage, err)
		}
		// Freeing the seat lets the other agent in.
		if _, err := s.UpdateUser(ctx, c.ID, agent.ID, store.UserPatch{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, c.ID, idle.ID, store.UserPatch{Active: ptr(true), Name: ptr("Now Busy")}); err != nil {
			t.Fatal(err)
		}
		// Editing the name of a seated agent is not a new seat.
		if u, err := s.UpdateUser(ctx, c.ID, idle.ID, store.UserPatch{Name: ptr("Renamed")}); err != nil || u.Name != "Renamed" {
			t.Fatalf("rename seated agent: %+v, %v", u, err)
		}
	})
}

func TestUpdateUserKeepsAnAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := mustCompany(t, s, "adm", 3)
		admin := mustUser(t, s, c.ID, "admin@x.com", conversa.RoleAdmin)
		_, err := s.UpdateUser(ctx, c.ID, admin.ID, store.UserPatch{Active: ptr(false)})
		wantCode(t, err, conversa.ECONFLICT)
		_, err = s.UpdateUser(ctx, c.ID, admin.ID, store.UserPatch{Role: ptr(conversa.RoleAgent)})
		wantCode(t, err, conversa.ECONFLICT)
		_, err = s.UpdateUser(ctx, c.ID, admin.ID, store.UserPatch{Name: ptr("  ")})
		wantCode(t, err, conversa.EINVALID)

		mustUser(t, s, c.ID, "second@x.com", conversa.RoleAdmin)
		u, err := s.UpdateUser(ctx, c.ID, admin.ID, store.UserPatch{Role: ptr(conversa.RoleSupervisor)})
		if err != nil || u.Role != conversa.RoleSupervisor {
			t.Fatalf("demote with another admin: %+v, %v", u, err)
		}
		got, err := s.User(ctx, c.ID, admin.ID)
		if err != nil || got != u {
			t.Fatalf("stored %+v, want %+v (%v)", got, u, err)
		}
	})
}
