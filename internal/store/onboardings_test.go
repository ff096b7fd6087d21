package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func TestOnboardingsPersistEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "onb", 1)
		o, err := s.CreateOnboarding(ctx, conversa.Onboarding{CompanyID: c.ID, GroupID: g.ID, ChannelName: "WA", Step: conversa.StepSignup})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 2, 3, 4, 5, 6, 7_000_000, time.UTC)
		ch, err := s.CreateChannel(ctx, wabaChannel(c, g, "555"))
		if err != nil {
			t.Fatal(err)
		}
		chID := ch.ID
		saved, err := s.ModifyOnboarding(ctx, c.ID, o.ID, func(o *conversa.Onboarding) error {
			o.Step, o.BusinessID, o.WABAID, o.WABAName, o.DisplayName = conversa.StepVerify, "b1", "w1", "Loja", "Loja Ltda"
			o.PhoneNumberID, o.DisplayPhoneNumber, o.CodeMethod, o.CodeRequests, o.FailedAttempts = "p1", "+55 11 98765-4321", "SMS", 2, 1
			o.CodeRequestedAt, o.Registered, o.ChannelID, o.SignupCodeHash = &at, true, &chID, "hash"
			o.AccessToken, o.LastError = "EAAG-secret", conversa.Errorf(conversa.ECONFLICT, "No.").Pt("Não.")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Onboarding(ctx, c.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Step != conversa.StepVerify || got.AccessToken != "EAAG-secret" || got.CodeRequestedAt == nil || !got.CodeRequestedAt.Equal(at) ||
			*got.ChannelID != chID || !got.Registered || got.LastError.Localize("pt") != "Não." || got.FailedAttempts != 1 || got.UpdatedAt != saved.UpdatedAt {
			t.Fatalf("round trip: %+v", got)
		}
		// A failing change writes nothing; other companies see nothing.
		if _, err := s.ModifyOnboarding(ctx, c.ID, o.ID, func(o *conversa.Onboarding) error {
			o.Step = conversa.StepDone
			return conversa.Errorf(conversa.EINVALID, "no")
		}); err == nil {
			t.Fatal("change error lost")
		}
		if again, _ := s.Onboarding(ctx, c.ID, o.ID); again.Step != conversa.StepVerify {
			t.Fatalf("failed change saved: %s", again.Step)
		}
		other, _ := newChannelCompany(t, s, "onb2", 1)
		if _, err := s.Onboarding(ctx, other.ID, o.ID); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Fatalf("cross-company: %v", err)
		}
		if list, _ := s.Onboardings(ctx, other.ID); len(list) != 0 {
			t.Fatalf("other company lists %v", list)
		}
	})
}
