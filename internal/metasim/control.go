package metasim

import (
	"errors"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The Go control surface. Every method here has an HTTP twin under /_sim/
// (control_http.go), so in-process tests need no HTTP.

// ChatView is one (business number, customer) chat.
type ChatView struct {
	PhoneNumberID   string     `json:"phone_number_id"`
	WAID            string     `json:"wa_id"`
	Name            string     `json:"name"`
	WindowOpen      bool       `json:"window_open"`
	WindowExpiresAt *time.Time `json:"window_expires_at"`
	Sent            int        `json:"sent"`
	Dropped         int        `json:"dropped"`
	Messages        []chatMsg  `json:"messages"`
}

var errUnknownPhone = errors.New("metasim: unknown phone_number_id")

// Clock returns the simulator's clock (shared with the app in the sandbox).
func (s *Sim) Clock() *conversa.ShiftClock { return s.clock }

// Chat returns the chat between a business number and a customer (typed
// number or wa_id).
func (s *Sim) Chat(phoneNumberID, customer string) (ChatView, error) {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return ChatView{}, errUnknownPhone
	}
	waID, _ := s.customerFor(normalizeTo(customer))
	v := ChatView{PhoneNumberID: p.ID, WAID: waID, Messages: []chatMsg{}}
	ch := p.chatIfAny(waID)
	if ch == nil {
		return v, nil
	}
	now := s.now()
	ch.mu.Lock()
	defer ch.mu.Unlock()
	v.Name, v.Sent, v.Dropped, v.WindowOpen = ch.Name, ch.Sent, ch.Dropped, ch.windowOpen(now)
	if !ch.LastInbound.IsZero() {
		exp := ch.LastInbound.Add(24 * time.Hour)
		v.WindowExpiresAt = &exp
	}
	for _, m := range ch.Messages {
		v.Messages = append(v.Messages, *m)
	}
	return v, nil
}

// Chats lists the customers a business number has chatted with.
func (s *Sim) Chats(phoneNumberID string) ([]string, error) {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return nil, errUnknownPhone
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.chats))
	for id := range p.chats {
		out = append(out, id)
	}
	return out, nil
}

// ReadChat makes the customer read every delivered business message (read
// status webhooks follow). Returns how many were newly read.
func (s *Sim) ReadChat(phoneNumberID, customer string) (int, error) {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return 0, errUnknownPhone
	}
	waID, _ := s.customerFor(normalizeTo(customer))
	ch := p.chatIfAny(waID)
	if ch == nil {
		return 0, nil
	}
	return s.readChat(p, ch), nil
}

// Sent is how many messages the business number sent to the customer that
// were accepted and not failed (the exactly-once check).
func (s *Sim) Sent(phoneNumberID, to string) int {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return 0
	}
	waID, _ := s.customerFor(normalizeTo(to))
	ch := p.chatIfAny(waID)
	if ch == nil {
		return 0
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.Sent
}

// SetTemplateStatus moves a template (by account, name and language) to
// APPROVED, REJECTED, PAUSED, DISABLED, ... and sends the webhook.
func (s *Sim) SetTemplateStatus(wabaID, name, language, status, reason string) error {
	w := s.wabaByID(wabaID)
	if w == nil {
		return errUnknownWABA
	}
	w.mu.RLock()
	t := w.templateIndex[name+"\x00"+language]
	w.mu.RUnlock()
	if t == nil {
		return errors.New("metasim: no template " + name + " in " + language)
	}
	s.setTemplateStatus(w, t, status, reason)
	return nil
}

// SetPaymentMethod adds or removes the account's payment method (shown as
// primary_funding_id on GET /{waba-id}).
func (s *Sim) SetPaymentMethod(wabaID string, present bool) error {
	w := s.wabaByID(wabaID)
	if w == nil {
		return errUnknownWABA
	}
	id := ""
	if present {
		id = s.ids.object()
	}
	w.mu.Lock()
	w.FundingID = id
	w.mu.Unlock()
	return nil
}

// SetQuality sets a number's quality rating (GREEN, YELLOW, RED), read
// back with GET /{phone-number-id}?fields=quality_rating. No webhook:
// Meta's phone_number_quality_update now reports throughput only
// (ONBOARDING, THROUGHPUT_UPGRADE); the older FLAGGED/UNFLAGGED are gone.
func (s *Sim) SetQuality(phoneNumberID, rating string) error {
	return s.updatePhone(phoneNumberID, func(p *phone) (string, any) {
		p.Quality = rating
		return "", nil
	})
}

// SetTier sets the messaging limit (TIER_250, TIER_2K, TIER_10K,
// TIER_100K, TIER_UNLIMITED; older TIER_50 and TIER_1K too). Limits are
// the business portfolio's since October 2025, so Meta announces a change
// with business_capability_update, not per number.
func (s *Sim) SetTier(phoneNumberID, tier string) error {
	if _, ok := limitOfTier[tier]; !ok {
		return errors.New("metasim: unknown tier " + tier)
	}
	return s.updatePhone(phoneNumberID, func(p *phone) (string, any) {
		p.Tier = tier
		return "business_capability_update", capabilityOf(tier)
	})
}

// SetThroughput sets the number's messages per second (Meta: 80 default,
// up to 1000). mps <= 0 removes the limit, a simulator-only setting for
// benchmarks. Raising it past the default announces THROUGHPUT_UPGRADE.
func (s *Sim) SetThroughput(phoneNumberID string, mps int) error {
	return s.updatePhone(phoneNumberID, func(p *phone) (string, any) {
		up := mps > p.MPS || mps <= 0
		p.MPS, p.limiter = mps, newLimiter(mps)
		if !up || (mps > 0 && mps <= defaultThroughput) {
			return "", nil
		}
		return "phone_number_quality_update", throughputUpgrade(p)
	})
}

// SetPairRate sets the pair limit: messages per minute from this number to
// one customer, and the burst allowed (<= 0: Meta's 45). perMinute <= 0
// disables it.
func (s *Sim) SetPairRate(phoneNumberID string, perMinute, burst int) error {
	if burst <= 0 {
		burst = defaultPairBurst
	}
	return s.updatePhone(phoneNumberID, func(p *phone) (string, any) {
		p.PairPerMinute, p.PairBurst = perMinute, burst
		return "", nil
	})
}

// updatePhone changes a number under its lock; f returns the webhook field
// and value that announce the change, "" for none.
func (s *Sim) updatePhone(id string, f func(*phone) (field string, value any)) error {
	p := s.phoneByID(id)
	if p == nil {
		return errUnknownPhone
	}
	p.mu.Lock()
	field, v := f(p)
	p.mu.Unlock()
	if field != "" {
		s.emit(p.WABAID, field, v, "phone:"+p.ID)
	}
	return nil
}

// AccountUpdate sends an account_update webhook with that event
// (ACCOUNT_VIOLATION, DISABLED_UPDATE, ...).
func (s *Sim) AccountUpdate(wabaID, event string) error {
	if s.wabaByID(wabaID) == nil {
		return errUnknownWABA
	}
	v := map[string]any{"event": event}
	switch event {
	case "ACCOUNT_VIOLATION":
		v["violation_info"] = map[string]string{"violation_type": "SCAM"}
	case "DISABLED_UPDATE":
		v["ban_info"] = map[string]string{"waba_ban_state": "DISABLE", "waba_ban_date": s.now().Format("January 2, 2006")}
	}
	s.emit(wabaID, "account_update", v, "waba:"+wabaID)
	return nil
}

// SetCustomer describes a customer: the number a business types, the
// WhatsApp id it maps to (Brazil's 9th digit), and whether it is on
// WhatsApp at all (false: sends are accepted, then fail with 131026).
func (s *Sim) SetCustomer(typed, waID string, onWhatsApp bool) error {
	t := normalizeTo(typed)
	if t == "" {
		return errors.New("metasim: typed must be a plausible E.164 number")
	}
	if waID = normalizeTo(waID); waID == "" {
		waID = t
	}
	s.mu.Lock()
	s.customers[t] = &customer{Typed: t, WAID: waID, NotOnWhatsApp: !onWhatsApp}
	if waID != t {
		s.customers[waID] = &customer{Typed: waID, WAID: waID, NotOnWhatsApp: !onWhatsApp}
	}
	s.mu.Unlock()
	return nil
}

// SetOtherProvider marks a business number (digits with country code) as
// still registered with another provider.
func (s *Sim) SetOtherProvider(number string, registered bool) {
	s.mu.Lock()
	s.otherProvider[digitsOnly(number)] = registered
	s.mu.Unlock()
}

// InjectError makes the number's next count sends fail with Meta code:
// synchronously (the HTTP error body) or, async, as a failed status.
func (s *Sim) InjectError(phoneNumberID string, code, count int, async bool) error {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return errUnknownPhone
	}
	if count <= 0 {
		count = 1
	}
	p.mu.Lock()
	p.inject = append(p.inject, injected{Code: code, Left: count, Async: async})
	p.mu.Unlock()
	return nil
}

// CodeInfo is the verification state of a number.
type CodeInfo struct {
	PhoneNumberID  string `json:"phone_number_id"`
	Code           string `json:"code"`
	Method         string `json:"code_method"`
	Status         string `json:"code_verification_status"`
	Requests       int    `json:"requests"`
	FailedAttempts int    `json:"failed_attempts"`
}

// Code returns the last verification code sent to a number ("" if none).
func (s *Sim) Code(phoneNumberID string) (CodeInfo, error) {
	p := s.phoneByID(phoneNumberID)
	if p == nil {
		return CodeInfo{}, errUnknownPhone
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return CodeInfo{PhoneNumberID: p.ID, Code: p.Code, Method: p.CodeMethod, Status: p.CodeStatus,
		Requests: p.CodeRequests, FailedAttempts: p.FailedAttempts}, nil
}

// Signup is the outcome of a simulated Embedded Signup.
type Signup struct {
	Code          string `json:"code"`
	BusinessID    string `json:"business_id"`
	WABAID        string `json:"waba_id"`
	PhoneNumberID string `json:"phone_number_id,omitempty"`
}

// SignupRequest says what the simulated Embedded Signup creates: a new
// business and account, and a number when Number is set (verified as the
// popup does, but not registered and with no payment method).
type SignupRequest struct {
	BusinessName string `json:"business_name"`
	WABAName     string `json:"waba_name"`
	CC           string `json:"cc"`
	Number       string `json:"phone_number"`
	VerifiedName string `json:"verified_name"`
}

// IssueSignupCode runs a simulated Embedded Signup and returns the code
// to exchange at /oauth/access_token, with the ids the popup reports.
func (s *Sim) IssueSignupCode(req SignupRequest) (Signup, error) {
	if req.BusinessName == "" {
		req.BusinessName = "Sandbox Business"
	}
	if req.WABAName == "" {
		req.WABAName = req.BusinessName
	}
	var p *phone
	digits := digitsOnly(req.CC) + digitsOnly(req.Number)
	if req.Number != "" {
		if s.otherProviderNumber(digits) {
			return Signup{}, errors.New("metasim: number " + digits + " is still registered with another provider")
		}
		if s.numberTaken(digits) {
			return Signup{}, errors.New("metasim: number " + digits + " is already in use")
		}
	}
	b := s.createBusiness("", req.BusinessName)
	w := s.createWABA("", b.ID, req.WABAName)
	out := Signup{BusinessID: b.ID, WABAID: w.ID}
	if req.Number != "" {
		if req.VerifiedName == "" {
			req.VerifiedName = req.BusinessName
		}
		p = s.addPhone("", w.ID, digitsOnly(req.CC), digitsOnly(req.Number), req.VerifiedName)
		p.CodeStatus = "VERIFIED"
		out.PhoneNumberID = p.ID
	}
	out.Code = "sim-code-" + secret(12)
	s.mu.Lock()
	s.signupCodes[out.Code] = b.ID
	s.mu.Unlock()
	return out, nil
}

// SetCallback sets the app-level webhook callback (the App Dashboard
// setting); with a verify token the handshake runs first, as at Meta.
func (s *Sim) SetCallback(url, verifyToken string) error {
	if url != "" && verifyToken != "" {
		if e := s.verifyCallback(url, verifyToken); e != nil {
			return errors.New(e.message())
		}
	}
	s.mu.Lock()
	s.appCallback, s.appVerify = url, verifyToken
	s.mu.Unlock()
	return nil
}

// SetAutoRead makes customers read every delivered message at once.
func (s *Sim) SetAutoRead(on bool) { s.autoRead.Store(on) }

// Reset forgets everything and seeds the test account again with the same
// ids and token.
func (s *Sim) Reset() {
	keep := s.TestAccount()
	s.resetState(&keep)
}
