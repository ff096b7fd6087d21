package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
)

// Conversations, their messages, contacts and the live event stream
// (PRODUCT.md §6, §8; API-CONTRACT.md "Conversations and messages"):
//
//	GET  /api/v1/conversations?status=open|pending|resolved|all&assignee=me|none&channel_id=&group_id=&label_id=&q=&cursor=&limit=
//	     → {"data":[conversation],"next_cursor"}; group_id is the group's queue (its channels' conversations
//	     not transferred away, plus those transferred to it)
//	GET  /api/v1/conversations/{id}              → conversation
//	GET  /api/v1/conversations/{id}/messages?before=&limit= → {"data":[message]} (oldest first)
//	POST /api/v1/conversations/{id}/messages     Outgoing (+ Idempotency-Key) → 201 message;
//	     422 window_closed for free-form outside the 24-hour window
//	GET  /api/v1/contacts/{id}                   → contact
//	GET  /api/v1/events                          → text/event-stream of the company's live events
func (s *Server) routesConversations(m *router) {
	if s.inbox == nil {
		return
	}
	m.authed("GET /api/v1/conversations", conversa.RoleAgent, s.listConversations)
	m.authed("GET /api/v1/conversations/{id}", conversa.RoleAgent, s.getConversation)
	m.authed("GET /api/v1/conversations/{id}/messages", conversa.RoleAgent, s.listMessages)
	m.authed("POST /api/v1/conversations/{id}/messages", conversa.RoleAgent, s.sendMessage)
	m.authed("POST /api/v1/conversations/{id}/read", conversa.RoleAgent, s.conversationAction((*inbox.Service).MarkRead))
	m.authed("GET /api/v1/contacts/{id}", conversa.RoleAgent, s.getContact)
	if s.events != nil {
		m.authed("GET /api/v1/events", conversa.RoleAgent, s.streamEvents)
	}
}

type contactRef struct {
	ID   int64  `json:"id"`
	WAID string `json:"wa_id"`
	Name string `json:"name"`
}

type conversationView struct {
	ID              int64      `json:"id"`
	ChannelID       int64      `json:"channel_id"`
	Contact         contactRef `json:"contact"`
	Status          string     `json:"status"`
	WindowExpiresAt *time.Time `json:"window_expires_at"`
	LastMessageAt   time.Time  `json:"last_message_at"`
	WindowOpen      bool       `json:"window_open"`
	Origin          string     `json:"origin"`
	AssigneeID      *int64     `json:"assignee_id"`
	CreatedAt       time.Time  `json:"created_at"`
	Unread          int        `json:"unread"`
}

func viewConversation(c conversa.Conversation, ct conversa.Contact, now time.Time) conversationView {
	return conversationView{ID: c.ID, ChannelID: c.ChannelID, Contact: contactRef{ct.ID, ct.WAID, ct.Name},
		Status: string(c.Status), WindowExpiresAt: c.WindowExpiresAt(), LastMessageAt: c.LastMessageAt,
		WindowOpen: conversa.WindowOpen(c.LastInboundAt, now), Origin: string(c.Origin), AssigneeID: c.AssigneeID, CreatedAt: c.CreatedAt,
		Unread: c.Unread}
}

type conversationPage struct {
	Data       []conversationView `json:"data"`
	NextCursor *string            `json:"next_cursor"`
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := conversationFilter(r, p)
	if err != nil {
		return err
	}
	if !p.User.Role.AtLeast(conversa.RoleSupervisor) {
		f.VisibleTo = p.User.ID // agents: theirs and their groups' (inbox.CanAct)
	}
	rows, err := s.store.Conversations(r.Context(), p.Company.ID, f)
	if err != nil {
		return err
	}
	now := s.auth.Now()
	page := conversationPage{Data: make([]conversationView, 0, len(rows))}
	for _, row := range rows {
		page.Data = append(page.Data, viewConversation(row.Conversation, row.Contact, now))
	}
	if len(rows) == f.Limit {
		last := rows[len(rows)-1]
		cursor := fmt.Sprintf("%d.%d", last.LastMessageAt.UnixMilli(), last.ID)
		page.NextCursor = &cursor
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// conversationFilter reads the list's query parameters.
func conversationFilter(r *http.Request, p *auth.Principal) (store.ConversationFilter, error) {
	q := r.URL.Query()
	f := store.ConversationFilter{Status: q.Get("status"), Query: q.Get("q"), Limit: 50}
	switch f.Status {
	case "":
		f.Status = "open"
	case "open", "pending", "resolved", "all":
	default:
		return f, badParam("status", "open, pending, resolved or all")
	}
	switch q.Get("assignee") {
	case "":
	case "me":
		f.AssigneeID = p.User.ID
	case "none":
		f.Unassigned = true
	default:
		return f, badParam("assignee", "me or none")
	}
	var err error
	if f.ChannelID, err = optInt(q.Get("channel_id"), "channel_id"); err != nil {
		return f, err
	}
	if f.GroupID, err = optInt(q.Get("group_id"), "group_id"); err != nil {
		return f, err
	}
	if f.LabelID, err = optInt(q.Get("label_id"), "label_id"); err != nil {
		return f, err
	}
	n, err := optInt(q.Get("limit"), "limit")
	if err != nil {
		return f, err
	}
	if n > 0 {
		f.Limit = int(min(n, 200))
	}
	if c := q.Get("cursor"); c != "" {
		ms, id, ok := strings.Cut(c, ".")
		msN, err1 := strconv.ParseInt(ms, 10, 64)
		idN, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return f, badParam("cursor", "the next_cursor of the previous page")
		}
		at := time.UnixMilli(msN).UTC()
		f.AfterTime, f.AfterID = &at, idN
	}
	return f, nil
}

func optInt(v, name string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badParam(name, "a positive number")
	}
	return n, nil
}

func badParam(name, want string) error {
	return conversa.Errorf(conversa.EINVALID, "Query parameter %q must be %s.", name, want).
		Pt("O parâmetro %q deve ser %s.", name, want)
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil {
		return err
	}
	c, err := s.store.Conversation(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	ct, err := s.store.Contact(r.Context(), p.Company.ID, c.ContactID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewConversation(c, ct, s.auth.Now()))
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil {
		return err
	}
	before, err := optInt(r.URL.Query().Get("before"), "before")
	if err != nil {
		return err
	}
	limit, err := optInt(r.URL.Query().Get("limit"), "limit")
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = 100
	}
	msgs, err := s.store.Messages(r.Context(), p.Company.ID, id, before, int(limit))
	if err != nil {
		return err
	}
	lang := r.Header.Get("Accept-Language")
	writeJSON(w, http.StatusOK, listOf(msgs, func(m conversa.Message) messageView { return viewMessage(m, lang) }))
	return nil
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in inbox.Outgoing
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.inbox.CanAct(r.Context(), actor(p), id); err != nil { // agents: their own or their groups' (routes_assignment.go)
		return err
	}
	m, err := s.inbox.Send(r.Context(), sender(r, p), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewMessage(m, r.Header.Get("Accept-Language")))
	return nil
}

// sender is the caller as the inbox sees it, with the Idempotency-Key.
func sender(r *http.Request, p *auth.Principal) inbox.Sender {
	return inbox.Sender{CompanyID: p.Company.ID, AuthorID: &p.User.ID, IdempotencyKey: strings.TrimSpace(r.Header.Get("Idempotency-Key"))}
}

type contactView struct {
	ID        int64      `json:"id"`
	ChannelID int64      `json:"channel_id"`
	WAID      string     `json:"wa_id"`
	Phone     string     `json:"phone"`
	Name      string     `json:"name"`
	OptedOut  *time.Time `json:"opted_out_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.inbox.CanSeeContact(r.Context(), actor(p), id); err != nil {
		return err
	}
	c, err := s.store.Contact(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewContact(c))
	return nil
}

func viewContact(c conversa.Contact) contactView {
	return contactView{c.ID, c.ChannelID, c.WAID, c.Phone, c.Name, c.OptedOut, c.CreatedAt}
}

// streamEvents serves the caller's company's live events until the client
// leaves; the write deadline is lifted because the stream is long-lived.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	s.events.ServeSSE(w, r, p.Company.ID)
	return nil
}
