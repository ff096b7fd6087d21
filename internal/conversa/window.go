package conversa

import (
	"fmt"
	"time"
)

// ServiceWindow is the customer-service window: each inbound customer
// message lets the business send free-form messages for 24 hours from it.
const ServiceWindow = 24 * time.Hour

// InboundAt is the time an inbound message counts from. Meta's timestamp is
// the truth (it is when the customer sent it), but a sender clock ahead of
// ours must not stretch the window past 24 hours from what we observed, so a
// timestamp later than our receive time is clamped to it. A missing
// timestamp also falls back to the receive time.
func InboundAt(metaTimestamp, receivedAt time.Time) time.Time {
	if metaTimestamp.IsZero() || metaTimestamp.After(receivedAt) {
		return receivedAt
	}
	return metaTimestamp
}

// LatestInbound folds one more inbound time into the stored last-inbound
// time. Webhooks arrive out of order, so an older message delivered late
// never shortens the window.
func LatestInbound(stored, t time.Time) time.Time {
	if t.After(stored) {
		return t
	}
	return stored
}

// WindowExpiresAt is when the window opened by lastInbound closes; ok is
// false when the customer never wrote (the window never opened).
func WindowExpiresAt(lastInbound time.Time) (expires time.Time, ok bool) {
	if lastInbound.IsZero() {
		return time.Time{}, false
	}
	return lastInbound.Add(ServiceWindow), true
}

// WindowOpen reports whether free-form messages may be sent at now.
func WindowOpen(lastInbound, now time.Time) bool {
	expires, ok := WindowExpiresAt(lastInbound)
	return ok && now.Before(expires)
}

// CheckFreeForm is the core rule: a free-form message (text, media,
// interactive, reaction) may only be sent inside the window; outside it the
// business must send an approved template. Templates are never refused here.
func CheckFreeForm(lastInbound, now time.Time) error {
	if WindowOpen(lastInbound, now) {
		return nil
	}
	if lastInbound.IsZero() {
		return Errorf(EWINDOWCLOSED,
			"The customer has not written yet, so only an approved template can start this conversation.").
			Pt("O cliente ainda não escreveu: só um modelo (template) aprovado pode iniciar esta conversa.")
	}
	en, pt := ago(now.Sub(lastInbound.Add(ServiceWindow)))
	return Errorf(EWINDOWCLOSED,
		"The 24-hour customer-service window closed %s; send an approved template to reopen the conversation.", en).
		Pt("A janela de atendimento de 24 horas fechou %s; envie um modelo (template) aprovado para retomar a conversa.", pt)
}

// ago says how long ago d was, in English and Portuguese, rounded down to
// minutes, hours or days: unlike a clock time it needs no time zone.
func ago(d time.Duration) (en, pt string) {
	n, enUnit, ptUnit := int(d/time.Minute), "minute", "minuto"
	switch {
	case d >= 48*time.Hour:
		n, enUnit, ptUnit = int(d/(24*time.Hour)), "day", "dia"
	case d >= time.Hour:
		n, enUnit, ptUnit = int(d/time.Hour), "hour", "hora"
	}
	if n != 1 {
		enUnit, ptUnit = enUnit+"s", ptUnit+"s"
	}
	return fmt.Sprintf("%d %s ago", n, enUnit), fmt.Sprintf("há %d %s", n, ptUnit)
}
