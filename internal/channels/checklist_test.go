package channels

import (
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

func TestChecklistItems(t *testing.T) {
	green := conversa.WABAHealth{CodeVerification: "VERIFIED", Registered: true, NameStatus: "APPROVED", QualityRating: "GREEN",
		MessagingLimitTier: "TIER_1K", PaymentMethod: true, Currency: "USD", Subscribed: true, ApprovedTemplates: true}
	for _, tc := range []struct {
		name   string
		change func(h *conversa.WABAHealth)
		key    string
		ok     bool
		detail string // in the pt-BR sentence
	}{
		{"all green", func(*conversa.WABAHealth) {}, "messaging_limit", true, "até 1.000 clientes"},
		{"card in reais", func(h *conversa.WABAHealth) { h.Currency = "BRL" }, "payment_method", false, "moeda da conta é BRL"},
		{"no card", func(h *conversa.WABAHealth) { h.PaymentMethod = false }, "payment_method", false, "cartão de crédito"},
		{"verified, not registered", func(h *conversa.WABAHealth) { h.Registered = false }, "number_verified", false, "PIN"},
		{"name declined", func(h *conversa.WABAHealth) { h.NameStatus = "DECLINED" }, "display_name", false, "CNPJ"},
		{"name in review", func(h *conversa.WABAHealth) { h.NameStatus = "PENDING_REVIEW" }, "display_name", false, "avaliando"},
		{"webhooks elsewhere", func(h *conversa.WABAHealth) { h.CallbackURL = "https://old.example/hook" }, "webhooks_subscribed", false, "old.example"},
		{"quality red", func(h *conversa.WABAHealth) { h.QualityRating = "RED" }, "quality_rating", false, "RED"},
		{"quality yellow still sends", func(h *conversa.WABAHealth) { h.QualityRating = "YELLOW" }, "quality_rating", true, "YELLOW"},
		{"no template", func(h *conversa.WABAHealth) { h.ApprovedTemplates = false }, "approved_template", false, "modelo"},
		{"no tier yet", func(h *conversa.WABAHealth) { h.MessagingLimitTier = "" }, "messaging_limit", false, "limite"},
		{"card refused after the read", func(h *conversa.WABAHealth) { h.PaymentRefused = true }, "payment_method", false, "131042"},
		{"account fine", func(*conversa.WABAHealth) {}, "account_status", true, "não informa problema"},
		{"account locked", func(h *conversa.WABAHealth) {
			h.Problem = conversa.Errorf("", "Locked.").Pt("A Meta bloqueou esta conta.")
		}, "account_status", false, "A Meta bloqueou esta conta."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := green
			tc.change(&h)
			ch := conversa.Channel{Name: "Loja", Status: conversa.ChannelConnected,
				WABA: &conversa.WABAConfig{DisplayPhoneNumber: "+55 11 3000-1000", VerifiedName: "Loja", Health: h}}
			if h.Problem != nil {
				ch.Status = conversa.ChannelError
			}
			items := checklist(ch, "https://conversa.example/webhooks/whatsapp", "pt-BR")
			if len(items) != 8 {
				t.Fatalf("%d items", len(items))
			}
			for _, it := range items {
				if it.Key == tc.key {
					if it.OK != tc.ok || !strings.Contains(it.Detail, tc.detail) {
						t.Fatalf("%s = %v %q", it.Key, it.OK, it.Detail)
					}
					return
				}
			}
			t.Fatalf("no item %s", tc.key)
		})
	}
}

// A channel an admin disconnected is not ready, whatever Meta says.
func TestChecklistDisconnected(t *testing.T) {
	ch := conversa.Channel{Name: "Loja", Status: conversa.ChannelDisconnected, WABA: &conversa.WABAConfig{}}
	it := checklist(ch, "", "pt-BR")[0]
	if it.Key != "account_status" || it.OK || !strings.Contains(it.Detail, "desconectado") {
		t.Fatalf("first item = %+v", it)
	}
}
