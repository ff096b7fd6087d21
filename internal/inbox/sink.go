package inbox

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// HandleEvent is the intake's Messages sink: inbound customer messages and
// statuses of our sends. Meta redelivers and reorders, so both paths are
// idempotent and order-independent; an error makes the intake retry.
func (s *Service) HandleEvent(ctx context.Context, r intake.Route, ev whatsapp.Event) error {
	switch {
	case ev.Message != nil:
		return s.receive(ctx, r, ev.Message, ev.Contact)
	case ev.Status != nil:
		return s.applyStatusEvent(ctx, r, ev.Status)
	}
	return nil
}

var _ intake.Sink = (*Service)(nil)

// typeReaction is Meta's message type of an emoji reaction.
const typeReaction = "reaction"

// errDuplicate rolls back a redelivered message's transaction.
var errDuplicate = errors.New("inbox: message already stored")

// receive stores one inbound message and restarts the window from it.
func (s *Service) receive(ctx context.Context, r intake.Route, in *whatsapp.InboundMessage, profile *whatsapp.WebhookContact) error {
	at := conversa.InboundAt(in.Timestamp.Time(), r.ReceivedAt)
	var conv conversa.Conversation
	var msg conversa.Message
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		// Checked first so a redelivery changes nothing, not even the contact.
		if _, err := tx.LockMessageByWAMID(ctx, r.CompanyID, in.ID); !isNotFound(err) {
			return cmpErr(err, errDuplicate)
		}
		contact, err := tx.UpsertContact(ctx, conversa.Contact{CompanyID: r.CompanyID, ChannelID: r.ChannelID,
			WAID: in.From, Name: profileName(profile)})
		if err != nil {
			return err
		}
		if conv, err = s.inboundConversation(ctx, tx, contact, in, at); err != nil {
			return err
		}
		if err := tx.SaveConversation(ctx, conv); err != nil {
			return err
		}
		msg, err = s.storeInbound(ctx, tx, conv, in, at)
		if err != nil {
			return err
		}
		return s.checkOptOut(ctx, tx, contact, in)
	})
	if errors.Is(err, errDuplicate) {
		return nil
	}
	if err != nil {
		return err
	}
	s.publishMessage(ctx, EventMessageCreated, msg)
	s.publishConversation(ctx, conv)
	return nil
}

// inboundConversation applies a customer message to the contact's
// conversation (locked): any message restarts the window, as Meta counts
// it; all but a reaction also reopen the conversation and find it an agent.
// A reaction (a 👍 to "resolved, thank you") acknowledges, it asks nothing.
func (s *Service) inboundConversation(ctx context.Context, tx *store.Store, contact conversa.Contact,
	in *whatsapp.InboundMessage, at time.Time) (conversa.Conversation, error) {
	if in.Type == typeReaction {
		c, err := tx.LatestConversation(ctx, contact.CompanyID, contact.ID)
		if !isNotFound(err) {
			return withWindow(c, at), err
		}
	}
	c, reopened, err := s.conversationFor(ctx, tx, contact, conversa.ConversationOpen, conversa.OriginService)
	if err != nil {
		return c, err
	}
	c = withInbound(c, at)
	if reopened {
		if err := s.releaseIfAway(ctx, tx, &c); err != nil {
			return c, err
		}
	}
	return c, s.autoAssign(ctx, tx, &c) // round-robin (manage.go)
}

// withInbound applies a customer message at `at` to its conversation: the
// window restarts and the conversation is open again, waiting for an agent.
func withInbound(c conversa.Conversation, at time.Time) conversa.Conversation {
	c = withWindow(c, at)
	c.Status, c.ResolvedAt = conversa.ConversationOpen, nil
	c.Unread++
	return c
}

// withWindow restarts the window from a customer message at `at` (it never
// shrinks, whatever order webhooks arrive in).
func withWindow(c conversa.Conversation, at time.Time) conversa.Conversation {
	c.LastInboundAt = conversa.LatestInbound(c.LastInboundAt, at)
	if at.After(c.LastMessageAt) {
		c.LastMessageAt = at
	}
	return c
}

func (s *Service) storeInbound(ctx context.Context, tx *store.Store, conv conversa.Conversation, in *whatsapp.InboundMessage, at time.Time) (conversa.Message, error) {
	m := conversa.Message{CompanyID: conv.CompanyID, ConversationID: conv.ID, Direction: conversa.Inbound, Type: in.Type,
		Text: in.Summary(), Payload: in.Raw, Status: conversa.StatusReceived, WAMID: in.ID, CreatedAt: at}
	if in.Context != nil {
		m.ReplyTo = in.Context.ID
	}
	if media := in.Media(); media != nil {
		m.MediaID, m.MediaMime = media.ID, media.MimeType
	}
	m, inserted, err := tx.InsertMessage(ctx, m)
	if err != nil || !inserted {
		return m, cmpErr(err, errDuplicate)
	}
	if m.MediaID != "" {
		err = s.queue.InsertTx(ctx, tx, MediaArgs{CompanyID: m.CompanyID, MessageID: m.ID}, nil)
	}
	return m, err
}

// checkOptOut marks the contact opted out of marketing when the message is
// one of the company's opt-out keywords ("PARAR", "SAIR", "STOP", ...).
func (s *Service) checkOptOut(ctx context.Context, tx *store.Store, c conversa.Contact, in *whatsapp.InboundMessage) error {
	text := in.Summary()
	if in.Button != nil && in.Button.Payload != "" && text == "" {
		text = in.Button.Payload
	}
	if c.OptedOut != nil || text == "" {
		return nil
	}
	keywords, err := s.companyKeywords(ctx, tx, c.CompanyID)
	if err != nil || !conversa.IsOptOut(text, keywords) {
		return err
	}
	return s.recordOptOut(ctx, tx, c, in.ID, text)
}

// conversationFor returns the contact's current conversation, locked: the
// unresolved one, else the latest resolved one reopened with status
// (reopened), else a new one with status and origin.
func (s *Service) conversationFor(ctx context.Context, tx *store.Store, contact conversa.Contact,
	status conversa.ConversationStatus, origin conversa.Origin) (c conversa.Conversation, reopened bool, err error) {
	c, err = tx.LatestConversation(ctx, contact.CompanyID, contact.ID)
	switch {
	case isNotFound(err):
		c, err = tx.CreateConversation(ctx, conversa.Conversation{CompanyID: contact.CompanyID, ChannelID: contact.ChannelID,
			ContactID: contact.ID, Status: status, Origin: origin, LastMessageAt: s.clock.Now()})
		return c, false, err
	case err != nil:
		return c, false, err
	case c.Status == conversa.ConversationResolved:
		c.Status, c.ResolvedAt = status, nil
		return c, true, nil
	}
	return c, false, nil
}

func profileName(p *whatsapp.WebhookContact) string {
	if p == nil {
		return ""
	}
	return p.Profile.Name
}

func isNotFound(err error) bool { return conversa.ErrorCode(err) == conversa.ENOTFOUND }

// cmpErr returns err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// MediaArgs downloads an inbound message's attachment.
type MediaArgs struct {
	CompanyID int64 `json:"company_id"`
	MessageID int64 `json:"message_id"`
}

func (MediaArgs) Kind() string { return "inbox_media" }

func (MediaArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }
