package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The guided WhatsApp connection (PRODUCT.md §3). The API keeps every step,
// so this screen only shows where an onboarding stands and the form for its
// current step; reloading it, or coming back tomorrow, resumes.
func (u *UI) routesOnboarding(m *http.ServeMux) {
	m.HandleFunc("GET /app/admin/onboarding/{id}", u.page(conversa.RoleAdmin, "onboarding.html", u.loadOnboarding))
}

type apiOnboarding struct {
	ID                 int64      `json:"id"`
	GroupID            int64      `json:"group_id"`
	ChannelName        string     `json:"name"`
	Step               string     `json:"step"`
	BusinessID         string     `json:"business_id"`
	WABAID             string     `json:"waba_id"`
	WABAName           string     `json:"waba_name"`
	DisplayName        string     `json:"display_name"`
	PhoneNumberID      string     `json:"phone_number_id"`
	DisplayPhoneNumber string     `json:"display_phone_number"`
	CodeMethod         string     `json:"code_method"`
	CodeRequests       int        `json:"code_requests"`
	FailedAttempts     int        `json:"failed_attempts"`
	CodeRequestedAt    *time.Time `json:"code_requested_at"`
	ResendAt           *time.Time `json:"resend_at"`
	ChannelID          *int64     `json:"channel_id"`
	LastError          string     `json:"last_error"`          // why the last step failed, localized
	DisplayNameAdvice  string     `json:"display_name_advice"` // Meta reviews the display name
	AttemptsLeft       int        `json:"attempts_left"`
}

// wizardSteps are shown as the progress bar, in order.
var wizardSteps = []string{"signup", "account", "phone", "code", "verify", "register", "connected"}

type wizardStep struct {
	Key           string
	Done, Current bool
}

// Steps marks each step done, current or ahead of the onboarding.
func (o apiOnboarding) Steps() []wizardStep {
	cur := o.Step
	if cur == "stopped" {
		cur = "verify"
	}
	out := make([]wizardStep, len(wizardSteps))
	done := true
	for i, k := range wizardSteps {
		if k == cur {
			done = false
		}
		out[i] = wizardStep{Key: k, Done: done || o.Step == "connected", Current: k == cur}
	}
	return out
}

type wabaOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type onboardingData struct {
	O           apiOnboarding
	Accounts    []wabaOption // existing accounts of the portfolio, at the account step
	CompanyName string
	ResendAt    time.Time
	SimCodes    string // the simulator's code page for this number, in sandbox mode
}

// CanResend says whether the "send another code" wait is over.
func (d onboardingData) CanResend(now time.Time) bool { return !now.Before(d.ResendAt) }

func (u *UI) loadOnboarding(r *http.Request, v *view) error {
	d := onboardingData{CompanyName: v.P.Company.Name}
	path := "/api/v1/onboarding/" + r.PathValue("id")
	if err := u.apiGet(r, v, path, &d.O); err != nil {
		return err
	}
	if d.O.Step == "account" {
		var list struct{ Data []wabaOption }
		if err := u.apiGet(r, v, path+"/accounts", &list); err != nil && !missing(err) {
			return err
		}
		d.Accounts = list.Data
	}
	d.ResendAt = resendAt(d.O)
	if u.cfg.SimPath != "" && d.O.PhoneNumberID != "" {
		d.SimCodes = fmt.Sprintf("%s/_sim/codes/%s", u.cfg.SimPath, d.O.PhoneNumberID)
	}
	v.Title, v.Nav, v.Data = v.T("wizard.title"), "channels", d
	return nil
}

// resendAt is when another code may be asked for: the API's answer when it
// gives one, else the seed's rule from the domain (2 minutes).
func resendAt(o apiOnboarding) time.Time {
	if o.ResendAt != nil {
		return *o.ResendAt
	}
	if o.CodeRequestedAt != nil {
		return o.CodeRequestedAt.Add(conversa.CodeResendAfter)
	}
	return time.Time{}
}

// openOnboardings lists guided connections not finished yet, to resume.
func (u *UI) openOnboardings(r *http.Request, v *view) ([]apiOnboarding, error) {
	var list struct{ Data []apiOnboarding }
	if err := u.apiGet(r, v, "/api/v1/onboarding", &list); err != nil {
		if missing(err) {
			return nil, nil
		}
		return nil, err
	}
	var open []apiOnboarding
	for _, o := range list.Data {
		if o.Step != "connected" {
			open = append(open, o)
		}
	}
	return open, nil
}
