package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func TestAuditLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b := mustCompany(t, s, "a", 1), mustCompany(t, s, "b", 1)
		actor := mustUser(t, s, a.ID, "admin@a.com", conversa.RoleAdmin)
		for i := range 5 {
			e := conversa.AuditEntry{CompanyID: a.ID, ActorID: &actor.ID, Action: "user.update", Target: fmt.Sprintf("user:%d", i),
				Detail: map[string]any{"n": float64(i), "role": "agent"}}
			if err := s.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Audit(ctx, conversa.AuditEntry{CompanyID: b.ID, Action: "company.create"}); err != nil {
			t.Fatal(err)
		}
		page, err := s.AuditLog(ctx, a.ID, 0, 3)
		if err != nil || len(page) != 3 {
			t.Fatalf("page 1: %d entries, %v", len(page), err)
		}
		if page[0].Target != "user:4" || page[0].Detail["n"] != float64(4) || *page[0].ActorID != actor.ID || page[0].At.IsZero() {
			t.Fatalf("newest first, with detail: %+v", page[0])
		}
		rest, err := s.AuditLog(ctx, a.ID, page[2].ID, 10)
		if err != nil || len(rest) != 2 || rest[1].Target != "user:0" {
			t.Fatalf("page 2: %+v, %v", rest, err)
		}
		other, err := s.AuditLog(ctx, b.ID, 0, 10)
		if err != nil || len(other) != 1 || other[0].ActorID != nil || other[0].Action != "company.create" {
			t.Fatalf("company b sees %+v, %v", other, err)
		}
	})
}

func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Date(2030, 5, 1, 10, 0, 0, 0, time.UTC)
		for i := range 4 {
			if err := s.RecordLoginFailure(ctx, "Demo", "Ana@x.com", "1.2.3.4", now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		s.RecordLoginFailure(ctx, "demo", "other@x.com", "", now)
		got, err := s.RecentLoginFailures(ctx, "demo", "ana@x.com", "", now.Add(30*time.Second), 10)
		if err != nil || len(got) != 3 || !got[0].Equal(now.Add(3*time.Minute)) {
			t.Fatalf("recent = %v, %v", got, err)
		}
		if n, err := s.PurgeLoginFailures(ctx, now.Add(90*time.Second)); err != nil || n != 3 {
			t.Fatalf("purged %d, %v", n, err)
		}
		if err := s.ClearLoginFailures(ctx, "DEMO", "ana@x.com"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RecentLoginFailures(ctx, "demo", "ana@x.com", "", now.Add(-time.Hour), 10); len(got) != 0 {
			t.Fatalf("after clear: %v", got)
		}
	})
}
