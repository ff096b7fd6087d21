package channels

import (
	"context"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/whatsapp"
)

// AccountSink applies Meta's account-level webhooks to one channel (it is
// the intake's Sinks.Account): quality and messaging-limit changes,
// display-name decisions, bans and restrictions, and errors about the
// number. Meta redelivers and reorders, so every event sets facts rather
// than toggling them, and one older than the newest applied of its kind
// is ignored.
type AccountSink struct {
	store ChannelStore
}

var _ intake.Sink = (*AccountSink)(nil)

// AccountSink returns the sink for the intake's Sinks.Account.
func (s *Service) AccountSink() *AccountSink { return &AccountSink{store: s.store} }

// HandleEvent applies ev to the channel r names.
func (a *AccountSink) HandleEvent(ctx context.Context, r intake.Route, ev whatsapp.Event) error {
	_, err := a.store.ModifyChannel(ctx, r.CompanyID, r.ChannelID, func(c *conversa.Channel) error {
		if c.WABA != nil && c.Status != conversa.ChannelDisconnected {
			applyAccountEvent(c, ev)
		}
		return nil
	})
	if conversa.ErrorCode(err) == conversa.ENOTFOUND {
		return nil // the channel is gone: retrying cannot help
	}
	return err
}

// eventKind groups events whose later ones supersede earlier ones.
func eventKind(ev whatsapp.Event) string {
	switch {
	case ev.Error != nil:
		return "error"
	case ev.Other == nil:
		return ""
	case ev.Other.Quality != nil:
		return "quality"
	case ev.Other.BusinessCapability != nil:
		return "capability"
	case ev.Other.NameUpdate != nil:
		return "name"
	case ev.Other.Account != nil:
		return "account"
	case ev.Other.AccountReview != nil:
		return "review"
	}
	return ""
}

func applyAccountEvent(c *conversa.Channel, ev whatsapp.Event) {
	kind := eventKind(ev)
	if kind == "" || !aboutThisNumber(c, ev) || !stamp(&c.WABA.Health, kind, ev.Time) {
		return
	}
	h := &c.WABA.Health
	switch kind {
	case "quality":
		applyQuality(h, ev.Other.Quality)
	case "capability": // the portfolio's limit, shared by all its numbers
		if l := ev.Other.BusinessCapability.MessagingLimit(); l != "" {
			h.MessagingLimitTier = l
		}
	case "name":
		applyName(c.WABA, ev.Other.NameUpdate)
	case "account":
		applyAccount(c, ev.Other.Account)
	case "review":
		if ev.Other.AccountReview.Decision == "REJECTED" {
			warn(h, say("Meta rejected the WhatsApp account's review. See the notice in WhatsApp Manager and request a new review there.").
				Pt("A Meta reprovou a análise da conta do WhatsApp. Veja o aviso no Gerenciador do WhatsApp e peça nova análise por lá."))
		}
	case "error":
		if err := ev.Error.Err(); whatsapp.ChannelProblem(err) {
			applyMetaError(c, err, ev.Time)
		}
	}
}

// aboutThisNumber: number-level updates reach every channel of the
// account, but only the one with that display number should change.
func aboutThisNumber(c *conversa.Channel, ev whatsapp.Event) bool {
	if ev.Other == nil || (ev.Other.Quality == nil && ev.Other.NameUpdate == nil) || ev.DisplayPhoneNumber == "" {
		return true
	}
	return digits(ev.DisplayPhoneNumber) == digits(c.WABA.DisplayPhoneNumber)
}

func applyQuality(h *conversa.WABAHealth, q *whatsapp.PhoneNumberQualityUpdate) {
	if l := q.MessagingLimit(); l != "" { // a THROUGHPUT_UPGRADE's current_limit is no messaging limit
		h.MessagingLimitTier = l
	}
	// Meta flags a number when its quality turns low and unflags it when it
	// recovers; the exact rating is refreshed by the next readiness read.
	switch q.Event {
	case "FLAGGED":
		h.QualityRating = "RED"
	case "UNFLAGGED":
		h.QualityRating = "GREEN"
	}
}

func applyName(w *conversa.WABAConfig, n *whatsapp.PhoneNumberNameUpdate) {
	switch n.Decision {
	case "APPROVED":
		w.Health.NameStatus = "APPROVED"
		if n.RequestedVerifiedName != "" {
			w.VerifiedName = n.RequestedVerifiedName
		}
	case "REJECTED":
		w.Health.NameStatus = "DECLINED"
	case "DEFERRED":
		w.Health.NameStatus = "PENDING_REVIEW"
	}
}

func applyAccount(c *conversa.Channel, u *whatsapp.AccountUpdate) {
	h := &c.WABA.Health
	switch {
	case u.BanInfo != nil && u.BanInfo.WabaBanState == "REINSTATE":
		h.Problem, h.ProblemCode = nil, 0
		if c.Status == conversa.ChannelError {
			c.Status = conversa.ChannelConnected
		}
	case u.BanInfo != nil || u.Event == "ACCOUNT_DELETED" || u.Event == "PARTNER_REMOVED":
		setError(c, say("Meta disabled or removed this WhatsApp account (%s). Nothing can be sent; see WhatsApp Manager to appeal.", u.Event).
			Pt("A Meta desativou ou removeu esta conta do WhatsApp (%s). Nada pode ser enviado; veja o Gerenciador do WhatsApp para recorrer.", u.Event))
	case len(u.RestrictionInfo) > 0:
		kinds := make([]string, len(u.RestrictionInfo))
		for i, r := range u.RestrictionInfo {
			kinds[i] = r.RestrictionType
		}
		warn(h, say("Meta restricted this account (%s): business-initiated messages may be blocked until the restriction ends.", strings.Join(kinds, ", ")).
			Pt("A Meta restringiu esta conta (%s): mensagens iniciadas pela empresa podem ser bloqueadas até o fim da restrição.", strings.Join(kinds, ", ")))
	case u.Event == "ACCOUNT_VIOLATION":
		warn(h, say("Meta reported a policy violation on this account. Review it in WhatsApp Manager before it leads to a restriction.").
			Pt("A Meta apontou uma violação de política nesta conta. Revise-a no Gerenciador do WhatsApp antes que vire uma restrição."))
	}
}

// warn records what Meta warned about without stopping the channel.
func warn(h *conversa.WABAHealth, why *conversa.Error) { h.Problem, h.ProblemCode = why, 0 }
