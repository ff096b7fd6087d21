package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Sender says who sends and how a retry is recognised.
type Sender struct {
	CompanyID      int64
	AuthorID       *int64 // the agent; nil for system sends
	IdempotencyKey string // the client's Idempotency-Key header; "" = none
}

// plan is a validated send: the request for Meta and what we record.
type plan struct {
	req      whatsapp.Message // without the recipient
	text     string           // what the thread shows (rendered template)
	category conversa.Category
	cost     conversa.Money
	origin   conversa.Origin // for a conversation this send starts
	retryOf  int64           // the failed message this one sends again (Retry)
}

// Send sends o in an existing conversation. A free-form message outside the
// 24-hour window is refused with window_closed before anything is stored or
// sent; templates are always allowed. The message is stored queued with its
// send job in one transaction. The same idempotency key returns the
// message created the first time and never sends again.
func (s *Service) Send(ctx context.Context, by Sender, conversationID int64, o Outgoing) (conversa.Message, error) {
	if m, done, err := s.replay(ctx, by, conversationID); done {
		return m, err
	}
	conv, err := s.store.Conversation(ctx, by.CompanyID, conversationID)
	if err != nil {
		return conversa.Message{}, err
	}
	contact, err := s.store.Contact(ctx, by.CompanyID, conv.ContactID)
	if err != nil {
		return conversa.Message{}, err
	}
	ch, err := s.store.Channel(ctx, by.CompanyID, conv.ChannelID)
	if err != nil {
		return conversa.Message{}, err
	}
	p, err := s.plan(ctx, ch, contact, conv.LastInboundAt, o)
	if err != nil {
		return conversa.Message{}, err
	}
	return s.enqueue(ctx, by, p, func(tx *store.Store) (conversa.Conversation, error) {
		return reopenForSend(ctx, tx, by.CompanyID, conversationID)
	})
}

// reopenForSend locks the conversation a send goes to; a send reopens a
// resolved one, waiting for the customer.
func reopenForSend(ctx context.Context, tx *store.Store, companyID, conversationID int64) (conversa.Conversation, error) {
	c, err := tx.LockConversation(ctx, companyID, conversationID)
	if err == nil && c.Status == conversa.ConversationResolved {
		c.Status, c.ResolvedAt = conversa.ConversationPending, nil
	}
	return c, err
}

// Start is a request to message a number, usually with a template.
type Start struct {
	ChannelID int64
	To        string // a phone number in any usual format
	Message   Outgoing
}

// StartConversation sends to a number: it finds or creates the contact and
// its conversation (origin = the template's category) and sends like Send.
func (s *Service) StartConversation(ctx context.Context, by Sender, in Start) (conversa.Message, error) {
	if m, done, err := s.replay(ctx, by, 0); done {
		return m, err
	}
	target, err := s.resolveStart(ctx, by.CompanyID, in)
	if err != nil {
		return conversa.Message{}, err
	}
	p, err := s.plan(ctx, target.channel, target.contact, target.lastInbound, in.Message)
	if err != nil {
		return conversa.Message{}, err
	}
	return s.enqueue(ctx, by, p, func(tx *store.Store) (conversa.Conversation, error) {
		contact, err := tx.UpsertContact(ctx, target.contact)
		if err != nil {
			return conversa.Conversation{}, err
		}
		c, _, err := s.conversationFor(ctx, tx, contact, conversa.ConversationPending, p.origin)
		if c.AssigneeID == nil { // who starts a conversation gets the customer's reply (manage.go)
			c.AssigneeID = by.AuthorID
		}
		return c, err
	})
}

// Preview is what an agent sees before sending: the final text, the
// expected cost and the window state.
type Preview struct {
	Text            string            `json:"text"`
	Category        conversa.Category `json:"category"`
	ExpectedCost    conversa.Money    `json:"expected_cost"` // micro-units of Currency
	Currency        string            `json:"currency"`
	WindowOpen      bool              `json:"window_open"`
	WindowExpiresAt *time.Time        `json:"window_expires_at"`
	ConversationID  int64             `json:"conversation_id,omitempty"` // the existing conversation, if any
}

// PreviewStart validates in like StartConversation and prices it, storing
// and sending nothing.
func (s *Service) PreviewStart(ctx context.Context, companyID int64, in Start) (Preview, error) {
	target, err := s.resolveStart(ctx, companyID, in)
	if err != nil {
		return Preview{}, err
	}
	p, err := s.plan(ctx, target.channel, target.contact, target.lastInbound, in.Message)
	if err != nil {
		return Preview{}, err
	}
	table, err := s.prices.PriceTable(ctx, companyID)
	if err != nil {
		return Preview{}, err
	}
	expires, _ := conversa.WindowExpiresAt(target.lastInbound)
	pv := Preview{Text: p.text, Category: p.category, ExpectedCost: p.cost, Currency: table.Currency,
		WindowOpen: conversa.WindowOpen(target.lastInbound, s.clock.Now()), ConversationID: target.conversationID}
	if !expires.IsZero() {
		pv.WindowExpiresAt = &expires
	}
	return pv, nil
}

// startTarget is the contact a Start addresses, as stored so far.
type startTarget struct {
	channel        conversa.Channel
	contact        conversa.Contact // ID 0 when new
	lastInbound    time.Time
	conversationID int64
}

func (s *Service) resolveStart(ctx context.Context, companyID int64, in Start) (startTarget, error) {
	ch, err := s.store.Channel(ctx, companyID, in.ChannelID)
	if err != nil {
		return startTarget{}, err
	}
	if ch.WABA == nil {
		return startTarget{}, invalid("This channel is not a WhatsApp channel.", "Este canal não é do WhatsApp.")
	}
	e164, err := conversa.NormalizePhone(in.To, conversa.DefaultRegion)
	if err != nil {
		return startTarget{}, err
	}
	waID := strings.TrimPrefix(e164, "+")
	t := startTarget{channel: ch, contact: conversa.Contact{CompanyID: companyID, ChannelID: ch.ID, WAID: waID, Phone: e164}}
	known, err := s.store.ContactByWAID(ctx, companyID, ch.ID, waID)
	if isNotFound(err) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	t.contact = known
	conv, err := s.store.LatestConversation(ctx, companyID, known.ID)
	if err == nil {
		t.lastInbound, t.conversationID = conv.LastInboundAt, conv.ID
	}
	return t, ignoreNotFound(err)
}

// plan validates o for contact: that the channel can send it at all (a
// disconnected or broken channel never reaches Meta), then the window for
// free-form messages; approval, parameters, opt-out and price for
// templates.
func (s *Service) plan(ctx context.Context, ch conversa.Channel, contact conversa.Contact, lastInbound time.Time, o Outgoing) (plan, error) {
	if why := ch.SendBlock(o.IsTemplate()); why != nil {
		return plan{}, why
	}
	now := s.clock.Now()
	if !o.IsTemplate() {
		if err := conversa.CheckFreeForm(lastInbound, now); err != nil {
			return plan{}, err
		}
		req, text, err := composeFreeForm(o)
		return plan{req: req, text: text, category: conversa.CategoryService, origin: conversa.OriginService}, err
	}
	t, err := s.template(ctx, contact.CompanyID, ch.ID, o.Template)
	if err != nil {
		return plan{}, err
	}
	if t.Category == conversa.CategoryMarketing && contact.OptedOut != nil {
		return plan{}, s.optedOutError(ctx, contact)
	}
	table, err := s.prices.PriceTable(ctx, contact.CompanyID)
	if err != nil {
		return plan{}, err
	}
	req := templateRequest(t, o.Template.TemplateValues)
	req.Context = o.Context
	return plan{req: req, text: t.Render(o.Template.TemplateValues), category: t.Category, origin: conversa.Origin(t.Category),
		cost: table.Cost(conversa.PhoneRegion(contact.WAID), t.Category, conversa.WindowOpen(lastInbound, now))}, nil
}

// template returns the approved template a send names, checked for
// approval and parameters.
func (s *Service) template(ctx context.Context, companyID, channelID int64, ts *TemplateSend) (conversa.Template, error) {
	if ts == nil || strings.TrimSpace(ts.Name) == "" {
		return conversa.Template{}, invalid("A template send needs \"template\": {\"name\", \"language\", \"parameters\"}.",
			"Um envio de modelo precisa de \"template\": {\"name\", \"language\", \"parameters\"}.")
	}
	lang := ts.Language
	if lang == "" {
		lang = conversa.DefaultTemplateLanguage
	}
	t, err := s.templates.ApprovedTemplate(ctx, companyID, channelID, ts.Name, lang)
	if isNotFound(err) {
		return t, conversa.Errorf(conversa.ETEMPLATENOTAPPROVED, "Template %q (%s) is not approved on this channel; pick an approved one or sync templates.", ts.Name, lang).
			Pt("O modelo %q (%s) não está aprovado neste canal; escolha um aprovado ou sincronize os modelos.", ts.Name, lang)
	}
	if err != nil {
		return t, err
	}
	if err := t.SendableError(); err != nil {
		return t, err
	}
	return t, t.CheckParams(ts.TemplateValues)
}

// replay returns the message an idempotency key already created (done
// true). conversationID 0 accepts any conversation.
func (s *Service) replay(ctx context.Context, by Sender, conversationID int64) (conversa.Message, bool, error) {
	if by.IdempotencyKey == "" {
		return conversa.Message{}, false, nil
	}
	m, err := s.store.MessageByIdempotencyKey(ctx, by.CompanyID, by.IdempotencyKey)
	if isNotFound(err) {
		return m, false, nil
	}
	if err == nil && conversationID != 0 && m.ConversationID != conversationID {
		err = conversa.Errorf(conversa.ECONFLICT, "This Idempotency-Key was already used for another conversation.").
			Pt("Esta Idempotency-Key já foi usada em outra conversa.")
	}
	return m, true, err
}

// enqueue stores p as a queued message in the conversation conv returns
// (inside the transaction) and inserts its send job in the same
// transaction.
func (s *Service) enqueue(ctx context.Context, by Sender, p plan, conv func(tx *store.Store) (conversa.Conversation, error)) (conversa.Message, error) {
	payload, err := json.Marshal(p.req)
	if err != nil {
		return conversa.Message{}, err
	}
	var c conversa.Conversation
	var m conversa.Message
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if c, err = conv(tx); err != nil {
			return err
		}
		var inserted bool
		m, inserted, err = tx.InsertMessage(ctx, conversa.Message{CompanyID: by.CompanyID, ConversationID: c.ID,
			Direction: conversa.Outbound, Type: p.req.Type, Text: p.text, Payload: payload, Status: conversa.StatusQueued,
			AuthorID: by.AuthorID, Category: p.category, ExpectedCost: p.cost, IdempotencyKey: by.IdempotencyKey,
			ReplyTo: replyTo(p.req), CreatedAt: s.clock.Now()})
		if err != nil || !inserted {
			return cmpErr(err, errDuplicate)
		}
		if p.retryOf != 0 {
			if err := tx.MarkRetried(ctx, by.CompanyID, p.retryOf, m.ID); err != nil {
				return err
			}
		}
		c = withOutbound(c, m, s.clock.Now())
		if err := tx.SaveConversation(ctx, c); err != nil {
			return err
		}
		return s.queue.InsertTx(ctx, tx, SendArgs{CompanyID: m.CompanyID, MessageID: m.ID}, nil)
	})
	if errors.Is(err, errDuplicate) { // the same key raced in: answer with the winner
		m, _, err = s.replay(ctx, by, 0)
		return m, err
	}
	if err != nil {
		return m, err
	}
	s.publishMessage(ctx, EventMessageCreated, m)
	s.publishConversation(ctx, c)
	return m, nil
}

// withOutbound records activity and the first agent response; an agent's
// message leaves the conversation pending, waiting for the customer (the
// customer's next message makes it open again).
func withOutbound(c conversa.Conversation, m conversa.Message, now time.Time) conversa.Conversation {
	c.LastMessageAt = now
	if m.AuthorID == nil {
		return c
	}
	if c.FirstResponseAt == nil {
		c.FirstResponseAt = &now
	}
	c.Status, c.ResolvedAt = conversa.ConversationPending, nil
	c.Unread = 0 // who answers has read
	return c
}

// optedOutError says since when the contact refuses marketing, on the
// company's calendar (a UTC date is the next day for an evening in Brazil).
func (s *Service) optedOutError(ctx context.Context, contact conversa.Contact) error {
	at := *contact.OptedOut
	if tz, err := s.store.CompanyTimeZone(ctx, contact.CompanyID); err == nil {
		if loc, err := time.LoadLocation(tz); err == nil {
			at = at.In(loc)
		}
	}
	return conversa.Errorf(conversa.EOPTEDOUT, "This contact opted out of marketing messages on %s; send a utility template or wait for them to write.",
		at.Format("2006-01-02")).
		Pt("Este contato pediu para não receber mensagens de marketing em %s; envie um modelo de utilidade ou aguarde o contato escrever.",
			at.Format("02/01/2006"))
}

func replyTo(m whatsapp.Message) string {
	if m.Context != nil {
		return m.Context.MessageID
	}
	return ""
}

// WindowOpen reports whether the customer waID's service window is open on
// a channel (the templates preview prices utility templates by it).
func (s *Service) WindowOpen(ctx context.Context, companyID, channelID int64, waID string) (bool, error) {
	contact, err := s.store.ContactByWAID(ctx, companyID, channelID, waID)
	if err != nil {
		return false, ignoreNotFound(err)
	}
	conv, err := s.store.LatestConversation(ctx, companyID, contact.ID)
	if err != nil {
		return false, ignoreNotFound(err)
	}
	return conversa.WindowOpen(conv.LastInboundAt, s.clock.Now()), nil
}
