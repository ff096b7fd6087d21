package auth

import (
	"net/http"
	"strings"
	"time"
)

// CookieName is the browser session cookie.
const CookieName = "conversa_session"

// TokenFromRequest returns the session token of r: the bearer token when an
// Authorization header is present (scripts), else the cookie (browsers).
func TokenFromRequest(r *http.Request) (token string, bearer bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), true
		}
		return "", true // a malformed header never falls back to the cookie
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value, false
	}
	return "", false
}

// SetCookie sets the session cookie. HttpOnly keeps it from scripts;
// SameSite=Lax keeps other sites' forms and fetches from sending it on
// unsafe methods; Secure when served over TLS or configured so (TLS ending
// at a load balancer).
func (s *Service) SetCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil})
}

// ClearCookie removes the session cookie.
func (s *Service) ClearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil})
}
