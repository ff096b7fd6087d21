package httpapi

import (
	"net/http"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// handlerFunc is a handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// authedFunc is a handler for a signed-in caller.
type authedFunc func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// router registers handlers on a ServeMux with the server's error
// handling, authentication and role checks.
type router struct {
	*http.ServeMux
	s *Server
}

// public registers a handler that needs no session.
func (m *router) public(pattern string, h handlerFunc) {
	m.s.routes = append(m.s.routes, pattern)
	m.ServeMux.Handle(pattern, m.s.handle(h))
}

// authed registers a handler for callers with at least role min.
func (m *router) authed(pattern string, min conversa.Role, h authedFunc) {
	m.public(pattern, func(w http.ResponseWriter, r *http.Request) error {
		p, err := m.s.authenticate(r)
		if err != nil {
			return err
		}
		if err := p.RequireRole(min); err != nil {
			return err
		}
		return h(w, r.WithContext(auth.WithPrincipal(r.Context(), p)), p)
	})
}

// handle adapts an error-returning handler, writing its error.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authenticate resolves the request's cookie or bearer token.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, error) {
	token, bearer := auth.TokenFromRequest(r)
	p, err := s.auth.Authenticate(r.Context(), token)
	if err != nil {
		return nil, err
	}
	p.Bearer = bearer
	setLogIDs(r, p.Company.ID, p.User.ID)
	return p, nil
}

// stepUp refuses unless the caller re-entered the password recently; the
// sensitive handlers call it first.
func (s *Server) stepUp(p *auth.Principal) error {
	return p.RequireStepUp(s.auth.Now(), s.auth.StepUpMaxAge())
}
