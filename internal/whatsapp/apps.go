package whatsapp

import (
	"context"
	"net/http"
	"net/url"
)

// Webhook subscriptions and the Embedded Signup token exchange.

// Subscription optionally sends one account's webhooks to its own URL;
// Meta verifies OverrideCallbackURI with the GET handshake using VerifyToken
// before accepting it.
type Subscription struct {
	OverrideCallbackURI string `json:"override_callback_uri,omitempty"`
	VerifyToken         string `json:"verify_token,omitempty"`
}

// SubscribeApp subscribes the calling app to an account's webhooks.
func (c *Client) SubscribeApp(ctx context.Context, token, wabaID string, s Subscription) error {
	var body any
	if s != (Subscription{}) {
		body = s
	}
	return c.expectSuccess(ctx, postJSON(token, body, wabaID, "subscribed_apps"))
}

// SubscribedApp is one app subscribed to an account.
type SubscribedApp struct {
	WhatsAppBusinessAPIData struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Link string `json:"link,omitempty"`
	} `json:"whatsapp_business_api_data"`
	OverrideCallbackURI string `json:"override_callback_uri,omitempty"`
}

// SubscribedApps lists the apps subscribed to an account's webhooks.
func (c *Client) SubscribedApps(ctx context.Context, token, wabaID string) ([]SubscribedApp, error) {
	return collect[SubscribedApp](ctx, c, token, []string{wabaID, "subscribed_apps"}, url.Values{})
}

// UnsubscribeApp stops the calling app's webhooks for an account.
func (c *Client) UnsubscribeApp(ctx context.Context, token, wabaID string) error {
	return c.expectSuccess(ctx, request{method: http.MethodDelete, path: []string{wabaID, "subscribed_apps"}, token: token})
}

// AccessToken is the result of the Embedded Signup code exchange: a business
// integration token for the customer's assets.
type AccessToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type,omitempty"`
	ExpiresIn   int64  `json:"expires_in,omitempty"` // seconds; 0 = does not expire
}

// ExchangeCode trades the code Embedded Signup hands the browser for an
// access token (GET /oauth/access_token?client_id&client_secret&code).
// It is never retried: the code is single-use, so a second try after a
// lost answer would only fail and hide the first error.
func (c *Client) ExchangeCode(ctx context.Context, appID, appSecret, code string) (*AccessToken, error) {
	q := url.Values{"client_id": {appID}, "client_secret": {appSecret}, "code": {code}}
	var out AccessToken
	err := c.call(ctx, request{method: http.MethodGet, path: []string{"oauth", "access_token"}, query: q, noRetry: true}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
