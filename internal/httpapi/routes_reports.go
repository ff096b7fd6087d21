package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/report"
)

// Reports (PRODUCT.md §10), for supervisors and admins, always of the
// caller's company. Every report takes the same query:
//
//	from, to     first and last day (YYYY-MM-DD, both included; default: the last 7 days)
//	tz           IANA zone of the days (default: the company's, America/Sao_Paulo)
//	channel_id, group_id, agent_id, template, campaign_id   filters
//
//	GET /api/v1/reports/summary    → report.Summary
//	GET /api/v1/reports/daily      → report.Daily (every day, for charts)
//	GET /api/v1/reports/agents     → {"period", "agents": [report.AgentRow]}
//	GET /api/v1/reports/templates  → {"period", "templates": [report.TemplateRow]}
//
// CSV: "Accept: text/csv" or format=csv. lang=pt-BR|en picks the headers
// (default: Accept-Language), decimal=comma|point the separator (default:
// comma for pt-BR, which also switches the column separator to ";").
func (s *Server) routesReports(m *router) {
	if s.reports == nil {
		return
	}
	m.authed("GET /api/v1/reports/summary", conversa.RoleSupervisor, s.reportHandler(func(r *http.Request, q report.Query, p *auth.Principal) (any, report.Table, error) {
		v, err := s.reports.Summary(r.Context(), p.Company.ID, q)
		return v, v.Table(), err
	}))
	m.authed("GET /api/v1/reports/daily", conversa.RoleSupervisor, s.reportHandler(func(r *http.Request, q report.Query, p *auth.Principal) (any, report.Table, error) {
		v, err := s.reports.Daily(r.Context(), p.Company.ID, q)
		return v, v.Table(), err
	}))
	m.authed("GET /api/v1/reports/agents", conversa.RoleSupervisor, s.reportHandler(func(r *http.Request, q report.Query, p *auth.Principal) (any, report.Table, error) {
		v, err := s.reports.Agents(r.Context(), p.Company.ID, q)
		return agentsView{q.Period(), v}, report.AgentsTable(v, report.NoAgent.In(reportLang(r))), err
	}))
	m.authed("GET /api/v1/reports/templates", conversa.RoleSupervisor, s.reportHandler(func(r *http.Request, q report.Query, p *auth.Principal) (any, report.Table, error) {
		v, err := s.reports.Templates(r.Context(), p.Company.ID, q)
		return templatesView{q.Period(), v}, report.TemplatesTable(v), err
	}))
}

type agentsView struct {
	Period report.Period     `json:"period"`
	Agents []report.AgentRow `json:"agents"`
}

type templatesView struct {
	Period    report.Period        `json:"period"`
	Templates []report.TemplateRow `json:"templates"`
}

type reportFunc func(r *http.Request, q report.Query, p *auth.Principal) (any, report.Table, error)

// reportHandler parses the query, runs the report and writes it as JSON or
// CSV, both from the same values.
func (s *Server) reportHandler(run reportFunc) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		params, err := reportParams(r)
		if err != nil {
			return err
		}
		q, err := s.reports.ParseQuery(r.Context(), p.Company.ID, params)
		if err != nil {
			return err
		}
		v, table, err := run(r, q, p)
		if err != nil {
			return err
		}
		if !wantsCSV(r) {
			writeJSON(w, http.StatusOK, v)
			return nil
		}
		lang := reportLang(r)
		comma := strings.HasPrefix(lang, "pt")
		if d := r.URL.Query().Get("decimal"); d != "" {
			comma = d == "comma"
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="conversa-%s-%s-%s.csv"`,
			table.Name, q.Period().From, q.Period().To))
		return report.WriteCSV(w, table, lang, comma)
	}
}

func wantsCSV(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "csv"
	}
	return strings.Contains(r.Header.Get("Accept"), "text/csv")
}

// reportLang is lang=..., else Accept-Language's preference (pt-BR when
// it names neither).
func reportLang(r *http.Request) string {
	l := r.URL.Query().Get("lang")
	if l == "" {
		l = r.Header.Get("Accept-Language")
	}
	return conversa.PreferredLanguage(l, conversa.Portuguese)
}

func reportParams(r *http.Request) (report.Params, error) {
	v := r.URL.Query()
	p := report.Params{From: v.Get("from"), To: v.Get("to"), TimeZone: v.Get("tz"), Template: v.Get("template")}
	for name, dst := range map[string]*int64{"channel_id": &p.ChannelID, "group_id": &p.GroupID, "agent_id": &p.AgentID,
		"campaign_id": &p.CampaignID} {
		if s := v.Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return p, conversa.Errorf(conversa.EINVALID, "%s must be a number.", name).Pt("%s precisa ser um número.", name)
			}
			*dst = n
		}
	}
	return p, nil
}
