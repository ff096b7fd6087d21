package httpapi

import (
	"net"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

func (s *Server) routesAuth(m *router) {
	m.public("POST /api/v1/auth/login", s.login)
	m.authed("POST /api/v1/auth/logout", conversa.RoleAgent, s.logout)
	m.authed("GET /api/v1/auth/me", conversa.RoleAgent, s.me)
	m.authed("POST /api/v1/auth/reauth", conversa.RoleAgent, s.reauth)
	m.authed("POST /api/v1/auth/password", conversa.RoleAgent, s.changePassword)
}

type sessionView struct {
	Token     string      `json:"token,omitempty"`
	ExpiresAt time.Time   `json:"expires_at"`
	ReauthAt  *time.Time  `json:"reauth_at"`
	User      userView    `json:"user"`
	Company   companyView `json:"company"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Domain   string `json:"domain"`
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := required("domain", in.Domain, "email", in.Email, "password", in.Password); err != nil {
		return err
	}
	res, err := s.auth.Login(r.Context(), auth.LoginInput{Domain: in.Domain, Email: in.Email, Password: in.Password,
		UserAgent: r.UserAgent(), IP: clientIP(r)})
	if err != nil {
		return err
	}
	s.auth.SetCookie(w, r, res.Token, res.Session.ExpiresAt)
	writeJSON(w, http.StatusOK, sessionView{Token: res.Token, ExpiresAt: res.Session.ExpiresAt,
		User: viewUser(res.User), Company: viewCompany(res.Company)})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.auth.Logout(r.Context(), p); err != nil {
		return err
	}
	s.auth.ClearCookie(w, r)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	writeJSON(w, http.StatusOK, sessionView{ExpiresAt: p.Session.ExpiresAt, ReauthAt: p.Session.ReauthAt,
		User: viewUser(p.User), Company: viewCompany(p.Company)})
	return nil
}

func (s *Server) reauth(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.auth.Reauth(r.Context(), p, in.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reauth_at": p.Session.ReauthAt,
		"valid_until": p.Session.ReauthAt.Add(s.auth.StepUpMaxAge())})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.auth.ChangePassword(r.Context(), p, in.Current, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// clientIP is the client's address: the peer's, or, behind a trusted load
// balancer, the one realIP found in X-Forwarded-For.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
