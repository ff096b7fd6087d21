package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
)

// Channel groups and channels (PRODUCT.md §2–§3):
//
//	POST   /api/v1/channel-groups                          {"name"} → 201 group
//	GET    /api/v1/channel-groups                          → {"data":[group]}
//	GET    /api/v1/channel-groups/{id}                     → group
//	PATCH  /api/v1/channel-groups/{id}                     {"name"} → group
//	GET    /api/v1/channel-groups/{id}/members             → {"data":[user]}
//	PUT    /api/v1/channel-groups/{id}/members/{user_id}   → 204 (idempotent)
//	DELETE /api/v1/channel-groups/{id}/members/{user_id}   → 204
//	POST   /api/v1/channels   (step-up) {"group_id","type":"waba","name","phone_number_id","waba_id","access_token","app_secret","verify_token"} → 201 channel
//	GET    /api/v1/channels                                → {"data":[channel]}
//	GET    /api/v1/channels/{id}                           → channel (never a secret)
//	PATCH  /api/v1/channels/{id}                           {"name","group_id"} → channel
//	POST   /api/v1/channels/{id}/disconnect  (step-up)     → channel, with "warnings" Meta gave
//	GET    /api/v1/channels/{id}/readiness                 → {"items":[{"key","ok","detail"}],"ready","checked_at","stale","error"}
func (s *Server) routesChannels(m *router) {
	if s.channels == nil {
		return
	}
	m.authed("POST /api/v1/channel-groups", conversa.RoleAdmin, s.createGroup)
	m.authed("GET /api/v1/channel-groups", conversa.RoleAgent, s.listGroups)
	m.authed("GET /api/v1/channel-groups/{id}", conversa.RoleAgent, s.getGroup)
	m.authed("PATCH /api/v1/channel-groups/{id}", conversa.RoleAdmin, s.renameGroup)
	m.authed("GET /api/v1/channel-groups/{id}/members", conversa.RoleAgent, s.listMembers)
	m.authed("PUT /api/v1/channel-groups/{id}/members/{user_id}", conversa.RoleAdmin, s.addMember)
	m.authed("DELETE /api/v1/channel-groups/{id}/members/{user_id}", conversa.RoleAdmin, s.removeMember)

	m.authed("POST /api/v1/channels", conversa.RoleAdmin, s.createChannel)
	m.authed("GET /api/v1/channels", conversa.RoleAgent, s.listChannels)
	m.authed("GET /api/v1/channels/{id}", conversa.RoleAgent, s.getChannel)
	m.authed("PATCH /api/v1/channels/{id}", conversa.RoleAdmin, s.updateChannel)
	m.authed("POST /api/v1/channels/{id}/disconnect", conversa.RoleAdmin, s.disconnectChannel)
	m.authed("GET /api/v1/channels/{id}/readiness", conversa.RoleSupervisor, s.channelReadiness)
}

type groupView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func viewGroup(g conversa.ChannelGroup) groupView {
	return groupView{ID: g.ID, Name: g.Name, CreatedAt: g.CreatedAt}
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.channels.CreateGroup(r.Context(), p.Company.ID, p.User.ID, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewGroup(g))
	return nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := s.channels.Groups(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, viewGroup))
	return nil
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	g, err := s.channels.Group(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewGroup(g))
	return nil
}

func (s *Server) renameGroup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.channels.RenameGroup(r.Context(), p.Company.ID, p.User.ID, id, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewGroup(g))
	return nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	users, err := s.channels.Members(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	view := viewUser
	if !p.User.Role.AtLeast(conversa.RoleSupervisor) {
		// Agents pick colleagues to transfer to; their e-mails are not
		// theirs to read (GET /users is supervisor+ for the same reason).
		view = func(u conversa.User) userView { v := viewUser(u); v.Email = ""; return v }
	}
	writeJSON(w, http.StatusOK, listOf(users, view))
	return nil
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.member(w, r, p, s.channels.AddMember)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.member(w, r, p, s.channels.RemoveMember)
}

// member runs a membership change on the {id} group and {user_id} user.
func (s *Server) member(w http.ResponseWriter, r *http.Request, p *auth.Principal, change func(ctx context.Context, companyID, actor, groupID, userID int64) error) error {
	groupID, err := pathID(r)
	if err != nil {
		return err
	}
	userID, err := strconv.ParseInt(r.PathValue("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		return conversa.Errorf(conversa.ENOTFOUND, "User not found.").Pt("Usuário não encontrado.")
	}
	if err := change(r.Context(), p.Company.ID, p.User.ID, groupID, userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type wabaView struct {
	BusinessID         string `json:"business_id,omitempty"`
	WABAID             string `json:"waba_id"`
	PhoneNumberID      string `json:"phone_number_id"`
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	VerifiedName       string `json:"verified_name,omitempty"`
	Throughput         int    `json:"throughput"`
	QualityRating      string `json:"quality_rating,omitempty"`
	MessagingLimitTier string `json:"messaging_limit_tier,omitempty"`
}

// channelView never carries a credential: the token, app secret and verify
// token stay in the store, sealed.
type channelView struct {
	ID        int64     `json:"id"`
	GroupID   int64     `json:"group_id"`
	Type      string    `json:"type"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	Problem   string    `json:"problem,omitempty"` // why the status is error, or what Meta warned about
	WABA      *wabaView `json:"waba,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Warnings  []string  `json:"warnings,omitempty"`
}

func viewChannel(lang string) func(conversa.Channel) channelView {
	return func(ch conversa.Channel) channelView {
		v := channelView{ID: ch.ID, GroupID: ch.GroupID, Type: string(ch.Type), Name: ch.Name, Status: string(ch.Status), CreatedAt: ch.CreatedAt}
		if c := ch.WABA; c != nil {
			v.WABA = &wabaView{BusinessID: c.BusinessID, WABAID: c.WABAID, PhoneNumberID: c.PhoneNumberID,
				DisplayPhoneNumber: c.DisplayPhoneNumber, VerifiedName: c.VerifiedName, Throughput: c.Throughput,
				QualityRating: c.Health.QualityRating, MessagingLimitTier: c.Health.MessagingLimitTier}
			if c.Health.Problem != nil {
				v.Problem = c.Health.Problem.Localize(lang)
			}
		}
		return v
	}
}

func lang(r *http.Request) string { return r.Header.Get("Accept-Language") }

func (s *Server) createChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := s.stepUp(p); err != nil {
		return err
	}
	var in struct {
		GroupID       int64  `json:"group_id"`
		Type          string `json:"type"`
		Name          string `json:"name"`
		PhoneNumberID string `json:"phone_number_id"`
		WABAID        string `json:"waba_id"`
		AccessToken   string `json:"access_token"`
		AppSecret     string `json:"app_secret"`
		VerifyToken   string `json:"verify_token"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Type != "" && in.Type != string(conversa.ChannelWABA) {
		return conversa.Errorf(conversa.EINVALID, "Channel type %q is not supported; use \"waba\".", in.Type).
			Pt("O tipo de canal %q não é suportado; use \"waba\".", in.Type)
	}
	ch, err := s.channels.ConnectManual(r.Context(), p.Company.ID, p.User.ID, channels.ManualInput{GroupID: in.GroupID, Name: in.Name,
		PhoneNumberID: in.PhoneNumberID, WABAID: in.WABAID, AccessToken: in.AccessToken, AppSecret: in.AppSecret, VerifyToken: in.VerifyToken})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewChannel(lang(r))(ch))
	return nil
}

func (s *Server) listChannels(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := s.channels.Channels(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, viewChannel(lang(r))))
	return nil
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ch, err := s.channels.Channel(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewChannel(lang(r))(ch))
	return nil
}

func (s *Server) updateChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Name    *string `json:"name"`
		GroupID *int64  `json:"group_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ch, err := s.channels.UpdateChannel(r.Context(), p.Company.ID, p.User.ID, id, channels.ChannelPatch{Name: in.Name, GroupID: in.GroupID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewChannel(lang(r))(ch))
	return nil
}

func (s *Server) disconnectChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.stepUp(p); err != nil {
		return err
	}
	ch, warnings, err := s.channels.Disconnect(r.Context(), p.Company.ID, p.User.ID, id)
	if err != nil {
		return err
	}
	v := viewChannel(lang(r))(ch)
	for _, wn := range warnings {
		v.Warnings = append(v.Warnings, wn.Localize(lang(r)))
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

type readinessView struct {
	Items     []conversa.ReadinessItem `json:"items"`
	Ready     bool                     `json:"ready"`
	CheckedAt *time.Time               `json:"checked_at"`
	Stale     bool                     `json:"stale"`
	Error     string                   `json:"error,omitempty"`
}

func (s *Server) channelReadiness(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rd, err := s.channels.Readiness(r.Context(), p.Company.ID, id, lang(r))
	if err != nil {
		return err
	}
	v := readinessView{Items: rd.Items, Ready: rd.Ready, CheckedAt: rd.CheckedAt, Stale: rd.Stale}
	if rd.Error != nil {
		v.Error = rd.Error.Localize(lang(r))
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
