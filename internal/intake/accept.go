package intake

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Accept takes one webhook delivery: its raw body and X-Hub-Signature-256
// header. It returns nil only once the delivery is durably stored, marked
// unprocessed until its processing job is done (or when it names no live
// channel: nothing is stored and Meta should stop retrying). Errors carry codes the HTTP layer maps:
// unauthorized (missing or wrong signature, nothing stored), invalid (not
// JSON), unavailable (queue full, shutting down or database down: Meta
// retries later).
func (in *Intake) Accept(ctx context.Context, body []byte, signature string) error {
	if signature == "" {
		return errSignature()
	}
	keys, object, err := parseRoutingKeys(body)
	if err != nil {
		return conversa.Errorf(conversa.EINVALID, "The body is not a valid webhook JSON object.").
			Pt("O corpo não é um objeto JSON de webhook válido.")
	}
	if object != "" && object != "whatsapp_business_account" {
		in.log.WarnContext(ctx, "webhook ignored: not a WhatsApp Business Account notification", "object", object)
		return nil
	}
	targets, err := in.match(ctx, keys, body, signature)
	if err != nil || targets == nil {
		return err
	}
	p := &pending{rows: rowsFor(targets, body), done: make(chan error, 1)}
	if err := in.batch.submit(p); err != nil {
		in.log.WarnContext(ctx, "webhook refused for now", "err", err)
		return errUnavailable()
	}
	select {
	case err := <-p.done:
		if err != nil {
			in.log.ErrorContext(ctx, "webhook not stored", "err", err)
			return errUnavailable()
		}
		return nil
	case <-ctx.Done():
		// The client went away (nobody reads this answer); the delivery may
		// still be stored, and Meta's retry is then a harmless duplicate.
		return errUnavailable()
	}
}

// match finds the live channels a delivery names whose app secret signed
// it. It returns nil, nil when no live channel is named (logged: Meta is
// pointed at us for a number we do not hold). A failed signature is checked
// once more against freshly loaded channels, in case the secret was
// rotated within the cache's lifetime.
func (in *Intake) match(ctx context.Context, keys routingKeys, body []byte, signature string) ([]target, error) {
	for _, reload := range []bool{false, true} {
		ts, err := in.cache.targets(ctx, keys, reload)
		if err != nil {
			in.log.ErrorContext(ctx, "webhook: channel lookup failed", "err", err)
			return nil, errUnavailable()
		}
		if len(ts) == 0 {
			in.log.WarnContext(ctx, "webhook for no live channel; acknowledged and dropped",
				"phone_number_ids", keys.phoneNumberIDs, "waba_ids", keys.wabaIDs)
			return nil, nil
		}
		if ok := verified(ts, body, signature); len(ok) > 0 {
			return ok, nil
		}
	}
	return nil, errSignature()
}

// rowsFor stores a delivery once per company it concerns, under that
// company's first named channel. Processing routes each event again and
// only to channels of the row's company.
func rowsFor(ts []target, body []byte) []store.NewWebhookEvent {
	var rows []store.NewWebhookEvent
	seen := map[int64]bool{}
	for _, t := range ts {
		if !seen[t.companyID] {
			seen[t.companyID] = true
			rows = append(rows, store.NewWebhookEvent{CompanyID: t.companyID, ChannelID: t.channelID, Body: body})
		}
	}
	return rows
}

func errSignature() error {
	return conversa.Errorf(conversa.EUNAUTHORIZED, "Missing or invalid X-Hub-Signature-256.").
		Pt("X-Hub-Signature-256 ausente ou inválida.")
}

func errUnavailable() error {
	return conversa.Errorf(conversa.EUNAVAILABLE, "The webhook could not be stored now; retry later.").
		Pt("O webhook não pôde ser armazenado agora; tente novamente mais tarde.")
}
