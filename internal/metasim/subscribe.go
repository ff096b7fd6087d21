package metasim

import (
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// subscribed_apps (with override_callback_uri), the Embedded Signup code
// exchange (/oauth/access_token) and /debug_token.

const appName = "Conversa Sandbox App"

func (s *Sim) routeSubscribedApps(m string, c *graphCall) bool {
	switch m {
	case http.MethodGet:
		s.handleGetSubscribed(c)
	case http.MethodPost:
		s.handleSubscribe(c)
	case http.MethodDelete:
		w := s.wabaByID(c.id)
		w.mu.Lock()
		w.Subscribed, w.OverrideURI, w.VerifyToken = false, "", ""
		w.mu.Unlock()
		success(c.w)
	default:
		return false
	}
	return true
}

func (s *Sim) handleSubscribe(c *graphCall) {
	var req struct {
		OverrideURI string `json:"override_callback_uri"`
		VerifyToken string `json:"verify_token"`
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	if (req.OverrideURI == "") != (req.VerifyToken == "") {
		s.writeMetaError(c.w, metaErr(100, "override_callback_uri and verify_token must be sent together."))
		return
	}
	if req.OverrideURI != "" {
		if e := s.verifyCallback(req.OverrideURI, req.VerifyToken); e != nil {
			s.writeMetaError(c.w, e)
			return
		}
	}
	w := s.wabaByID(c.id)
	w.mu.Lock()
	w.Subscribed, w.OverrideURI, w.VerifyToken = true, req.OverrideURI, req.VerifyToken
	w.mu.Unlock()
	success(c.w)
}

func (s *Sim) handleGetSubscribed(c *graphCall) {
	w := s.wabaByID(c.id)
	w.mu.RLock()
	sub, override := w.Subscribed, w.OverrideURI
	w.mu.RUnlock()
	data := []map[string]any{}
	if sub {
		id := s.AppID()
		item := map[string]any{"whatsapp_business_api_data": map[string]string{
			"link": "https://www.facebook.com/games/?app_id=" + id, "name": appName, "id": id}}
		if override != "" {
			item["override_callback_uri"] = override
		}
		data = append(data, item)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": data})
}

// verifyCallback performs Meta's GET handshake against a callback URL and
// returns error 2200 unless it answers 200 with the challenge.
func (s *Sim) verifyCallback(uri, verifyToken string) *metaError {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return metaErr(100, "Param override_callback_uri must be a valid URL.")
	}
	challenge := strconv.Itoa(int(s.ids.seq.Add(1)%1_000_000_000) + 1_000_000_000)
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.verify_token", verifyToken)
	q.Set("hub.challenge", challenge)
	u.RawQuery = q.Encode()
	resp, err := s.opts.HTTPClient.Get(u.String())
	if err != nil {
		return callbackFailed("Couldn't connect to server: " + err.Error())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return callbackFailed("HTTP Status Code = " + strconv.Itoa(resp.StatusCode) + "; HTTP Message = " + http.StatusText(resp.StatusCode))
	}
	if strings.TrimSpace(string(body)) != challenge {
		return callbackFailed("The URL couldn't be validated. Response does not match challenge, expected '" +
			challenge + "' value but received '" + strings.TrimSpace(string(body)) + "'")
	}
	return nil
}

func callbackFailed(why string) *metaError {
	return &metaError{Code: 2200, HTTP: http.StatusBadRequest,
		Title:   "Callback verification failed with the following errors: " + why,
		Details: "Callback verification failed with the following errors: " + why}
}

// handleOAuth exchanges an Embedded Signup code for a business token:
// GET /oauth/access_token?client_id&client_secret&code.
func (s *Sim) handleOAuth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case q.Get("client_id") != s.appID:
		s.writeMetaError(w, &metaError{Code: 101, HTTP: 400, Plain: true, Title: "Error validating application. Invalid application ID."})
		return
	case q.Get("client_secret") != s.appSecret:
		s.writeMetaError(w, &metaError{Code: 1, HTTP: 400, Plain: true, Title: "Error validating client secret."})
		return
	}
	biz, ok := s.signupCodes[q.Get("code")]
	if !ok {
		s.writeMetaError(w, &metaError{Code: 100, Subcode: 36009, HTTP: 400, Plain: true, Title: "This authorization code has been used."})
		return
	}
	delete(s.signupCodes, q.Get("code"))
	t := token()
	s.tokens[t] = s.newToken(t, biz)
	writeJSON(w, http.StatusOK, map[string]string{"access_token": t, "token_type": "bearer"})
}

// handleDebugToken describes a token; granular_scopes list the accounts it
// reaches, which is how partners find the WABA after Embedded Signup.
func (s *Sim) handleDebugToken(c *graphCall) {
	in := c.r.URL.Query().Get("input_token")
	s.mu.RLock()
	t := s.tokens[in]
	var ids []string
	if t != nil {
		for _, w := range s.wabas {
			if t.BusinessID == "" || w.BusinessID == t.BusinessID {
				ids = append(ids, w.ID)
			}
		}
	}
	appID := s.appID
	s.mu.RUnlock()
	if t == nil {
		writeJSON(c.w, http.StatusOK, map[string]any{"data": map[string]any{"is_valid": false,
			"error": map[string]any{"code": 190, "message": "Invalid OAuth access token."}}})
		return
	}
	sort.Strings(ids)
	scopes := []string{"whatsapp_business_management", "whatsapp_business_messaging", "business_management"}
	writeJSON(c.w, http.StatusOK, map[string]any{"data": map[string]any{
		"app_id": appID, "type": "SYSTEM_USER", "application": appName,
		"data_access_expires_at": 0, "expires_at": 0, "is_valid": true, "scopes": scopes,
		"granular_scopes": []map[string]any{
			{"scope": "whatsapp_business_management", "target_ids": ids},
			{"scope": "whatsapp_business_messaging", "target_ids": ids},
		},
		"user_id": t.UserID}})
}
