package metasim

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// The send path: POST /{phone-number-id}/messages. Checks run in the order
// a caller would meet them at Meta: injected faults, registration, request
// shape, throughput, template or window, pair rate; then the message is
// accepted and its statuses are queued as webhooks.

type sendResponse struct {
	MessagingProduct string        `json:"messaging_product"`
	Contacts         []respContact `json:"contacts"`
	Messages         []respMessage `json:"messages"`
}

type respContact struct {
	Input string `json:"input"`
	WAID  string `json:"wa_id"`
}

type respMessage struct {
	ID            string `json:"id"`
	MessageStatus string `json:"message_status,omitempty"`
}

func (s *Sim) handleMessages(c *graphCall) {
	var req sendRequest
	body, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		s.writeMetaError(c.w, metaErr(100, "Invalid JSON body: "+errText(err)))
		return
	}
	if req.Status == "read" {
		s.handleMarkRead(c, &req)
		return
	}
	resp, merr := s.send(c.id, &req)
	if merr != nil {
		s.writeMetaError(c.w, merr)
		return
	}
	writeJSON(c.w, http.StatusOK, resp)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// send validates and accepts one message from phone phoneID.
func (s *Sim) send(phoneID string, req *sendRequest) (*sendResponse, *metaError) {
	p, w, err := s.phoneAndWABA(phoneID)
	if err != nil {
		return nil, objectNotFound(phoneID, http.MethodPost)
	}
	inj, hasInj := p.takeInjected()
	if hasInj && !inj.Async {
		return nil, metaErr(inj.Code, "")
	}
	if req.MessagingProduct != "whatsapp" {
		return nil, metaErr(100, "The parameter messaging_product is required and must be whatsapp.")
	}
	if !p.isRegistered() {
		return nil, metaErr(133010, "")
	}
	digits := normalizeTo(req.To)
	if digits == "" {
		return nil, metaErr(100, "Invalid parameter 'to': "+req.To)
	}
	var out outMsg
	var tpl template
	var merr *metaError
	isTemplate := req.Type == "template"
	if isTemplate {
		if req.Template == nil {
			return nil, missing("template")
		}
		if tpl, merr = s.findTemplate(w, req.Template); merr == nil {
			out, merr = checkTemplateParams(&tpl, req.Template)
		}
	} else {
		out, merr = s.validateMessage(req)
	}
	if merr != nil {
		return nil, merr
	}
	if !p.allow(s.now()) {
		return nil, metaErr(130429, "")
	}
	waID, onWhatsApp := s.customerFor(digits)
	if waID == p.display() {
		return nil, metaErr(131021, "")
	}
	return s.accept(p, w, req, acceptArgs{digits: digits, waID: waID, onWhatsApp: onWhatsApp,
		out: out, tpl: tpl, isTemplate: isTemplate, injected: inj, hasInjected: hasInj})
}

type acceptArgs struct {
	digits, waID string
	onWhatsApp   bool
	out          outMsg
	tpl          template
	isTemplate   bool
	injected     injected
	hasInjected  bool
}

// accept applies the per-chat rules (window, pair rate), records the
// message and queues its statuses.
func (s *Sim) accept(p *phone, w *waba, req *sendRequest, a acceptArgs) (*sendResponse, *metaError) {
	now := s.now()
	ch := p.chatOf(a.waID)
	ch.mu.Lock()
	if !a.isTemplate && !ch.windowOpen(now) && !now.Before(ch.EntryPointUntil) {
		ch.mu.Unlock()
		return nil, metaErr(131047, "")
	}
	if !ch.pairAllow(p.pairLimit(), now) {
		ch.mu.Unlock()
		return nil, metaErr(131056, "")
	}
	category := "service"
	if a.isTemplate {
		category = strings.ToLower(a.tpl.Category)
	}
	m := &chatMsg{ID: s.ids.wamid(a.waID), Direction: "out", Type: req.Type, Text: a.out.text,
		Buttons: a.out.buttons, Status: "accepted", Timestamp: now.Unix(), MediaID: a.out.mediaID,
		Category: category, Template: a.tpl.Name, BizOpaque: req.BizOpaque}
	if req.Type == "" {
		m.Type = "text"
	}
	if req.Context != nil {
		m.ContextID = req.Context.MessageID
	}
	m.Pricing = priceFor(category, ch, now)
	failure := s.asyncFailure(w, a)
	if failure == nil {
		ch.Sent++
	}
	ch.add(m)
	ch.mu.Unlock()
	if failure != nil {
		s.fail(p, ch, m, failure)
	} else {
		s.progress(p, ch, m, "sent", "delivered")
		if s.autoRead.Load() {
			s.progress(p, ch, m, "read")
		}
	}
	resp := &sendResponse{MessagingProduct: "whatsapp",
		Contacts: []respContact{{Input: req.To, WAID: a.waID}},
		Messages: []respMessage{{ID: m.ID}}}
	if a.isTemplate {
		resp.Messages[0].MessageStatus = "accepted"
	}
	return resp, nil
}

// asyncFailure is the error of an accepted message that Meta reports only
// in a failed status: an injected async fault, a recipient not on
// WhatsApp (131026), or a template without a payment method (131042).
func (s *Sim) asyncFailure(w *waba, a acceptArgs) *metaError {
	switch {
	case a.hasInjected && a.injected.Async:
		return metaErr(a.injected.Code, "")
	case !a.onWhatsApp:
		return metaErr(131026, "")
	case a.isTemplate && !w.hasPayment():
		return metaErr(131042, "")
	}
	return nil
}

func (w *waba) hasPayment() bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.FundingID != ""
}

// handleMarkRead answers {"status":"read","message_id"} for an inbound
// message; the customer sees blue ticks in the phone page. As at Meta
// (its "Mark messages as read" page), reading a message reads the chat up
// to it, and an unknown message id is 131009.
func (s *Sim) handleMarkRead(c *graphCall, req *sendRequest) {
	v, ok := s.msgIndex.Load(req.MessageID)
	ref, _ := v.(*msgRef)
	if !ok || ref.phone.ID != c.id || ref.msg.Direction != "in" {
		s.writeMetaError(c.w, invalid("Invalid parameter message_id: "+req.MessageID))
		return
	}
	ref.chat.mu.Lock()
	ref.chat.readUpTo(ref.msg)
	ref.chat.mu.Unlock()
	success(c.w)
}

// readUpTo marks m and every inbound message before it read. A message
// trimmed from the history is older than all kept ones, so only it
// changes. Caller holds c.mu.
func (c *chat) readUpTo(m *chatMsg) {
	m.Status = "read"
	for _, earlier := range c.Messages[:max(slices.Index(c.Messages, m), 0)] {
		if earlier.Direction == "in" {
			earlier.Status = "read"
		}
	}
}

func (p *phone) isRegistered() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Registered
}

// takeInjected pops one injected error, if any.
func (p *phone) takeInjected() (injected, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.inject) == 0 {
		return injected{}, false
	}
	in := p.inject[0]
	p.inject[0].Left--
	if p.inject[0].Left <= 0 {
		p.inject = p.inject[1:]
	}
	return in, true
}
