package httpapi

import (
	"net/http"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

func (s *Server) routesUsers(m *router) {
	m.authed("GET /api/v1/users", conversa.RoleSupervisor, s.listUsers)
	m.authed("POST /api/v1/users", conversa.RoleAdmin, s.createUser)
	m.authed("GET /api/v1/users/{id}", conversa.RoleAgent, s.getUser)
	m.authed("PATCH /api/v1/users/{id}", conversa.RoleAdmin, s.updateUser)
	m.authed("POST /api/v1/users/{id}/password", conversa.RoleAdmin, s.resetPassword)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	users, err := s.store.Users(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(users, viewUser))
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
		Active   *bool  `json:"active"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	role, err := conversa.ParseRole(in.Role)
	if err != nil {
		return err
	}
	u := conversa.User{CompanyID: p.Company.ID, Email: in.Email, Name: in.Name, Role: role, Active: in.Active == nil || *in.Active}
	if u, err = s.auth.CreateUser(r.Context(), &p.User.ID, u, in.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewUser(u))
	return nil
}

// getUser shows one user: supervisors and admins see anyone in the
// company, agents only themselves (and get not_found for others, which
// keeps ids of colleagues as unguessable as other companies').
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if id != p.User.ID && !p.User.Role.AtLeast(conversa.RoleSupervisor) {
		return conversa.Errorf(conversa.ENOTFOUND, "User not found.").Pt("Usuário não encontrado.")
	}
	u, err := s.store.User(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(u))
	return nil
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name   *string `json:"name"`
		Role   *string `json:"role"`
		Active *bool   `json:"active"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	patch := store.UserPatch{Name: in.Name, Active: in.Active}
	if in.Role != nil {
		role, err := conversa.ParseRole(*in.Role)
		if err != nil {
			return err
		}
		patch.Role = &role
	}
	u, err := s.auth.UpdateUser(r.Context(), &p.User.ID, p.Company.ID, id, patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewUser(u))
	return nil
}

// resetPassword sets another user's password. Taking over an account is
// sensitive, so it needs a fresh step-up like connecting a channel.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.stepUp(p); err != nil {
		return err
	}
	if _, err := s.store.User(r.Context(), p.Company.ID, id); err != nil {
		return err
	}
	if err := s.auth.ResetPassword(r.Context(), &p.User.ID, p.Company.ID, id, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
