package inbox

import (
	"context"
	"encoding/json"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Retry sends a failed outbound message again, as a new message: the
// failed one stays in the thread as it happened (with its reason) and
// points at its resend. It is how a person settles a send Conversa could
// not confirm after a crash, or one Meta refused for a reason since fixed.
// The rules of a first send apply now: the channel can send, free-form only
// inside the window, the template still approved and marketing not to an
// opted-out contact. A message is sent again once: retrying it again
// answers the resend.
func (s *Service) Retry(ctx context.Context, by Sender, messageID int64) (conversa.Message, error) {
	if m, done, err := s.replay(ctx, by, 0); done {
		return m, err
	}
	old, err := s.store.Message(ctx, by.CompanyID, messageID)
	if err != nil {
		return old, err
	}
	if old.Direction != conversa.Outbound || old.Status != conversa.StatusFailed {
		return conversa.Message{}, invalid("Only a message of ours that failed can be sent again.",
			"Só uma mensagem nossa que falhou pode ser enviada de novo.")
	}
	if old.RetriedBy != nil {
		return s.store.Message(ctx, by.CompanyID, *old.RetriedBy)
	}
	p := plan{text: old.Text, category: old.Category, cost: old.ExpectedCost, origin: conversa.Origin(old.Category), retryOf: old.ID}
	if err := json.Unmarshal(old.Payload, &p.req); err != nil {
		return conversa.Message{}, err
	}
	if err := s.checkRetry(ctx, by.CompanyID, old.ConversationID, p); err != nil {
		return conversa.Message{}, err
	}
	return s.enqueue(ctx, by, p, func(tx *store.Store) (conversa.Conversation, error) {
		return reopenForSend(ctx, tx, by.CompanyID, old.ConversationID)
	})
}

// checkRetry applies plan's rules, as they stand now, to a stored request.
func (s *Service) checkRetry(ctx context.Context, companyID, conversationID int64, p plan) error {
	conv, err := s.store.Conversation(ctx, companyID, conversationID)
	if err != nil {
		return err
	}
	ch, err := s.store.Channel(ctx, companyID, conv.ChannelID)
	if err != nil {
		return err
	}
	tpl := p.req.Template
	if why := ch.SendBlock(tpl != nil); why != nil {
		return why
	}
	if tpl == nil {
		return conversa.CheckFreeForm(conv.LastInboundAt, s.clock.Now())
	}
	t, err := s.template(ctx, companyID, ch.ID, &TemplateSend{Name: tpl.Name, Language: tpl.Language.Code})
	if conversa.ErrorCode(err) == conversa.ETEMPLATEPARAMS {
		err = nil // the values are the failed send's own; only the template's state is checked again
	}
	if err != nil {
		return err
	}
	contact, err := s.store.Contact(ctx, companyID, conv.ContactID)
	if err == nil && t.Category == conversa.CategoryMarketing && contact.OptedOut != nil {
		err = s.optedOutError(ctx, contact)
	}
	return err
}
