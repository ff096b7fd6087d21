package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// A company uses the default opt-out keywords until it sets its own, keeps
// them per company, and can go back to the defaults.
func TestOptOutKeywordsPerCompany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, _, _ := inboxFixture(t, s, "acme", "111")
		other, _, _ := inboxFixture(t, s, "other", "222")
		if words, custom, err := s.OptOutKeywords(ctx, acme.ID); err != nil || custom || words != nil {
			t.Fatalf("new company: %q custom %v, %v", words, custom, err)
		}
		want := []string{"Basta", "Não quero mais"}
		if err := s.SetOptOutKeywords(ctx, acme.ID, want); err != nil {
			t.Fatal(err)
		}
		if words, custom, err := s.OptOutKeywords(ctx, acme.ID); err != nil || !custom || !slices.Equal(words, want) {
			t.Fatalf("after set: %q custom %v, %v", words, custom, err)
		}
		if _, custom, _ := s.OptOutKeywords(ctx, other.ID); custom {
			t.Fatal("another company got acme's keywords")
		}
		if err := s.SetOptOutKeywords(ctx, acme.ID, nil); err != nil {
			t.Fatal(err)
		}
		if words, custom, err := s.OptOutKeywords(ctx, acme.ID); err != nil || custom || words != nil {
			t.Fatalf("back to defaults: %q custom %v, %v", words, custom, err)
		}
		wantCode(t, s.SetOptOutKeywords(ctx, 1<<40, want), conversa.ENOTFOUND)
		_, _, err := s.OptOutKeywords(ctx, 1<<40)
		wantCode(t, err, conversa.ENOTFOUND)
	})
}

// Opting a contact back in clears the opt-out, for that company only.
func TestClearContactOptOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, _, ct := inboxFixture(t, s, "acme", "111")
		other, _, _ := inboxFixture(t, s, "other", "222")
		if err := s.SetContactOptedOut(ctx, c.ID, ct.ID, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.ClearContactOptOut(ctx, other.ID, ct.ID), conversa.ENOTFOUND)
		if got, _ := s.Contact(ctx, c.ID, ct.ID); got.OptedOut == nil {
			t.Fatal("another company's call opted the contact in")
		}
		if err := s.ClearContactOptOut(ctx, c.ID, ct.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Contact(ctx, c.ID, ct.ID); got.OptedOut != nil {
			t.Fatalf("still opted out at %v", got.OptedOut)
		}
	})
}
