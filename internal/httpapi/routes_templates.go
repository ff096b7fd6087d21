package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
)

// Message templates (PRODUCT.md §4, §7). Supervisors and admins manage
// them; agents see APPROVED ones only (others are not_found to them).
//
//	GET    /api/v1/templates?channel_id=&status=&category=&q=&approved_only=true → {"data":[template]}
//	GET    /api/v1/templates/{id}                  → template
//	POST   /api/v1/templates                       {"channel_id","name","language"(pt_BR),"category","parameter_format","components":[...]} → 201 template (PENDING)
//	PUT    /api/v1/templates/{id}                  {"category"?,"parameter_format"?,"components":[...]} → template (PENDING again)
//	DELETE /api/v1/templates/{id}                  → 204
//	POST   /api/v1/channels/{id}/templates/sync    → {"total","created","updated","deleted"}
//	POST   /api/v1/templates/{id}/preview          {"parameters":[...],"header"?,"buttons"?,"to"?} → {"text","sendable","problems":[{"code","message"}],"category","cost":{...}|null}
//
// A template Meta refuses is 422 meta_rejected with Meta's explanation.
func (s *Server) routesTemplates(m *router) {
	if s.templates == nil {
		return
	}
	m.authed("GET /api/v1/templates", conversa.RoleAgent, s.listTemplates)
	m.authed("GET /api/v1/templates/{id}", conversa.RoleAgent, s.getTemplate)
	m.authed("POST /api/v1/templates", conversa.RoleSupervisor, s.createTemplate)
	m.authed("PUT /api/v1/templates/{id}", conversa.RoleSupervisor, s.editTemplate)
	m.authed("DELETE /api/v1/templates/{id}", conversa.RoleSupervisor, s.deleteTemplate)
	m.authed("POST /api/v1/channels/{id}/templates/sync", conversa.RoleSupervisor, s.syncTemplates)
	m.authed("POST /api/v1/templates/{id}/preview", conversa.RoleAgent, s.previewTemplate)
}

type templateView struct {
	ID              int64                        `json:"id"`
	ChannelID       int64                        `json:"channel_id"`
	MetaID          string                       `json:"meta_id"`
	Name            string                       `json:"name"`
	Language        string                       `json:"language"`
	Category        string                       `json:"category"` // MARKETING, UTILITY, AUTHENTICATION
	Status          string                       `json:"status"`   // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
	RejectedReason  string                       `json:"rejected_reason"`
	StatusInfo      string                       `json:"status_info"`
	Quality         string                       `json:"quality"`
	ParameterFormat string                       `json:"parameter_format"`
	Components      []conversa.TemplateComponent `json:"components"`
	Variables       []string                     `json:"variables"` // body variables a sender fills, in order
	Inputs          []conversa.TemplateInput     `json:"inputs"`    // header and button values a sender fills besides them
	CreatedAt       time.Time                    `json:"created_at"`
	UpdatedAt       time.Time                    `json:"updated_at"`
}

func viewTemplate(t conversa.Template) templateView {
	vars, inputs := t.BodyVariables(), t.Inputs()
	if vars == nil {
		vars = []string{}
	}
	if inputs == nil {
		inputs = []conversa.TemplateInput{}
	}
	return templateView{ID: t.ID, ChannelID: t.ChannelID, MetaID: t.MetaID, Name: t.Name, Language: t.Language,
		Category: strings.ToUpper(string(t.Category)), Status: string(t.Status), RejectedReason: t.RejectedReason,
		StatusInfo: t.StatusInfo, Quality: t.Quality, ParameterFormat: t.ParameterFormat, Components: t.Components,
		Variables: vars, Inputs: inputs, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// agentView: agents only ever see templates they may send.
func agentView(p *auth.Principal) bool { return !p.User.Role.AtLeast(conversa.RoleSupervisor) }

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := templateFilter(r)
	if err != nil {
		return err
	}
	if agentView(p) || r.URL.Query().Get("approved_only") == "true" {
		f.Status = conversa.TemplateApproved
	}
	list, err := s.store.Templates(r.Context(), p.Company.ID, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listOf(list, viewTemplate))
	return nil
}

func templateFilter(r *http.Request) (store.TemplateFilter, error) {
	q := r.URL.Query()
	f := store.TemplateFilter{Status: conversa.MetaTemplateStatus(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if v := q.Get("channel_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, conversa.Errorf(conversa.EINVALID, "channel_id must be a number.").Pt("channel_id deve ser um número.")
		}
		f.ChannelID = id
	}
	if v := q.Get("category"); v != "" {
		c, err := conversa.ParseCategory(v)
		if err != nil {
			return f, err
		}
		f.Category = c
	}
	return f, nil
}

// visibleTemplate loads a template the caller may see.
func (s *Server) visibleTemplate(r *http.Request, p *auth.Principal) (conversa.Template, error) {
	id, err := pathID(r)
	if err != nil {
		return conversa.Template{}, err
	}
	t, err := s.store.Template(r.Context(), p.Company.ID, id)
	if err == nil && agentView(p) && t.Status != conversa.TemplateApproved {
		return t, conversa.Errorf(conversa.ENOTFOUND, "Template not found.").Pt("Modelo não encontrado.")
	}
	return t, err
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, err := s.visibleTemplate(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewTemplate(t))
	return nil
}

type templateBody struct {
	ChannelID       int64                        `json:"channel_id"`
	Name            string                       `json:"name"`
	Language        string                       `json:"language"`
	Category        string                       `json:"category"`
	ParameterFormat string                       `json:"parameter_format"`
	Components      []conversa.TemplateComponent `json:"components"`
}

func (b templateBody) draft() templates.Draft {
	return templates.Draft{ChannelID: b.ChannelID, Name: b.Name, Language: b.Language, Category: b.Category,
		ParameterFormat: b.ParameterFormat, Components: b.Components}
}

func (s *Server) createTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in templateBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.ChannelID <= 0 {
		return conversa.Errorf(conversa.EINVALID, "Field \"channel_id\" is required.").Pt("O campo \"channel_id\" é obrigatório.")
	}
	t, err := s.templates.Create(r.Context(), p.Company.ID, in.draft())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewTemplate(t))
	return nil
}

func (s *Server) editTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Category        string                       `json:"category"`
		ParameterFormat string                       `json:"parameter_format"`
		Components      []conversa.TemplateComponent `json:"components"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.templates.Edit(r.Context(), p.Company.ID, id,
		templateBody{Category: in.Category, ParameterFormat: in.ParameterFormat, Components: in.Components}.draft())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewTemplate(t))
	return nil
}

func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.templates.Delete(r.Context(), p.Company.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) syncTemplates(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	res, err := s.templates.Sync(r.Context(), p.Company.ID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

type problemView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type costView struct {
	To         string  `json:"to"`
	Region     string  `json:"region"` // "" when unknown: the "*" rate applies
	WindowOpen bool    `json:"window_open"`
	Billable   bool    `json:"billable"`
	Amount     float64 `json:"amount"`
	Micros     int64   `json:"micros"`
	Currency   string  `json:"currency"`
}

type previewView struct {
	Text     string        `json:"text"`
	Sendable bool          `json:"sendable"`
	Problems []problemView `json:"problems"`
	Category string        `json:"category"`
	Cost     *costView     `json:"cost"` // null without "to"
}

func (s *Server) previewTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, err := s.visibleTemplate(r, p)
	if err != nil {
		return err
	}
	var in struct {
		conversa.TemplateValues
		To string `json:"to"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pv, err := s.templates.Preview(r.Context(), p.Company.ID, t.ID, in.TemplateValues, in.To)
	if err != nil {
		return err
	}
	out := previewView{Text: pv.Text, Sendable: len(pv.Problems) == 0, Problems: []problemView{},
		Category: strings.ToUpper(string(pv.Template.Category))}
	for _, e := range pv.Problems {
		out.Problems = append(out.Problems, problemView{Code: conversa.ErrorCode(e), Message: conversa.ErrorMessage(e, r.Header.Get("Accept-Language"))})
	}
	if pv.To != "" {
		out.Cost = &costView{To: pv.To, Region: pv.Region, WindowOpen: pv.WindowOpen, Billable: pv.Billable,
			Amount: pv.Cost.Units(), Micros: int64(pv.Cost), Currency: pv.Currency}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
