package metasim

import (
	"strconv"
	"time"
)

// Status webhooks and per-message pricing (Meta's PMP model, July 2025):
// marketing and authentication templates are billable; utility templates
// are free inside an open customer-service window; everything else the
// business sends inside the window is free service; inside a 72-hour free
// entry point window (customer came from a click-to-WhatsApp ad) all is free.

type pricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
	Type         string `json:"type"`
}

type conversationObj struct {
	ID                  string `json:"id"`
	ExpirationTimestamp string `json:"expiration_timestamp,omitempty"`
	Origin              struct {
		Type string `json:"type"`
	} `json:"origin"`
}

type metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type statusValue struct {
	MessagingProduct string       `json:"messaging_product"`
	Metadata         metadata     `json:"metadata"`
	Statuses         []statusItem `json:"statuses"`
}

type statusItem struct {
	ID           string           `json:"id"`
	Status       string           `json:"status"`
	Timestamp    string           `json:"timestamp"`
	RecipientID  string           `json:"recipient_id"`
	BizOpaque    string           `json:"biz_opaque_callback_data,omitempty"`
	Conversation *conversationObj `json:"conversation,omitempty"`
	Pricing      *pricing         `json:"pricing,omitempty"`
	Errors       []statusError    `json:"errors,omitempty"`
}

// priceFor decides a message's pricing. Caller holds ch.mu.
func priceFor(category string, ch *chat, now time.Time) *pricing {
	p := &pricing{PricingModel: "PMP", Category: category}
	switch {
	case now.Before(ch.EntryPointUntil):
		p.Type = "free_entry_point"
	case category == "marketing" || category == "authentication":
		p.Billable, p.Type = true, "regular"
	case category == "utility" && !ch.windowOpen(now):
		p.Billable, p.Type = true, "regular"
	default:
		p.Type = "free_customer_service"
	}
	return p
}

var statusRank = map[string]int{"accepted": 0, "sent": 1, "delivered": 2, "read": 3}

// progress moves m through the given statuses (skipping ones it is past)
// and queues a status webhook for each.
func (s *Sim) progress(p *phone, ch *chat, m *chatMsg, statuses ...string) {
	now := s.now()
	for _, st := range statuses {
		ch.mu.Lock()
		if m.Status == "failed" || statusRank[m.Status] >= statusRank[st] {
			ch.mu.Unlock()
			continue
		}
		m.Status = st
		item := statusItem{ID: m.ID, Status: st, Timestamp: strconv.FormatInt(now.Unix(), 10),
			RecipientID: ch.WAID, BizOpaque: m.BizOpaque, Pricing: m.Pricing}
		if m.Pricing != nil && m.Pricing.Type == "free_entry_point" {
			item.Conversation = entryPointConversation(ch)
		}
		ch.mu.Unlock()
		s.emitStatus(p, ch.WAID, item)
	}
}

// fail marks m failed and queues the failed status with its error.
func (s *Sim) fail(p *phone, ch *chat, m *chatMsg, e *metaError) {
	ch.mu.Lock()
	m.Status = "failed"
	m.Error = &errorInfo{Code: e.Code, Title: e.Title}
	item := statusItem{ID: m.ID, Status: "failed", Timestamp: strconv.FormatInt(s.now().Unix(), 10),
		RecipientID: ch.WAID, BizOpaque: m.BizOpaque, Errors: []statusError{e.asStatusError()}}
	ch.mu.Unlock()
	s.emitStatus(p, ch.WAID, item)
}

func entryPointConversation(ch *chat) *conversationObj {
	c := &conversationObj{ID: "fep" + ch.WAID + strconv.FormatInt(ch.EntryPointUntil.Unix(), 36),
		ExpirationTimestamp: strconv.FormatInt(ch.EntryPointUntil.Unix(), 10)}
	c.Origin.Type = "referral_conversion"
	return c
}

func (s *Sim) emitStatus(p *phone, waID string, item statusItem) {
	v := statusValue{MessagingProduct: "whatsapp",
		Metadata: metadata{DisplayPhoneNumber: p.display(), PhoneNumberID: p.ID},
		Statuses: []statusItem{item}}
	s.emit(p.WABAID, "messages", v, p.ID+":"+waID)
}

// readChat marks every business message in the chat read (the customer
// opened it) and queues the read statuses.
func (s *Sim) readChat(p *phone, ch *chat) int {
	ch.mu.Lock()
	var unread []*chatMsg
	for _, m := range ch.Messages {
		if m.Direction == "out" && (m.Status == "sent" || m.Status == "delivered") {
			unread = append(unread, m)
		}
	}
	ch.mu.Unlock()
	for _, m := range unread {
		s.progress(p, ch, m, "delivered", "read")
	}
	return len(unread)
}

// allow takes one token from the number's throughput bucket.
func (p *phone) allow(now time.Time) bool {
	p.mu.Lock()
	l := p.limiter
	p.mu.Unlock()
	return l.AllowN(now, 1)
}
