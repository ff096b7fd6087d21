package metasim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Graph API routing: /v{N}.0/{id}[/{edge}] plus /oauth/access_token and
// /debug_token. An id is looked up among numbers, accounts, businesses,
// templates and media, and the token must be allowed to see its business.

type objKind int

const (
	kindNone objKind = iota
	kindPhone
	kindWABA
	kindBusiness
	kindTemplate
	kindMedia
)

// graphCall is one routed request.
type graphCall struct {
	w    http.ResponseWriter
	r    *http.Request
	tok  *accessToken
	id   string
	edge string
}

func (s *Sim) serveGraph(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) > 0 && isVersion(segs[0]) {
		segs = segs[1:]
	}
	if len(segs) == 0 || segs[0] == "" {
		s.writeMetaError(w, &metaError{Code: 100, HTTP: 400, Plain: true, Title: "Unsupported get request."})
		return
	}
	if segs[0] == "oauth" && len(segs) == 2 && segs[1] == "access_token" {
		s.handleOAuth(w, r)
		return
	}
	tok := s.authenticate(r)
	if tok == nil {
		s.writeMetaError(w, metaErr(190, ""))
		return
	}
	if len(segs) > 2 {
		s.writeMetaError(w, unknownPath("/"+strings.Join(segs[2:], "/")))
		return
	}
	c := &graphCall{w: w, r: r, tok: tok, id: segs[0]}
	if len(segs) == 2 {
		c.edge = segs[1]
	}
	if c.id == "debug_token" {
		s.handleDebugToken(c)
		return
	}
	if c.id == "me" || c.id == tok.UserID {
		if !s.routeUser(c) {
			s.writeMetaError(w, unknownPath("/"+c.edge))
		}
		return
	}
	kind, biz := s.resolve(c.id)
	if kind == kindNone || (tok.BusinessID != "" && tok.BusinessID != biz) {
		s.writeMetaError(w, objectNotFound(c.id, r.Method))
		return
	}
	if !s.route(kind, c) {
		s.writeMetaError(w, unknownPath("/"+c.edge))
	}
}

// route dispatches by object kind, method and edge; false = no such route.
func (s *Sim) route(kind objKind, c *graphCall) bool {
	m := c.r.Method
	switch kind {
	case kindPhone:
		return s.routePhone(m, c)
	case kindWABA:
		return s.routeWABA(m, c)
	case kindBusiness:
		return s.routeBusiness(m, c)
	case kindTemplate:
		return s.routeTemplate(m, c)
	case kindMedia:
		return s.routeMedia(m, c)
	}
	return false
}

func (s *Sim) routePhone(m string, c *graphCall) bool {
	switch {
	case m == http.MethodPost && c.edge == "messages":
		s.handleMessages(c)
	case m == http.MethodPost && c.edge == "media":
		s.handleUpload(c)
	case m == http.MethodGet && c.edge == "":
		s.handleGetPhone(c)
	case m == http.MethodPost && c.edge == "request_code":
		s.handleRequestCode(c)
	case m == http.MethodPost && c.edge == "verify_code":
		s.handleVerifyCode(c)
	case m == http.MethodPost && c.edge == "register":
		s.handleRegister(c)
	case m == http.MethodPost && c.edge == "deregister":
		s.handleDeregister(c)
	default:
		return false
	}
	return true
}

func (s *Sim) routeWABA(m string, c *graphCall) bool {
	switch c.edge {
	case "":
		if m != http.MethodGet {
			return false
		}
		s.handleGetWABA(c)
	case "message_templates":
		return s.routeTemplates(m, c)
	case "phone_numbers":
		switch m {
		case http.MethodGet:
			s.handleListPhones(c)
		case http.MethodPost:
			s.handleAddPhone(c)
		default:
			return false
		}
	case "subscribed_apps":
		return s.routeSubscribedApps(m, c)
	default:
		return false
	}
	return true
}

func (s *Sim) routeTemplates(m string, c *graphCall) bool {
	switch m {
	case http.MethodGet:
		s.handleListTemplates(c)
	case http.MethodPost:
		s.handleCreateTemplate(c)
	case http.MethodDelete:
		s.handleDeleteTemplates(c)
	default:
		return false
	}
	return true
}

func (s *Sim) routeBusiness(m string, c *graphCall) bool {
	switch {
	case m == http.MethodGet && c.edge == "":
		s.handleGetBusiness(c)
	case m == http.MethodPost && (c.edge == "whatsapp_business_accounts" || c.edge == "owned_whatsapp_business_accounts"):
		// whatsapp_business_accounts is the path Meta's WhatsApp Business
		// Accounts API reference documents; owned_… is a simulator alias.
		s.handleCreateWABA(c)
	case m == http.MethodGet && (c.edge == "whatsapp_business_accounts" ||
		c.edge == "owned_whatsapp_business_accounts" || c.edge == "client_whatsapp_business_accounts"):
		s.handleListWABAs(c)
	default:
		return false
	}
	return true
}

func (s *Sim) routeTemplate(m string, c *graphCall) bool {
	if c.edge != "" {
		return false
	}
	switch m {
	case http.MethodGet:
		s.handleGetTemplate(c)
	case http.MethodPost:
		s.handleEditTemplate(c)
	default:
		return false
	}
	return true
}

func (s *Sim) routeMedia(m string, c *graphCall) bool {
	if c.edge != "" {
		return false
	}
	switch m {
	case http.MethodGet:
		s.handleGetMedia(c)
	case http.MethodDelete:
		s.handleDeleteMedia(c)
	default:
		return false
	}
	return true
}

// resolve says what kind of object id is and which business owns it.
func (s *Sim) resolve(id string) (objKind, string) {
	s.mu.RLock()
	if p := s.phones[id]; p != nil {
		defer s.mu.RUnlock()
		return kindPhone, s.bizOfWABA(p.WABAID)
	}
	if w := s.wabas[id]; w != nil {
		s.mu.RUnlock()
		return kindWABA, w.BusinessID
	}
	if b := s.businesses[id]; b != nil {
		s.mu.RUnlock()
		return kindBusiness, b.ID
	}
	if w := s.templates[id]; w != nil {
		s.mu.RUnlock()
		return kindTemplate, w.BusinessID
	}
	s.mu.RUnlock()
	if m := s.media.get(id); m != nil {
		return kindMedia, s.businessOf(m.PhoneID)
	}
	return kindNone, ""
}

// bizOfWABA needs s.mu held.
func (s *Sim) bizOfWABA(id string) string {
	if w := s.wabas[id]; w != nil {
		return w.BusinessID
	}
	return ""
}

func isVersion(seg string) bool {
	if len(seg) < 2 || seg[0] != 'v' {
		return false
	}
	major, minor, ok := strings.Cut(seg[1:], ".")
	return ok && allDigits(major) && minor == "0"
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func unknownPath(p string) *metaError {
	return &metaError{Code: 2500, HTTP: http.StatusBadRequest, Plain: true, Title: "Unknown path components: " + p}
}

// authenticate finds the token from "Authorization: Bearer" or the
// access_token parameter, as Graph accepts both.
func (s *Sim) authenticate(r *http.Request) *accessToken {
	t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		t = r.URL.Query().Get("access_token")
	}
	if t == "" {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tokens[strings.TrimSpace(t)]
}

// readParams fills v from a JSON body, or from form/query parameters as
// Graph also accepts (curl examples in Meta's docs use both).
func readParams(r *http.Request, v any) *metaError {
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return metaErr(100, "Could not read the request body.")
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, v); err != nil {
			return metaErr(100, "Invalid JSON: "+err.Error())
		}
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	_ = r.ParseForm()
	m := map[string]any{}
	for k, vs := range r.Form {
		var parsed any
		if json.Unmarshal([]byte(vs[0]), &parsed) == nil {
			if _, isObj := parsed.(map[string]any); isObj {
				m[k] = parsed
				continue
			}
			if _, isArr := parsed.([]any); isArr {
				m[k] = parsed
				continue
			}
		}
		m[k] = vs[0]
	}
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, v); err != nil {
		return metaErr(100, "Invalid parameter: "+err.Error())
	}
	return nil
}

// fields returns the requested ?fields= names, or def when absent.
func fields(r *http.Request, def []string) []string {
	f := r.URL.Query().Get("fields")
	if f == "" {
		return def
	}
	var out []string
	for _, x := range strings.Split(f, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// pick keeps only the requested fields of obj (and always "id").
func pick(obj map[string]any, want []string) map[string]any {
	out := map[string]any{"id": obj["id"]}
	for _, f := range want {
		if v, ok := obj[f]; ok {
			out[f] = v
		}
	}
	return out
}

func success(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}
