package metasim

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Onboarding objects: businesses, WhatsApp Business Accounts and numbers.
//
// Creating a WABA: POST /{business-id}/whatsapp_business_accounts
// {"name","currency","timezone_id"} → {"id"}, as Meta's WhatsApp Business
// Accounts API reference documents it (timezone_id is an integer there;
// strings are accepted too). Most businesses get theirs in Embedded Signup.

func (s *Sim) handleGetBusiness(c *graphCall) {
	s.mu.RLock()
	b := *s.businesses[c.id]
	s.mu.RUnlock()
	writeJSON(c.w, http.StatusOK, pick(map[string]any{"id": b.ID, "name": b.Name}, fields(c.r, []string{"name"})))
}

var defaultWABAFields = []string{"name", "currency", "timezone_id", "message_template_namespace"}

func (s *Sim) wabaJSON(w *waba) map[string]any {
	w.mu.RLock()
	defer w.mu.RUnlock()
	m := map[string]any{"id": w.ID, "name": w.Name, "currency": w.Currency,
		"timezone_id": w.TimezoneID, "message_template_namespace": w.Namespace,
		"account_review_status": "APPROVED", "business_verification_status": "verified",
		"ownership_type": "SELF", "owner_business_info": map[string]string{"id": w.BusinessID}}
	if w.FundingID != "" {
		// Meta exposes the account's payment method as primary_funding_id.
		m["primary_funding_id"] = w.FundingID
	}
	return m
}

func (s *Sim) handleGetWABA(c *graphCall) {
	w := s.wabaByID(c.id)
	writeJSON(c.w, http.StatusOK, pick(s.wabaJSON(w), fields(c.r, defaultWABAFields)))
}

func (s *Sim) handleListWABAs(c *graphCall) {
	writeChildren(s, c, s.wabas, func(w *waba) (parent, id string) { return w.BusinessID, w.ID }, s.wabaJSON, defaultWABAFields)
}

// writeChildren answers a Graph list edge: the objects of all whose parent
// is c.id, in id order, with the requested fields, paged like Meta's.
func writeChildren[T any](s *Sim, c *graphCall, all map[string]*T, ids func(*T) (parent, id string),
	toJSON func(*T) map[string]any, defaults []string) {
	keep := func(x *T) (string, bool) { parent, id := ids(x); return id, parent == c.id }
	writeList(s, c, all, keep, toJSON, defaults)
}

// writeList answers a Graph list edge with the objects keep selects (it
// also names their id), in id order, with the requested fields, paged.
func writeList[T any](s *Sim, c *graphCall, all map[string]*T, keep func(*T) (id string, ok bool),
	toJSON func(*T) map[string]any, defaults []string) {
	var list []*T
	s.mu.RLock()
	for _, x := range all {
		if _, ok := keep(x); ok {
			list = append(list, x)
		}
	}
	s.mu.RUnlock()
	sort.Slice(list, func(i, j int) bool { a, _ := keep(list[i]); b, _ := keep(list[j]); return a < b })
	want := fields(c.r, defaults)
	items := make([]map[string]any, 0, len(list))
	for _, x := range list {
		items = append(items, pick(toJSON(x), want))
	}
	writeJSON(c.w, http.StatusOK, page(c.r, items))
}

func (s *Sim) handleCreateWABA(c *graphCall) {
	var req struct {
		Name       string      `json:"name"`
		Currency   string      `json:"currency"`
		TimezoneID json.Number `json:"timezone_id"` // Meta documents an integer
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	if req.Name == "" {
		s.writeMetaError(c.w, missing("name"))
		return
	}
	w := s.createWABA("", c.id, req.Name)
	w.mu.Lock()
	if req.Currency != "" {
		w.Currency = strings.ToUpper(req.Currency)
	}
	if req.TimezoneID != "" {
		w.TimezoneID = req.TimezoneID.String()
	}
	w.mu.Unlock()
	writeJSON(c.w, http.StatusOK, map[string]string{"id": w.ID})
}

var defaultPhoneFields = []string{"verified_name", "code_verification_status", "display_phone_number",
	"quality_rating", "platform_type", "throughput", "webhook_configuration"}

func (s *Sim) phoneJSON(p *phone) map[string]any {
	callback := s.callbackFor(p.WABAID) // before p.mu: registries are outer locks
	p.mu.Lock()
	defer p.mu.Unlock()
	platform, status := "NOT_APPLICABLE", "PENDING"
	if p.Registered {
		platform, status = "CLOUD_API", "CONNECTED"
	}
	level := "STANDARD"
	if p.MPS > defaultThroughput || p.MPS <= 0 {
		level = "HIGH"
	}
	return map[string]any{"id": p.ID, "verified_name": p.VerifiedName,
		"display_phone_number":     formatDisplay(p.CC, p.National),
		"code_verification_status": p.CodeStatus, "quality_rating": p.Quality,
		"name_status": p.NameStatus, "messaging_limit_tier": p.Tier,
		"platform_type": platform, "status": status,
		"throughput":                   map[string]string{"level": level},
		"is_official_business_account": false,
		"account_mode":                 "LIVE",
		"webhook_configuration":        map[string]string{"application": callback}}
}

// formatDisplay renders a number the way Graph shows display_phone_number
// ("+55 11 3000-1000", "+1 631-555-5555").
func formatDisplay(cc, n string) string {
	switch {
	case cc == "55" && (len(n) == 10 || len(n) == 11):
		return "+55 " + n[:2] + " " + n[2:len(n)-4] + "-" + n[len(n)-4:]
	case cc == "1" && len(n) == 10:
		return "+1 " + n[:3] + "-" + n[3:6] + "-" + n[6:]
	}
	return "+" + cc + " " + n
}

func (s *Sim) handleGetPhone(c *graphCall) {
	p := s.phoneByID(c.id)
	writeJSON(c.w, http.StatusOK, pick(s.phoneJSON(p), fields(c.r, defaultPhoneFields)))
}

func (s *Sim) handleListPhones(c *graphCall) {
	writeChildren(s, c, s.phones, func(p *phone) (parent, id string) { return p.WABAID, p.ID }, s.phoneJSON, defaultPhoneFields)
}

// handleAddPhone is POST /{waba-id}/phone_numbers {cc, phone_number,
// verified_name}. A number still registered with another provider is
// refused (see otherProviderNumber).
func (s *Sim) handleAddPhone(c *graphCall) {
	var req struct {
		CC           string `json:"cc"`
		PhoneNumber  string `json:"phone_number"`
		VerifiedName string `json:"verified_name"`
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	cc, national := digitsOnly(req.CC), digitsOnly(req.PhoneNumber)
	if cc == "" || len(national) < 4 || normalizeTo(cc+national) == "" {
		s.writeMetaError(c.w, metaErr(100, "Param cc and phone_number must form a valid phone number."))
		return
	}
	if req.VerifiedName == "" {
		s.writeMetaError(c.w, missing("verified_name"))
		return
	}
	if s.otherProviderNumber(cc + national) {
		s.writeMetaError(c.w, metaErr(2388001, ""))
		return
	}
	if s.numberTaken(cc + national) {
		s.writeMetaError(c.w, tplErr(2388005, "Phone number already exists",
			"This phone number is already in use in a WhatsApp Business Account."))
		return
	}
	p := s.addPhone("", c.id, cc, national, req.VerifiedName)
	writeJSON(c.w, http.StatusOK, map[string]string{"id": p.ID})
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// otherProviderNumber: numbers the control API flagged, and every number
// ending in 9999 (documented rule), are still registered elsewhere.
func (s *Sim) otherProviderNumber(digits string) bool {
	if strings.HasSuffix(digits, "9999") {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.otherProvider[digits]
}

func (s *Sim) numberTaken(digits string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, p := range s.phones {
		if p.display() == digits {
			return true
		}
	}
	return false
}
