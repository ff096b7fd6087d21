package metasim

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"time"
)

// The control API (not Meta's): JSON under /_sim/, documented in README.md.
// Each handler decodes, calls the Go twin in control.go, and encodes.

func (s *Sim) controlRoutes(mux *http.ServeMux) {
	h := func(pattern string, f func(*http.Request) (any, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			v, err := f(r)
			if err != nil {
				status := http.StatusBadRequest
				if errors.Is(err, errUnknownPhone) || errors.Is(err, errUnknownWABA) {
					status = http.StatusNotFound
				}
				writeJSON(w, status, map[string]string{"error": err.Error()})
				return
			}
			writeJSON(w, http.StatusOK, v)
		})
	}
	mux.HandleFunc("GET /_sim/phone", s.servePhonePage)
	mux.HandleFunc("GET /_sim/media/{id}", s.serveMediaBytes)
	h("GET /_sim/account", s.ctlAccount)
	h("GET /_sim/phones", s.ctlPhones)
	h("POST /_sim/customers/messages", s.ctlCustomerSend)
	h("PUT /_sim/customers/{number}", s.ctlSetCustomer)
	h("GET /_sim/chats/{phone}", func(r *http.Request) (any, error) { return s.Chats(r.PathValue("phone")) })
	h("GET /_sim/chats/{phone}/{wa}", func(r *http.Request) (any, error) {
		return s.Chat(r.PathValue("phone"), r.PathValue("wa"))
	})
	h("POST /_sim/chats/{phone}/{wa}/read", func(r *http.Request) (any, error) {
		n, err := s.ReadChat(r.PathValue("phone"), r.PathValue("wa"))
		return map[string]int{"read": n}, err
	})
	h("GET /_sim/sent/{phone}/{to}", func(r *http.Request) (any, error) {
		return map[string]int{"count": s.Sent(r.PathValue("phone"), r.PathValue("to"))}, nil
	})
	h("GET /_sim/clock", func(*http.Request) (any, error) { return s.clockView(), nil })
	h("POST /_sim/clock", s.ctlClock)
	h("POST /_sim/templates/status", s.ctlTemplateStatus)
	h("GET /_sim/wabas/{waba}", func(r *http.Request) (any, error) { return s.WABA(r.PathValue("waba")) })
	h("POST /_sim/wabas/{waba}/payment-method", s.ctlPayment)
	h("POST /_sim/wabas/{waba}/account-update", s.ctlAccountUpdate)
	h("POST /_sim/phones/{phone}/quality", s.ctlPhoneSetting("quality_rating"))
	h("POST /_sim/phones/{phone}/tier", s.ctlPhoneSetting("tier"))
	h("POST /_sim/phones/{phone}/throughput", s.ctlPhoneSetting("mps"))
	h("POST /_sim/phones/{phone}/pair-rate", s.ctlPhoneSetting("per_minute"))
	h("POST /_sim/phones/{phone}/errors", s.ctlInject)
	h("PUT /_sim/other-provider/{number}", s.ctlOtherProvider)
	h("GET /_sim/codes/{phone}", func(r *http.Request) (any, error) { return s.Code(r.PathValue("phone")) })
	h("POST /_sim/signup", s.ctlSignup)
	h("POST /_sim/reset", func(*http.Request) (any, error) { s.Reset(); return s.TestAccount(), nil })
	h("GET /_sim/webhooks", func(*http.Request) (any, error) { return s.Deliveries(), nil })
	h("GET /_sim/webhooks/stats", func(*http.Request) (any, error) { return s.WebhookStats(), nil })
	h("POST /_sim/webhooks/config", s.ctlWebhookConfig)
}

func decode(r *http.Request, v any) error {
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 32<<20)).Decode(v); err != nil {
		return errors.New("invalid JSON body: " + err.Error())
	}
	return nil
}

func (s *Sim) ctlAccount(*http.Request) (any, error) {
	a := s.TestAccount()
	return map[string]any{"graph_url": a.GraphURL, "access_token": a.AccessToken, "app_secret": a.AppSecret,
		"business_id": a.BusinessID, "waba_id": a.WABAID, "phone_number_id": a.PhoneNumberID,
		"display_phone_number": a.DisplayPhoneNumber, "app_id": s.AppID()}, nil
}

// PhoneSummary describes one business number for pickers.
type PhoneSummary struct {
	ID                 string `json:"id"`
	WABAID             string `json:"waba_id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
	VerifiedName       string `json:"verified_name"`
	Registered         bool   `json:"registered"`
}

// Phones lists every business number.
func (s *Sim) Phones() []PhoneSummary {
	s.mu.RLock()
	ps := make([]*phone, 0, len(s.phones))
	for _, p := range s.phones {
		ps = append(ps, p)
	}
	s.mu.RUnlock()
	out := make([]PhoneSummary, 0, len(ps))
	for _, p := range ps {
		p.mu.Lock()
		out = append(out, PhoneSummary{ID: p.ID, WABAID: p.WABAID, DisplayPhoneNumber: p.display(),
			VerifiedName: p.VerifiedName, Registered: p.Registered})
		p.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Sim) ctlPhones(*http.Request) (any, error) { return s.Phones(), nil }

func (s *Sim) ctlCustomerSend(r *http.Request) (any, error) {
	var m CustomerMessage
	if err := decode(r, &m); err != nil {
		return nil, err
	}
	id, err := s.CustomerSend(m)
	return map[string]string{"id": id}, err
}

func (s *Sim) ctlSetCustomer(r *http.Request) (any, error) {
	var req struct {
		WAID       string `json:"wa_id"`
		OnWhatsApp *bool  `json:"on_whatsapp"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	on := req.OnWhatsApp == nil || *req.OnWhatsApp
	return map[string]bool{"ok": true}, s.SetCustomer(r.PathValue("number"), req.WAID, on)
}

func (s *Sim) clockView() map[string]any {
	return map[string]any{"now": s.now().Format(time.RFC3339Nano), "offset": s.clock.Offset().String()}
}

// ctlClock: {"advance":"24h"} moves the clock; {"set":"2026-01-02T15:04:05Z"} sets it.
func (s *Sim) ctlClock(r *http.Request) (any, error) {
	var req struct {
		Advance string `json:"advance"`
		Set     string `json:"set"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Advance != "":
		d, err := time.ParseDuration(req.Advance)
		if err != nil {
			return nil, err
		}
		s.clock.Advance(d)
	case req.Set != "":
		t, err := time.Parse(time.RFC3339, req.Set)
		if err != nil {
			return nil, err
		}
		s.clock.Set(t)
	default:
		return nil, errors.New("send advance or set")
	}
	s.settleReviews()
	return s.clockView(), nil
}

func (s *Sim) ctlTemplateStatus(r *http.Request) (any, error) {
	var req struct {
		WABAID   string `json:"waba_id"`
		Name     string `json:"name"`
		Language string `json:"language"`
		Status   string `json:"status"`
		Reason   string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.WABAID == "" {
		req.WABAID = s.TestAccount().WABAID
	}
	return map[string]bool{"ok": true}, s.SetTemplateStatus(req.WABAID, req.Name, req.Language, req.Status, req.Reason)
}

func (s *Sim) ctlPayment(r *http.Request) (any, error) {
	var req struct {
		Present bool `json:"present"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return map[string]bool{"ok": true}, s.SetPaymentMethod(r.PathValue("waba"), req.Present)
}

func (s *Sim) ctlAccountUpdate(r *http.Request) (any, error) {
	var req struct {
		Event string `json:"event"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	return map[string]bool{"ok": true}, s.AccountUpdate(r.PathValue("waba"), req.Event)
}

// ctlPhoneSetting handles the one-field phone settings.
func (s *Sim) ctlPhoneSetting(field string) func(*http.Request) (any, error) {
	return func(r *http.Request) (any, error) {
		var req map[string]any
		if err := decode(r, &req); err != nil {
			return nil, err
		}
		id := r.PathValue("phone")
		str, _ := req[field].(string)
		num, isNum := req[field].(float64)
		var err error
		switch {
		case field == "quality_rating" && str != "":
			err = s.SetQuality(id, str)
		case field == "tier" && str != "":
			err = s.SetTier(id, str)
		case field == "mps" && isNum:
			if num > 1000 {
				return nil, errors.New("mps is at most 1000, as at Meta (0 = unlimited, simulator only)")
			}
			err = s.SetThroughput(id, int(num))
		case field == "per_minute" && isNum:
			burst, _ := req["burst"].(float64) // optional; 0 = Meta's burst
			err = s.SetPairRate(id, int(num), int(burst))
		default:
			return nil, errors.New("missing or invalid " + field)
		}
		return map[string]bool{"ok": true}, err
	}
}

func (s *Sim) ctlInject(r *http.Request) (any, error) {
	var req struct {
		Code  int  `json:"code"`
		Count int  `json:"count"`
		Async bool `json:"async"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Code == 0 {
		return nil, errors.New("code is required")
	}
	return map[string]bool{"ok": true}, s.InjectError(r.PathValue("phone"), req.Code, req.Count, req.Async)
}

func (s *Sim) ctlOtherProvider(r *http.Request) (any, error) {
	var req struct {
		Registered bool `json:"registered"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	s.SetOtherProvider(r.PathValue("number"), req.Registered)
	return map[string]bool{"ok": true}, nil
}

func (s *Sim) ctlSignup(r *http.Request) (any, error) {
	var req SignupRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	out, err := s.IssueSignupCode(req)
	return map[string]string{"code": out.Code, "business_id": out.BusinessID, "waba_id": out.WABAID,
		"phone_number_id": out.PhoneNumberID, "app_id": s.AppID()}, err
}

func (s *Sim) ctlWebhookConfig(r *http.Request) (any, error) {
	var req struct {
		CallbackURL   *string  `json:"callback_url"`
		VerifyToken   string   `json:"verify_token"`
		DuplicateRate *float64 `json:"duplicate_rate"`
		AutoRead      *bool    `json:"auto_read"`
	}
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CallbackURL != nil {
		if err := s.SetCallback(*req.CallbackURL, req.VerifyToken); err != nil {
			return nil, err
		}
	}
	if req.DuplicateRate != nil {
		s.SetDuplicateRate(*req.DuplicateRate)
	}
	if req.AutoRead != nil {
		s.SetAutoRead(*req.AutoRead)
	}
	return map[string]bool{"ok": true}, nil
}
