package whatsapp

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Accounts and numbers: what Embedded Signup and the manual connection path
// call after the admin picks (or creates) an account and a number.

// WABA is a WhatsApp Business Account.
type WABA struct {
	ID                         string `json:"id"`
	Name                       string `json:"name,omitempty"`
	Currency                   string `json:"currency,omitempty"`
	TimezoneID                 string `json:"timezone_id,omitempty"`
	MessageTemplateNamespace   string `json:"message_template_namespace,omitempty"`
	AccountReviewStatus        string `json:"account_review_status,omitempty"`
	BusinessVerificationStatus string `json:"business_verification_status,omitempty"`
	Country                    string `json:"country,omitempty"`
	// PrimaryFundingID is set when the account has a payment method: Meta
	// shows no card details, only this id (read it with fields=primary_funding_id).
	PrimaryFundingID string `json:"primary_funding_id,omitempty"`
}

// Business is a business portfolio (formerly Business Manager account).
type Business struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Businesses lists the business portfolios the token's user can act for
// (GET /me/businesses, every page): with a system-user token, how the
// manual connection path finds the portfolio whose accounts to list.
func (c *Client) Businesses(ctx context.Context, token string) ([]Business, error) {
	return collect[Business](ctx, c, token, []string{"me", "businesses"}, url.Values{})
}

// OwnedWABAs lists the accounts a business portfolio owns (every page).
func (c *Client) OwnedWABAs(ctx context.Context, token, businessID string) ([]WABA, error) {
	return collect[WABA](ctx, c, token, []string{businessID, "owned_whatsapp_business_accounts"}, url.Values{})
}

// NewWABA is the body of an account creation. Meta's WhatsApp Business
// Accounts API reference types timezone_id as an integer.
type NewWABA struct {
	Name       string `json:"name"`
	Currency   string `json:"currency,omitempty"`    // e.g. "USD"
	TimezoneID int    `json:"timezone_id,omitempty"` // Meta's timezone id (1 = America/Los_Angeles)
}

// CreateWABA creates an account under a business portfolio
// (POST /{business-id}/whatsapp_business_accounts).
func (c *Client) CreateWABA(ctx context.Context, token, businessID string, w NewWABA) (*WABA, error) {
	var out WABA
	err := c.call(ctx, request{method: http.MethodPost, path: []string{businessID, "whatsapp_business_accounts"}, token: token, body: w}, &out)
	if err != nil {
		return nil, err
	}
	if out.Name == "" {
		out.Name, out.Currency = w.Name, w.Currency
		if w.TimezoneID != 0 {
			out.TimezoneID = strconv.Itoa(w.TimezoneID)
		}
	}
	return &out, nil
}

// GetWABA reads an account; fields empty means Meta's defaults.
func (c *Client) GetWABA(ctx context.Context, token, wabaID string, fields ...string) (*WABA, error) {
	var out WABA
	if err := c.call(ctx, request{method: http.MethodGet, path: []string{wabaID}, query: fieldsQuery(fields), token: token}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PhoneNumber is a business phone number and its readiness facts.
type PhoneNumber struct {
	ID                     string `json:"id"`
	DisplayPhoneNumber     string `json:"display_phone_number,omitempty"`
	VerifiedName           string `json:"verified_name,omitempty"`
	CodeVerificationStatus string `json:"code_verification_status,omitempty"` // VERIFIED, NOT_VERIFIED, EXPIRED
	QualityRating          string `json:"quality_rating,omitempty"`           // GREEN, YELLOW, RED, UNKNOWN
	NameStatus             string `json:"name_status,omitempty"`              // APPROVED, PENDING_REVIEW, DECLINED, ...
	MessagingLimitTier     string `json:"messaging_limit_tier,omitempty"`     // TIER_250, TIER_1K, ...
	PlatformType           string `json:"platform_type,omitempty"`            // CLOUD_API, ON_PREMISE, NOT_APPLICABLE
	AccountMode            string `json:"account_mode,omitempty"`             // LIVE, SANDBOX
	Status                 string `json:"status,omitempty"`                   // CONNECTED, ...
	Throughput             *struct {
		Level string `json:"level"` // STANDARD, HIGH, NOT_APPLICABLE
	} `json:"throughput,omitempty"`
	IsOfficialBusinessAccount bool `json:"is_official_business_account,omitempty"`
}

// PhoneNumberFields are the fields Conversa's readiness checklist reads.
var PhoneNumberFields = []string{
	"id", "display_phone_number", "verified_name", "code_verification_status",
	"quality_rating", "name_status", "messaging_limit_tier", "platform_type",
	"throughput", "account_mode", "status",
}

// GetPhoneNumber reads one number; fields default to PhoneNumberFields.
func (c *Client) GetPhoneNumber(ctx context.Context, token, phoneNumberID string, fields ...string) (*PhoneNumber, error) {
	if len(fields) == 0 {
		fields = PhoneNumberFields
	}
	var out PhoneNumber
	err := c.call(ctx, request{method: http.MethodGet, path: []string{phoneNumberID}, query: fieldsQuery(fields), token: token}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// PhoneNumbers lists an account's numbers (every page).
func (c *Client) PhoneNumbers(ctx context.Context, token, wabaID string) ([]PhoneNumber, error) {
	return collect[PhoneNumber](ctx, c, token, []string{wabaID, "phone_numbers"}, url.Values{})
}

// NewPhoneNumber adds a number to an account. CC is the country calling code
// ("55"), PhoneNumber the national number; VerifiedName the display name.
type NewPhoneNumber struct {
	CC           string `json:"cc"`
	PhoneNumber  string `json:"phone_number"`
	VerifiedName string `json:"verified_name"`
}

// AddPhoneNumber adds a number and returns its phone-number id. A number
// still registered elsewhere fails with IsRegisteredElsewhere(err).
func (c *Client) AddPhoneNumber(ctx context.Context, token, wabaID string, n NewPhoneNumber) (string, error) {
	var out idResponse
	err := c.call(ctx, request{method: http.MethodPost, path: []string{wabaID, "phone_numbers"}, token: token, body: n}, &out)
	return out.ID, err
}

// CodeMethod is how the verification code reaches the number.
type CodeMethod string

const (
	CodeSMS   CodeMethod = "SMS"
	CodeVoice CodeMethod = "VOICE"
)

// RequestCode asks Meta to send a verification code by SMS or voice call;
// language is the message's locale, e.g. "pt_BR".
func (c *Client) RequestCode(ctx context.Context, token, phoneNumberID string, method CodeMethod, language string) error {
	body := map[string]string{"code_method": string(method), "language": language}
	return c.expectSuccess(ctx, postJSON(token, body, phoneNumberID, "request_code"))
}

// VerifyCode submits the code the number received.
func (c *Client) VerifyCode(ctx context.Context, token, phoneNumberID, code string) error {
	return c.expectSuccess(ctx, postJSON(token, map[string]string{"code": code}, phoneNumberID, "verify_code"))
}

// Register registers a verified number with Cloud API; pin is its 6-digit
// two-step verification PIN (set on first registration).
func (c *Client) Register(ctx context.Context, token, phoneNumberID, pin string) error {
	body := map[string]string{"messaging_product": "whatsapp", "pin": pin}
	return c.expectSuccess(ctx, postJSON(token, body, phoneNumberID, "register"))
}

// Deregister removes a number from Cloud API (it can then move elsewhere).
func (c *Client) Deregister(ctx context.Context, token, phoneNumberID string) error {
	return c.expectSuccess(ctx, postJSON(token, nil, phoneNumberID, "deregister"))
}

// postJSON is a POST request with a JSON body (or none).
func postJSON(token string, body any, path ...string) request {
	return request{method: http.MethodPost, path: path, token: token, body: body}
}

// expectSuccess performs a call whose answer is {"success": true}; an
// explicit false is an error, so a silent refusal never passes for success.
func (c *Client) expectSuccess(ctx context.Context, r request) error {
	var out successResponse
	if err := c.call(ctx, r, &out); err != nil {
		return err
	}
	return out.check()
}

type successResponse struct {
	Success *bool `json:"success"`
}

func (s successResponse) check() error {
	if s.Success != nil && !*s.Success {
		return &Error{Message: "Meta answered success=false"}
	}
	return nil
}

func fieldsQuery(fields []string) url.Values {
	if len(fields) == 0 {
		return nil
	}
	return url.Values{"fields": {strings.Join(fields, ",")}}
}
