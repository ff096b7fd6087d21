package channels

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Readiness is a channel's "can it send?" checklist (the seed's
// Checkpoint 2), rendered in one language.
type Readiness struct {
	Items     []conversa.ReadinessItem
	Ready     bool       // every item ok
	CheckedAt *time.Time // when the facts were read from Meta
	// Stale is set when Meta could not be read now: the items are the last
	// known facts and Error says why they could not be refreshed.
	Stale bool
	Error *conversa.Error
}

// Readiness reads the channel's account live from the Graph API, caches
// the facts in the channel (the account webhooks keep them current between
// reads) and renders the checklist in lang (an Accept-Language value). A
// read that works lifts the send problems it disproves (clearDisproved);
// one that meets a channel problem records it like a send would.
func (s *Service) Readiness(ctx context.Context, companyID, id int64, lang string) (Readiness, error) {
	ch, err := s.store.Channel(ctx, companyID, id)
	if err != nil {
		return Readiness{}, err
	}
	if ch.WABA == nil {
		return Readiness{}, conversa.Errorf(conversa.EINVALID, "Only WhatsApp channels have a readiness checklist.").
			Pt("Só canais de WhatsApp têm checklist de prontidão.")
	}
	health, readErr := s.readHealth(ctx, ch)
	switch {
	case readErr == nil:
		ch, err = s.store.ModifyChannel(ctx, companyID, id, func(c *conversa.Channel) error {
			kept := c.WABA.Health
			health.Problem, health.ProblemCode, health.PaymentRefused, health.EventTime = kept.Problem, kept.ProblemCode, kept.PaymentRefused, kept.EventTime
			c.WABA.Health = health
			clearDisproved(c, health)
			return nil
		})
	case whatsapp.ChannelProblem(readErr):
		// The read itself met a channel problem (an expired token): the
		// channel turns red exactly as a send meeting it would.
		var changed conversa.Channel
		if changed, err = RecordSendError(ctx, s.store, companyID, id, s.cfg.Clock.Now(), readErr); changed.ID != 0 {
			ch = changed
		}
	}
	if err != nil {
		return Readiness{}, err
	}
	if readErr != nil && ch.WABA.Health.CheckedAt == nil {
		return Readiness{}, metaError(readErr)
	}
	r := Readiness{Items: checklist(ch, s.cfg.WebhookURL, lang), CheckedAt: ch.WABA.Health.CheckedAt, Ready: true}
	for _, it := range r.Items {
		r.Ready = r.Ready && it.OK
	}
	if readErr != nil {
		r.Stale, r.Error = true, metaError(readErr)
	}
	return r, nil
}

// readHealth gathers the facts the checklist needs: the number, the
// account's payment method and currency, the webhook subscription, and
// whether any template is approved.
func (s *Service) readHealth(ctx context.Context, ch conversa.Channel) (conversa.WABAHealth, error) {
	tok, w := ch.WABA.AccessToken, ch.WABA.WABAID
	var h conversa.WABAHealth
	p, err := s.graph.GetPhoneNumber(ctx, tok, ch.WABA.PhoneNumberID)
	if err != nil {
		return h, err
	}
	acc, err := s.graph.GetWABA(ctx, tok, w, "name", "currency", "primary_funding_id")
	if err != nil {
		return h, err
	}
	apps, err := s.graph.SubscribedApps(ctx, tok, w)
	if err != nil {
		return h, err
	}
	tpl, err := s.graph.ListTemplates(ctx, tok, w, whatsapp.TemplateQuery{Status: "APPROVED", Limit: 1})
	if err != nil {
		return h, err
	}
	now := s.cfg.Clock.Now()
	h = conversa.WABAHealth{CheckedAt: &now, CodeVerification: p.CodeVerificationStatus,
		Registered: p.PlatformType == "CLOUD_API", NameStatus: p.NameStatus, QualityRating: p.QualityRating,
		MessagingLimitTier: p.MessagingLimitTier, PaymentMethod: acc.PrimaryFundingID != "", Currency: acc.Currency,
		Subscribed: len(apps) > 0, ApprovedTemplates: len(tpl.Data) > 0}
	for _, a := range apps {
		if a.OverrideCallbackURI != "" {
			h.CallbackURL = a.OverrideCallbackURI
		}
	}
	return h, nil
}
