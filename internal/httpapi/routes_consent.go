package httpapi

import (
	"net/http"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// Marketing consent (PRODUCT.md §9, §13; rules in internal/inbox/optout.go):
//
//	GET    /api/v1/settings/opt-out      → {"keywords":[...],"custom":bool,"defaults":[...]} (supervisor+)
//	PUT    /api/v1/settings/opt-out      {"keywords":[...]} → the setting (admin; 1 to 50 keywords of at most
//	       40 characters, repeats dropped; a customer whose whole reply is one of them is opted out)
//	DELETE /api/v1/settings/opt-out      → the setting, back to the defaults (admin)
//	POST   /api/v1/contacts/{id}/opt-in  {"reason"?} or no body → contact (supervisor+), opted back in to
//	       marketing at the customer's request; audited with the opt-out it undoes
//
// Inbound opt-outs are audited too ("contact.opt_out", with the message's
// wamid), so GET /api/v1/audit holds the whole consent record.
func (s *Server) routesConsent(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("GET /api/v1/settings/opt-out", conversa.RoleSupervisor, s.getOptOutKeywords)
	m.authed("PUT /api/v1/settings/opt-out", conversa.RoleAdmin, s.setOptOutKeywords)
	m.authed("DELETE /api/v1/settings/opt-out", conversa.RoleAdmin, s.resetOptOutKeywords)
	m.authed("POST /api/v1/contacts/{id}/opt-in", conversa.RoleSupervisor, s.optInContact)
}

func (s *Server) getOptOutKeywords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	set, err := s.inbox.OptOutKeywords(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) setOptOutKeywords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Keywords []string `json:"keywords"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Keywords == nil { // going back to the defaults is DELETE, never a forgotten field
		return required("keywords", "")
	}
	set, err := s.inbox.SetOptOutKeywords(r.Context(), actor(p), in.Keywords)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) resetOptOutKeywords(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	set, err := s.inbox.SetOptOutKeywords(r.Context(), actor(p), nil)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) optInContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength != 0 { // the body is optional
		if err := decode(w, r, &in); err != nil {
			return err
		}
	}
	c, err := s.inbox.OptIn(r.Context(), actor(p), id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewContact(c))
	return nil
}
