package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
)

// Conversation management (PRODUCT.md §8; rules in internal/inbox/manage.go):
//
//	PUT  /api/v1/me/availability              {"available":bool} → {"available"} (takes round-robin conversations)
//	GET  /api/v1/me/availability              → {"available"}
//	POST /api/v1/conversations/{id}/assign    {"user_id":n|null} → conversation; agents: only themselves on an
//	     unassigned one, or null on their own
//	POST /api/v1/conversations/{id}/transfer  {"user_id"?, "group_id"?, "note"?} → conversation; group only =
//	     round-robin among that group's available agents
//	POST /api/v1/conversations/{id}/resolve   → conversation (status resolved, resolved_at)
//	POST /api/v1/conversations/{id}/reopen    → conversation (open; round-robin when unassigned); 409 when
//	     the contact has another unresolved conversation
//	GET  /api/v1/conversations/{id}/notes     → {"data":[note]} (oldest first)
//	POST /api/v1/conversations/{id}/notes     {"body"} → 201 note {"id","conversation_id","author":{"id","name"},"body","created_at"}
//
// Agents act only on conversations assigned to them or of their groups
// (403 forbidden otherwise); supervisors and admins on all.
func (s *Server) routesAssignment(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("PUT /api/v1/me/availability", conversa.RoleAgent, s.setAvailability)
	m.authed("GET /api/v1/me/availability", conversa.RoleAgent, s.getAvailability)
	m.authed("POST /api/v1/conversations/{id}/assign", conversa.RoleAgent, s.assignConversation)
	m.authed("POST /api/v1/conversations/{id}/transfer", conversa.RoleAgent, s.transferConversation)
	m.authed("POST /api/v1/conversations/{id}/resolve", conversa.RoleAgent, s.conversationAction((*inbox.Service).Resolve))
	m.authed("POST /api/v1/conversations/{id}/reopen", conversa.RoleAgent, s.conversationAction((*inbox.Service).Reopen))
	m.authed("GET /api/v1/conversations/{id}/notes", conversa.RoleAgent, s.listNotes)
	m.authed("POST /api/v1/conversations/{id}/notes", conversa.RoleAgent, s.addNote)
}

// actor is the caller as conversation management sees it.
func actor(p *auth.Principal) inbox.Actor {
	return inbox.Actor{CompanyID: p.Company.ID, UserID: p.User.ID, Role: p.User.Role}
}

type availability struct {
	Available *bool `json:"available"`
}

func (s *Server) setAvailability(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in availability
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Available == nil {
		return required("available", "")
	}
	if err := s.inbox.SetAvailability(r.Context(), p.Company.ID, p.User.ID, *in.Available); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

func (s *Server) getAvailability(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ok, err := s.store.Available(r.Context(), p.Company.ID, p.User.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, availability{&ok})
	return nil
}

// writeConversation answers with the conversation as the list shows it.
func (s *Server) writeConversation(w http.ResponseWriter, r *http.Request, c conversa.Conversation) error {
	ct, err := s.store.Contact(r.Context(), c.CompanyID, c.ContactID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewConversation(c, ct, s.auth.Now()))
	return nil
}

// conversationAction serves a body-less action on the {id} conversation.
func (s *Server) conversationAction(act func(*inbox.Service, context.Context, inbox.Actor, int64) (conversa.Conversation, error)) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		c, err := act(s.inbox, r.Context(), actor(p), id)
		if err != nil {
			return err
		}
		return s.writeConversation(w, r, c)
	}
}

func (s *Server) assignConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		UserID json.RawMessage `json:"user_id"` // a number, or null to unassign; never absent
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.UserID) == 0 {
		return required("user_id", "")
	}
	var userID *int64
	if err := json.Unmarshal(in.UserID, &userID); err != nil {
		return badJSON(err)
	}
	c, err := s.inbox.Assign(r.Context(), actor(p), id, userID)
	if err != nil {
		return err
	}
	return s.writeConversation(w, r, c)
}

func (s *Server) transferConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		UserID  int64  `json:"user_id"`
		GroupID int64  `json:"group_id"`
		Note    string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.inbox.Transfer(r.Context(), actor(p), id, inbox.Transfer{UserID: in.UserID, GroupID: in.GroupID, Note: in.Note})
	if err != nil {
		return err
	}
	return s.writeConversation(w, r, c)
}

type authorRef struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
}

type noteView struct {
	ID             int64     `json:"id"`
	ConversationID int64     `json:"conversation_id"`
	Author         authorRef `json:"author"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
}

func viewNote(n conversa.Note) noteView {
	return noteView{n.ID, n.ConversationID, authorRef{n.AuthorID, n.AuthorName}, n.Body, n.CreatedAt}
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil {
		return err
	}
	notes, err := s.store.Notes(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(notes, viewNote))
	return nil
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.inbox.AddNote(r.Context(), actor(p), id, in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewNote(n))
	return nil
}
