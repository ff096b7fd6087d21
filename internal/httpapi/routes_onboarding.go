package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
)

// Guided WhatsApp connection (Meta's Embedded Signup). Every step is saved,
// so GET /api/v1/onboarding/{id} resumes in a new session, and every step
// is safe to repeat. Admins only; starting, the code exchange and finishing
// (which creates the channel) need a fresh step-up.
//
//	POST /api/v1/onboarding                    (step-up) {"group_id","name"} → 201 onboarding
//	GET  /api/v1/onboarding                    → {"data":[onboarding]}
//	GET  /api/v1/onboarding/{id}               → onboarding ("step", "next", "last_error", ...)
//	POST /api/v1/onboarding/{id}/signup        (step-up) {"code","business_id"} (from Meta's popup)
//	GET  /api/v1/onboarding/{id}/accounts      → {"data":[{"id","name","currency"}]} of the portfolio
//	POST /api/v1/onboarding/{id}/account       {"waba_id","display_name"} or {"name","display_name"} (creates it)
//	POST /api/v1/onboarding/{id}/phone         {"cc":"55","phone_number":"11987654321"} or {"phone_number_id"}
//	POST /api/v1/onboarding/{id}/code/request  {"method":"SMS"|"VOICE","language":"pt_BR"}
//	POST /api/v1/onboarding/{id}/code/verify   {"code":"123456"}
//	POST /api/v1/onboarding/{id}/restart       after 2 wrong codes, once the number is checked
//	POST /api/v1/onboarding/{id}/finish        (step-up) {"pin":"123456"} → registered, subscribed, connected
func (s *Server) routesOnboarding(m *router) {
	if s.channels == nil {
		return
	}
	m.authed("POST /api/v1/onboarding", conversa.RoleAdmin, s.startOnboarding)
	m.authed("GET /api/v1/onboarding", conversa.RoleAdmin, s.listOnboardings)
	m.authed("GET /api/v1/onboarding/{id}", conversa.RoleAdmin, s.getOnboarding)
	m.authed("GET /api/v1/onboarding/{id}/accounts", conversa.RoleAdmin, s.onboardingAccounts)
	m.authed("POST /api/v1/onboarding/{id}/signup", conversa.RoleAdmin, s.onboardingSignup)
	m.authed("POST /api/v1/onboarding/{id}/account", conversa.RoleAdmin, s.onboardingAccount)
	m.authed("POST /api/v1/onboarding/{id}/phone", conversa.RoleAdmin, s.onboardingPhone)
	m.authed("POST /api/v1/onboarding/{id}/code/request", conversa.RoleAdmin, s.onboardingRequestCode)
	m.authed("POST /api/v1/onboarding/{id}/code/verify", conversa.RoleAdmin, s.onboardingVerifyCode)
	m.authed("POST /api/v1/onboarding/{id}/restart", conversa.RoleAdmin, s.onboardingRestart)
	m.authed("POST /api/v1/onboarding/{id}/finish", conversa.RoleAdmin, s.onboardingFinish)
}

type onboardingView struct {
	ID                 int64      `json:"id"`
	GroupID            int64      `json:"group_id"`
	Name               string     `json:"name"`
	Step               string     `json:"step"`
	Next               string     `json:"next,omitempty"` // the request that continues the flow
	BusinessID         string     `json:"business_id,omitempty"`
	WABAID             string     `json:"waba_id,omitempty"`
	WABAName           string     `json:"waba_name,omitempty"`
	DisplayName        string     `json:"display_name,omitempty"`
	DisplayNameAdvice  string     `json:"display_name_advice"`
	PhoneNumberID      string     `json:"phone_number_id,omitempty"`
	DisplayPhoneNumber string     `json:"display_phone_number,omitempty"`
	CodeMethod         string     `json:"code_method,omitempty"`
	CodeRequests       int        `json:"code_requests"`
	FailedAttempts     int        `json:"failed_attempts"`
	AttemptsLeft       int        `json:"attempts_left"`
	CodeRequestedAt    *time.Time `json:"code_requested_at"`
	ResendAt           *time.Time `json:"resend_at"` // a new code may be asked for from then on
	Registered         bool       `json:"registered"`
	ChannelID          *int64     `json:"channel_id"`
	LastError          string     `json:"last_error,omitempty"` // why the last step failed
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

var nextRequest = map[conversa.OnboardingStep]string{
	conversa.StepSignup: "signup", conversa.StepAccount: "account", conversa.StepPhone: "phone",
	conversa.StepCode: "code/request", conversa.StepVerify: "code/verify", conversa.StepRegister: "finish",
	conversa.StepStopped: "restart",
}

func viewOnboarding(lang string) func(conversa.Onboarding) onboardingView {
	return func(o conversa.Onboarding) onboardingView {
		v := onboardingView{ID: o.ID, GroupID: o.GroupID, Name: o.ChannelName, Step: string(o.Step), BusinessID: o.BusinessID,
			WABAID: o.WABAID, WABAName: o.WABAName, DisplayName: o.DisplayName, DisplayNameAdvice: channels.DisplayNameAdvice().Localize(lang),
			PhoneNumberID: o.PhoneNumberID, DisplayPhoneNumber: o.DisplayPhoneNumber, CodeMethod: o.CodeMethod,
			CodeRequests: o.CodeRequests, FailedAttempts: o.FailedAttempts, AttemptsLeft: max(conversa.MaxFailedCodes-o.FailedAttempts, 0),
			CodeRequestedAt: o.CodeRequestedAt, Registered: o.Registered, ChannelID: o.ChannelID, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
		if next, ok := nextRequest[o.Step]; ok {
			v.Next = fmt.Sprintf("POST /api/v1/onboarding/%d/%s", o.ID, next)
		}
		if o.CodeRequestedAt != nil {
			at := o.CodeRequestedAt.Add(conversa.CodeResendAfter)
			v.ResendAt = &at
		}
		if o.LastError != nil {
			v.LastError = o.LastError.Localize(lang)
		}
		return v
	}
}

// onboardingStep decodes the body into in (when non-nil), checks step-up
// when asked, runs the step and answers the saved state.
func (s *Server) onboardingStep(w http.ResponseWriter, r *http.Request, p *auth.Principal, stepUp bool, in any,
	run func(id int64) (conversa.Onboarding, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if in != nil {
		if err := decode(w, r, in); err != nil {
			return err
		}
	}
	if stepUp {
		if err := s.stepUp(p); err != nil {
			return err
		}
	}
	o, err := run(id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOnboarding(lang(r))(o))
	return nil
}

func (s *Server) startOnboarding(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.stepUp(p); err != nil {
		return err
	}
	var in struct {
		GroupID int64  `json:"group_id"`
		Name    string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := s.channels.StartOnboarding(r.Context(), p.Company.ID, p.User.ID, in.GroupID, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewOnboarding(lang(r))(o))
	return nil
}

func (s *Server) listOnboardings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := s.channels.Onboardings(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, viewOnboarding(lang(r))))
	return nil
}

func (s *Server) getOnboarding(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.onboardingStep(w, r, p, false, nil, func(id int64) (conversa.Onboarding, error) {
		return s.channels.Onboarding(r.Context(), p.Company.ID, id)
	})
}

type accountView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Currency string `json:"currency,omitempty"`
}

func (s *Server) onboardingAccounts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, err := s.channels.Accounts(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	out := list0[accountView]()
	for _, a := range list {
		out.Data = append(out.Data, accountView{ID: a.ID, Name: a.Name, Currency: a.Currency})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func list0[T any]() list[T] { return list[T]{Data: []T{}} }

func (s *Server) onboardingSignup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Code       string `json:"code"`
		BusinessID string `json:"business_id"`
	}
	return s.onboardingStep(w, r, p, true, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.Signup(r.Context(), p.Company.ID, id, in.Code, in.BusinessID)
	})
}

func (s *Server) onboardingAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		WABAID      string `json:"waba_id"`
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
	}
	return s.onboardingStep(w, r, p, false, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.ChooseAccount(r.Context(), p.Company.ID, id, channels.AccountInput{WABAID: in.WABAID, Name: in.Name, DisplayName: in.DisplayName})
	})
}

func (s *Server) onboardingPhone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		PhoneNumberID string `json:"phone_number_id"`
		CC            string `json:"cc"`
		PhoneNumber   string `json:"phone_number"`
	}
	return s.onboardingStep(w, r, p, false, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.AddPhone(r.Context(), p.Company.ID, id, channels.PhoneInput{PhoneNumberID: in.PhoneNumberID, CC: in.CC, Number: in.PhoneNumber})
	})
}

func (s *Server) onboardingRequestCode(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Method   string `json:"method"`
		Language string `json:"language"`
	}
	return s.onboardingStep(w, r, p, false, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.RequestCode(r.Context(), p.Company.ID, id, in.Method, in.Language)
	})
}

func (s *Server) onboardingVerifyCode(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Code string `json:"code"`
	}
	return s.onboardingStep(w, r, p, false, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.VerifyCode(r.Context(), p.Company.ID, id, in.Code)
	})
}

func (s *Server) onboardingRestart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.onboardingStep(w, r, p, false, nil, func(id int64) (conversa.Onboarding, error) {
		return s.channels.Restart(r.Context(), p.Company.ID, p.User.ID, id)
	})
}

func (s *Server) onboardingFinish(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		PIN string `json:"pin"`
	}
	return s.onboardingStep(w, r, p, true, &in, func(id int64) (conversa.Onboarding, error) {
		return s.channels.Finish(r.Context(), p.Company.ID, p.User.ID, id, in.PIN)
	})
}
