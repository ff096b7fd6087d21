package httpapi

import (
	"net/http"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

func (s *Server) routesCompany(m *router) {
	m.authed("GET /api/v1/company", conversa.RoleAgent, s.company)
	m.authed("PATCH /api/v1/company", conversa.RoleAdmin, s.updateCompany)
}

// updateCompany changes the company's name, language (new users' default)
// or time zone (report days, dates in messages).
func (s *Server) updateCompany(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in conversa.CompanySettings
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.store.UpdateCompanySettings(r.Context(), p.Company.ID, &p.User.ID, in)
	if err != nil {
		return err
	}
	p.Company = c
	return s.company(w, r, p)
}

func (s *Server) company(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	usage, err := s.store.LicenceUsage(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		companyView
		Licence map[string]usageView `json:"licence"`
	}{viewCompany(p.Company), map[string]usageView{
		string(conversa.LicenceChannels): {Used: usage.Channels, Max: usage.MaxChannels},
		string(conversa.LicenceAgents):   {Used: usage.Agents, Max: usage.MaxAgents},
	}})
	return nil
}
