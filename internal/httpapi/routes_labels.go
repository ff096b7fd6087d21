package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// Labels and canned responses (per company):
//
//	GET    /api/v1/labels                                 → {"data":[{"id","name","color","created_at"}]}
//	POST   /api/v1/labels                                 {"name","color"?} → 201 label (supervisor+)
//	DELETE /api/v1/labels/{id}                            → 204 (supervisor+; untags every conversation)
//	GET    /api/v1/conversations/{id}/labels              → {"data":[label]}
//	PUT    /api/v1/conversations/{id}/labels/{label_id}   → 204 (idempotent)
//	DELETE /api/v1/conversations/{id}/labels/{label_id}   → 204
//	GET    /api/v1/canned-responses?q=prefix              → {"data":[{"id","shortcut","text","created_at","updated_at"}]}
//	POST   /api/v1/canned-responses                       {"shortcut","text"} → 201 (supervisor+)
//	PUT    /api/v1/canned-responses/{id}                  {"shortcut","text"} → 200 (supervisor+)
//	DELETE /api/v1/canned-responses/{id}                  → 204 (supervisor+)
//
// GET /api/v1/conversations takes ?label_id= to list one label's conversations.
func (s *Server) routesLabels(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("GET /api/v1/labels", conversa.RoleAgent, s.listLabels)
	m.authed("POST /api/v1/labels", conversa.RoleSupervisor, s.createLabel)
	m.authed("DELETE /api/v1/labels/{id}", conversa.RoleSupervisor, s.deleteLabel)
	m.authed("GET /api/v1/conversations/{id}/labels", conversa.RoleAgent, s.conversationLabels)
	m.authed("PUT /api/v1/conversations/{id}/labels/{label_id}", conversa.RoleAgent, s.tagConversation(true))
	m.authed("DELETE /api/v1/conversations/{id}/labels/{label_id}", conversa.RoleAgent, s.tagConversation(false))
	m.authed("GET /api/v1/canned-responses", conversa.RoleAgent, s.listCanned)
	m.authed("POST /api/v1/canned-responses", conversa.RoleSupervisor, s.saveCanned)
	m.authed("PUT /api/v1/canned-responses/{id}", conversa.RoleSupervisor, s.saveCanned)
	m.authed("DELETE /api/v1/canned-responses/{id}", conversa.RoleSupervisor, s.deleteCanned)
}

type labelView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Color     string    `json:"color"`
	CreatedAt time.Time `json:"created_at"`
}

func viewLabel(l conversa.Label) labelView { return labelView{l.ID, l.Name, l.Color, l.CreatedAt} }

func (s *Server) listLabels(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	labels, err := s.store.Labels(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(labels, viewLabel))
	return nil
}

func (s *Server) createLabel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct{ Name, Color string }
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.store.CreateLabel(r.Context(), conversa.Label{CompanyID: p.Company.ID, Name: in.Name, Color: in.Color})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewLabel(l))
	return nil
}

func (s *Server) deleteLabel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err == nil {
		err = s.store.DeleteLabel(r.Context(), p.Company.ID, id)
	}
	return noContent(w, err)
}

func (s *Server) conversationLabels(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil {
		return err
	}
	labels, err := s.store.ConversationLabels(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(labels, viewLabel))
	return nil
}

// tagConversation adds (on) or removes the {label_id} label of the {id}
// conversation.
func (s *Server) tagConversation(on bool) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		labelID, err := strconv.ParseInt(r.PathValue("label_id"), 10, 64)
		if err != nil || labelID <= 0 {
			return conversa.Errorf(conversa.ENOTFOUND, "Label not found.").Pt("Etiqueta não encontrada.")
		}
		return noContent(w, s.inbox.SetLabel(r.Context(), actor(p), id, labelID, on))
	}
}

type cannedView struct {
	ID        int64     `json:"id"`
	Shortcut  string    `json:"shortcut"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func viewCanned(c conversa.CannedResponse) cannedView {
	return cannedView{c.ID, c.Shortcut, c.Text, c.CreatedAt, c.UpdatedAt}
}

func (s *Server) listCanned(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := s.store.CannedResponses(r.Context(), p.Company.ID, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, viewCanned))
	return nil
}

// saveCanned creates (POST, no {id}) or replaces (PUT {id}) a canned response.
func (s *Server) saveCanned(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct{ Shortcut, Text string }
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := conversa.CannedResponse{CompanyID: p.Company.ID, Shortcut: in.Shortcut, Text: in.Text}
	if r.PathValue("id") == "" {
		c, err := s.store.CreateCannedResponse(r.Context(), c)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, viewCanned(c))
		return nil
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c.ID = id
	if c, err = s.store.UpdateCannedResponse(r.Context(), c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewCanned(c))
	return nil
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err == nil {
		err = s.store.DeleteCannedResponse(r.Context(), p.Company.ID, id)
	}
	return noContent(w, err)
}

// noContent answers 204 when err is nil, else returns err.
func noContent(w http.ResponseWriter, err error) error {
	if err == nil {
		w.WriteHeader(http.StatusNoContent)
	}
	return err
}
